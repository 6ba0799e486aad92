package pipeline_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// TestRequestIDJournaledWithPayment: the API's request id is journaled
// with the payment, before any download, so that an answer whose
// downloads failed and which a later apply finishes still names, in the
// lock, the request that paid for it.
func TestRequestIDJournaledWithPayment(t *testing.T) {
	t.Parallel()
	srv := seedreamtest.New()
	t.Cleanup(srv.Close)
	// Every download fails for the first apply's three tries.
	srv.Inject(seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, Times: 3})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(`seedform { output_dir = "out" }
provider "seedream" {
  base_url = %q
}
image "hero" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "A lighthouse"
  size   = "1K"
}
`, srv.BaseURL()))

	client := faultClient(t, srv, "url")
	if r := resultsByAddr(applyOnce(t, dir, client))["image.hero"]; r.Err == nil {
		t.Fatal("the first apply succeeded: its downloads were to fail")
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].RequestID == "" {
		t.Fatalf("%d requests, want 1 with a request id", len(reqs))
	}
	want := reqs[0].RequestID
	staging, err := pipeline.OpenStaging(filepath.Join(dir, pipeline.StateDirName, "staging"))
	if err != nil {
		t.Fatal(err)
	}
	ans := staging.Answer("image.hero")
	if ans == nil || ans.Usage == nil || ans.Usage.RequestID != want {
		t.Fatalf("staged answer %+v: want it journaled with request id %s", ans, want)
	}

	if r := resultsByAddr(applyOnce(t, dir, client))["image.hero"]; r.Err != nil {
		t.Fatalf("the recovering apply: %v", r.Err)
	}
	if n := srv.Count(); n != 1 {
		t.Errorf("%d generation requests, want the recovery to pay for none", n)
	}
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if e := lock.Assets["image.hero"]; e == nil || e.Usage == nil || e.Usage.RequestID != want {
		t.Errorf("lock entry %+v: want usage.request_id %s", e, want)
	}
}
