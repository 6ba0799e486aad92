package spec

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputsAreRegularFiles: a FIFO given as a reference image or to
// file() is refused at once, not waited on forever; a reference that is
// no image is said at validate time, before apply would refuse it.
func TestInputsAreRegularFiles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, config, want string
	}{
		{"a FIFO as a reference", `provider "placeholder" {}
image "a" {
  prompt     = "A"
  size       = "64x64"
  references = ["pipe.png"]
  path       = "a.png"
}`, "not a regular file"},
		{"a FIFO read by file()", `provider "placeholder" {}
image "a" {
  prompt = file("pipe.png")
  size   = "64x64"
  path   = "a.png"
}`, "not a regular file"},
		{"a reference that is no image", `image "a" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "A"
  references = ["notes.png"]
  path       = "a.jpeg"
}`, "Invalid reference image"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, map[string]string{"main.sf.hcl": tt.config, "notes.png": "meeting notes, not a picture"})
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.png"), 0o644); err != nil {
				t.Skipf("no FIFOs here: %v", err)
			}
			done := make(chan string, 1)
			go func() {
				_, diags := NewLoader().Load(dir, Options{})
				done <- diags.Error()
			}()
			select {
			case got := <-done:
				if !strings.Contains(got, tt.want) {
					t.Errorf("diagnostics %q, want %q", got, tt.want)
				}
			case <-time.After(10 * time.Second):
				// Unblock the loader before failing: open the FIFO's other end.
				if f, err := os.OpenFile(filepath.Join(dir, "pipe.png"), os.O_WRONLY, 0); err == nil {
					f.Close()
				}
				t.Fatal("loading hung on the FIFO")
			}
		})
	}
}
