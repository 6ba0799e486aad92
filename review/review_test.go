package review

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sha(c byte) string { return strings.Repeat(string(c), 64) }

func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	f := New()
	for _, r := range []struct {
		sha string
		a   Approval
	}{
		{sha('b'), Approval{Address: `image.season["spring"]`, Verdict: Approved, Note: "nice, \"warm\", light"}},
		{sha('a'), Approval{Address: "image.hero", Verdict: Rejected}},
	} {
		if err := f.Record(r.sha, r.a); err != nil {
			t.Fatal(err)
		}
	}
	got := string(f.Encode())
	want := `{
  "version": 1,
  "approvals": {
    "` + sha('a') + `": {"address": "image.hero", "verdict": "rejected"},
    "` + sha('b') + `": {"address": "image.season[\"spring\"]", "verdict": "approved", "note": "nice, \"warm\", light"}
  }
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("encoding (-want +got):\n%s", diff)
	}
	back, err := Parse("r.json", []byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, back); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	if !back.IsApproved(sha('b')) || back.IsApproved(sha('a')) || back.IsApproved(sha('c')) {
		t.Fatal("IsApproved: only an approving verdict approves")
	}
	if empty := string(New().Encode()); empty != "{\n  \"version\": 1,\n  \"approvals\": {}\n}\n" {
		t.Fatalf("empty file encodes as %q", empty)
	}
}

// Approvals added on two branches merge without a conflict: each is one
// line, sorted by content, so two new approvals of random content rarely
// land next to each other.
func TestTwoBranchesMerge(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	base := New()
	base.Record(sha('1'), Approval{Address: "image.a", Verdict: Approved})
	base.Record(sha('5'), Approval{Address: "image.m", Verdict: Approved})
	base.Record(sha('9'), Approval{Address: "image.z", Verdict: Approved})
	ours, theirs := New(), New()
	ours.Merge(base)
	theirs.Merge(base)
	ours.Record(sha('3'), Approval{Address: "image.b", Verdict: Approved})
	theirs.Record(sha('7'), Approval{Address: "image.c", Verdict: Rejected, Note: "too dark"})

	dir := t.TempDir()
	write := func(name string, f *File) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, f.Encode(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	o, b, th := write("ours", ours), write("base", base), write("theirs", theirs)
	if out, err := exec.Command("git", "merge-file", o, b, th).CombinedOutput(); err != nil {
		t.Fatalf("git merge-file: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(o)
	merged, err := Parse("merged", data)
	if err != nil {
		t.Fatalf("merged file: %v\n%s", err, data)
	}
	want := New()
	want.Merge(ours)
	want.Merge(theirs)
	if diff := cmp.Diff(want, merged); diff != "" {
		t.Fatalf("merged (-want +got):\n%s", diff)
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	good := `"` + sha('a') + `": {"address": "image.a", "verdict": "approved"}`
	for name, tc := range map[string]struct{ data, want string }{
		"conflict":     {"{\n  \"version\": 1,\n  \"approvals\": {\n<<<<<<< HEAD\n" + good + "\n=======\n>>>>>>> x\n}}\n", "r.json:4: unresolved merge conflict"},
		"newer":        {`{"version": 2, "approvals": {}}`, "newer seedform"},
		"no version":   {`{"approvals": {}}`, `no "version"`},
		"bad sha":      {`{"version": 1, "approvals": {"sha256:abc": {"address": "image.a", "verdict": "approved"}}}`, "64 lowercase hex"},
		"bad verdict":  {`{"version": 1, "approvals": {` + strings.Replace(good, "approved", "maybe", 1) + `}}`, `verdict must be "approved" or "rejected"`},
		"no address":   {`{"version": 1, "approvals": {` + strings.Replace(good, "image.a", "", 1) + `}}`, "no address"},
		"unknown":      {`{"version": 1, "approvals": {}, "extra": 1}`, "unknown field"},
		"trailing":     {`{"version": 1, "approvals": {}} {}`, "data after"},
		"not json":     {`approved`, "not a seedform review file"},
		"wrong shaped": {`{"version": 1, "approvals": []}`, "not a seedform review file"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("r.json", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse: got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestReadMissingIsEmpty(t *testing.T) {
	t.Parallel()
	f, err := Read(filepath.Join(t.TempDir(), FileName))
	if err != nil || len(f.Approvals) != 0 || f.Version != FormatVersion {
		t.Fatalf("Read of a missing file: %+v, %v", f, err)
	}
}
