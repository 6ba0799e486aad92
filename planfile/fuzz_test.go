package planfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
)

// FuzzReadPlanFile: a saved plan is input like any other file. No content
// panics the reader, and a plan it accepts writes and reads back the same.
func FuzzReadPlanFile(f *testing.F) {
	dir := f.TempDir()
	sample := filepath.Join(dir, "sample.plan")
	usd := cost.Line(cost.Price{Known: true, Amount: cost.MustParse("0.04"), Currency: "USD", Source: "card"}, 1, 1)
	free := cost.Line(cost.Price{}, 0, 0)
	p := &pipeline.Plan{ConfigDigest: "sha256:c", LockDigest: "sha256:l",
		Changes: []*pipeline.Change{
			{Addr: "image.a", Action: pipeline.Create, Kind: "image", Images: 1, Details: &pipeline.Details{Reasons: []string{"not yet generated"},
				Attrs: []pipeline.AttrChange{{Name: "prompt", After: []byte(`"a"`)}, {Name: "seed", Sensitive: true}},
				Files: []pipeline.PlannedFile{{Action: pipeline.FileWrite, Path: "out/a.png"}}, Cost: &usd}},
			{Addr: `image.b["x"]`, Action: pipeline.Move, Kind: "image", Details: &pipeline.Details{PrevAddr: "image.c",
				Moves: []pipeline.FileMove{{From: "out/c.png", To: "out/b.png", SHA256: "ab"}}, Cost: &free}},
		},
		OrphanTemps: []string{"/tmp/x/.seedform/staging/0123456789abcdef01234567"},
	}
	if err := Write(sample, FromPlan(p)); err != nil {
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
		got, err := Read(name)
		if err != nil {
			return
		}
		again := filepath.Join(t.TempDir(), "again.plan")
		if err := Write(again, FromPlan(got.Pipeline())); err != nil {
			t.Fatalf("writing an accepted plan: %v", err)
		}
		back, err := Read(again)
		if err != nil {
			t.Fatalf("reading back an accepted plan: %v", err)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Fatalf("plan changed in a round trip (-first +second):\n%s", diff)
		}
	})
}
