package planfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/pipeline"
)

// A plan of another format version is refused with the way out; one of
// this version reads back as it was written.
func TestFormatVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := &pipeline.Plan{ConfigDigest: "sha256:c", LockDigest: "sha256:l", Changes: []*pipeline.Change{
		{Addr: "image.a", Action: pipeline.Replace, Kind: "image", Details: &pipeline.Details{Cause: pipeline.CauseRequested,
			Attrs: []pipeline.AttrChange{{Name: "prompt", Before: []byte(`"a"`), After: []byte(`"b"`), ForcesReplacement: true}}}},
	}, Options: pipeline.Options{Destroy: true}, Deferred: []string{"image.b"}}
	name := filepath.Join(dir, "p.plan")
	if err := Write(name, FromPlan(p)); err != nil {
		t.Fatal(err)
	}
	got, err := Read(name)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got.Pipeline()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	old := FromPlan(p)
	old.FormatVersion = 1
	if err := Write(name, old); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(name); err == nil || !strings.Contains(err.Error(), "plan format 1") || !strings.Contains(err.Error(), "make a new plan") {
		t.Errorf("a format 1 plan: %v", err)
	}
	if err := os.WriteFile(name, []byte(`{"seedform_plan":"seedform saved plan","checksum":"x","plan":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(name); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("an edited plan: %v", err)
	}
}
