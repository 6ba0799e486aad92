package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// TestInputsAreWhatWasSent: a reference edited between the plan and the
// request is not sent: the lock would record the old content's hash
// while the API drew from the new one. The asset fails, naming the file
// and the way out, and nothing is paid for.
func TestInputsAreWhatWasSent(t *testing.T) {
	t.Parallel()
	srv := seedreamtest.New()
	defer srv.Close()
	srv.SetAPIKey(faultAPIKey)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.png")
	writeFile(t, ref, string(flatPNG(t, color.Gray{Y: 10})))
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(`seedform { output_dir = "out" }
provider "seedream" {
  base_url = %q
}
image "a" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "after the reference"
  size       = "1K"
  references = ["ref.png"]
  path       = "a.jpeg"
}
`, srv.BaseURL()))
	ws, plan := openAndPlan(t, dir)
	writeFile(t, ref, string(flatPNG(t, color.Gray{Y: 200}))) // edited while apply starts
	res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: 1, Providers: map[string]provider.Provider{"seedream": provider.NewSeedream(faultClient(t, srv, "url"))}, Hook: nopHook{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := resultsByAddr(res)["image.a"]; r.Err == nil || !strings.Contains(r.Err.Error(), "ref.png changed since the plan") {
		t.Errorf("image.a: %v, want a refusal naming the edited reference", r.Err)
	}
	if srv.Count() != 0 {
		t.Errorf("%d request(s) sent with a reference the lock would not describe", srv.Count())
	}
	if lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName)); err == nil && lock.Assets["image.a"] != nil {
		t.Errorf("image.a was recorded")
	}
}

func flatPNG(t *testing.T, c color.Gray) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = c.Y
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
