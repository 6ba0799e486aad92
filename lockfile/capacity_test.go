package lockfile

import (
	"bytes"
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
	at := time.Now().UTC().Truncate(time.Second) // within CapacityTTL
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
      "observed_at": "` + at.Format(time.RFC3339) + `"
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

// TestCapacitiesExpire: what a server took is remembered for two weeks;
// an older entry is not known, and the next Save leaves it out.
func TestCapacitiesExpire(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), ".seedform")
	c, err := LoadCapacities(state)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	c.Put("fresh", ServerCapacity{Good: 32, Overloaded: 40, ObservedAt: now.Add(-13 * 24 * time.Hour)})
	c.Put("stale", ServerCapacity{Good: 32, ObservedAt: now.Add(-15 * 24 * time.Hour)})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := LoadCapacities(state)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := again.Get("fresh"); !ok || got.Good != 32 || got.Overloaded != 40 {
		t.Errorf("an entry of 13 days: %+v, %v", got, ok)
	}
	if got, ok := again.Get("stale"); ok {
		t.Errorf("an entry of 15 days is known: %+v", got)
	}
	if err := again.Save(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(state, CapacityFileName)); bytes.Contains(data, []byte("stale")) {
		t.Errorf("the stale entry is still in the memo:\n%s", data)
	}
}
