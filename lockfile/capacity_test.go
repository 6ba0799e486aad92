package lockfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCapacitiesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, ".seedform")
	c, err := LoadCapacities(state)
	if err != nil {
		t.Fatalf("a missing memo: %v", err)
	}
	if _, ok := c.Get("imageapi https://example.com/v1"); ok {
		t.Fatal("a missing memo knows a server")
	}
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	want := ServerCapacity{Good: 32, Overloaded: 40, ObservedAt: at}
	c.Put("imageapi https://example.com/v1", want)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(state, CapacityFileName))
	if err != nil {
		t.Fatal(err)
	}
	wantFile := `{
  "version": 2,
  "servers": {
    "imageapi https://example.com/v1": {
      "good": 32,
      "overloaded": 40,
      "observed_at": "2025-06-01T12:00:00Z"
    }
  }
}
`
	if diff := cmp.Diff(wantFile, string(data)); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	c, err = LoadCapacities(state)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get("imageapi https://example.com/v1")
	if !ok || !got.ObservedAt.Equal(at) || got.Good != 32 || got.Overloaded != 40 {
		t.Errorf("read back %+v, %v; want %+v", got, ok, want)
	}
}

// TestCapacitiesDamaged: a memo that is not one seedform wrote is ignored
// with an error to warn of, and the next Save replaces it even with
// nothing new to keep, so that the warning is given once.
func TestCapacitiesDamaged(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":         "{\"version\": 1, \"serv",
		"another version":  `{"version": 99, "servers": {"x": {"good": 3}}}`,
		"foreign JSON":     `[1, 2, 3]`,
		"negative numbers": `{"version": 2, "servers": {"x": {"good": -3}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), ".seedform")
			if err := os.MkdirAll(state, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(state, CapacityFileName)
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := LoadCapacities(state)
			if err == nil || !strings.Contains(err.Error(), "ignoring") {
				t.Fatalf("no error to warn of: %v", err)
			}
			if _, ok := c.Get("x"); ok {
				t.Fatal("a damaged memo's entry was kept")
			}
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadCapacities(state); err != nil {
				t.Fatalf("the memo Save rewrote: %v", err)
			}
		})
	}
}

// TestCapacitiesStateDirLink: Save writes nothing through a state
// directory that is a symbolic link.
func TestCapacitiesStateDirLink(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	state := filepath.Join(dir, ".seedform")
	if err := os.Symlink(elsewhere, state); err != nil {
		t.Skip(err)
	}
	c, _ := LoadCapacities(state)
	c.Put("x", ServerCapacity{Good: 4})
	if err := c.Save(); err == nil {
		t.Fatal("saved through a linked state directory")
	}
	if _, err := os.Stat(filepath.Join(elsewhere, CapacityFileName)); err == nil {
		t.Fatal("wrote where the link points")
	}
}
