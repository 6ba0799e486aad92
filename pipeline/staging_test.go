package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJournalAppends: each record is appended whole, the last complete one
// is what is read, and a record a crash cut short leaves the one before.
func TestJournalAppends(t *testing.T) {
	s, err := OpenStaging(filepath.Join(t.TempDir(), "staging"))
	if err != nil {
		t.Fatal(err)
	}
	const addr = `image["a"]`
	dir, err := s.Begin(addr)
	if err != nil {
		t.Fatal(err)
	}
	paid := &StagedAnswer{Addr: addr, SpecHash: "sha256:1", Items: []StagedItem{{Index: 0, URL: "https://x/0.png"}}}
	done := &StagedAnswer{Addr: addr, SpecHash: "sha256:1", Complete: true,
		Items: []StagedItem{{Index: 0, URL: "https://x/0.png", File: "0.part", SHA256: "ab", Bytes: 3}}}
	journal := filepath.Join(dir, answerFile)
	read := func() *StagedAnswer {
		t.Helper()
		ans, err := ReadJournal(journal)
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	if err := s.Journal(paid); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(paid, read()); diff != "" {
		t.Errorf("after the first record (-want +got):\n%s", diff)
	}
	if err := s.Journal(done); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(done, read()); diff != "" {
		t.Errorf("after the second record (-want +got):\n%s", diff)
	}

	// A third record cut short: the second is still read.
	f, err := os.OpenFile(journal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"address":"image[\"a\"]","spec_hash":"sha2`)
	f.Close()
	if diff := cmp.Diff(done, read()); diff != "" {
		t.Errorf("after a torn record (-want +got):\n%s", diff)
	}

	// The only record cut short: nothing to recover.
	os.WriteFile(journal, []byte(`{"address":"image[\"a\"]","spec`), 0o644)
	if _, err := ReadJournal(journal); err == nil {
		t.Error("a journal with no complete record was read")
	}

	// An earlier seedform's journal: one indented record.
	old, _ := json.MarshalIndent(done, "", "  ")
	os.WriteFile(journal, old, 0o644)
	if diff := cmp.Diff(done, read()); diff != "" {
		t.Errorf("an indented journal (-want +got):\n%s", diff)
	}
}
