package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzReadPlanFile: a saved plan is input like any other file. No content
// panics the reader, and a plan it accepts writes and reads back the same.
func FuzzReadPlanFile(f *testing.F) {
	dir := f.TempDir()
	sample := filepath.Join(dir, "sample.plan")
	p := &Plan{FormatVersion: PlanFormatVersion, ConfigDigest: "sha256:c", LockDigest: "sha256:l",
		Changes: []*Change{
			{Addr: "image.a", Action: Create, Kind: "image", Images: 1, Reasons: []string{"not yet generated"}},
			{Addr: `image.b["x"]`, Action: Move, Kind: "image", PrevAddr: "image.c",
				Moves: []FileMove{{From: "out/c.png", To: "out/b.png", SHA256: "ab"}}},
		},
		OrphanTemps: []string{"/tmp/x/.seedform/staging/0123456789abcdef01234567"},
	}
	if err := WritePlanFile(sample, p); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(sample)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"seedform_plan": "seedform saved plan", "checksum": "", "plan": {}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(t.TempDir(), "in.plan")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadPlanFile(name)
		if err != nil {
			return
		}
		again := filepath.Join(t.TempDir(), "again.plan")
		if err := WritePlanFile(again, got); err != nil {
			t.Fatalf("writing an accepted plan: %v", err)
		}
		back, err := ReadPlanFile(again)
		if err != nil {
			t.Fatalf("reading back an accepted plan: %v", err)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Fatalf("plan changed in a round trip (-first +second):\n%s", diff)
		}
	})
}
