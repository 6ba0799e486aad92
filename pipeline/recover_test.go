package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// TestRecoveryJournalsBeforePlacing: a recovery that downloads a journaled
// URL journals the finished image before moving it into place, as a call
// does, so that when recording then fails (here the manifest's folder is
// blocked; in the crash test, a kill) the next apply finds the image at
// its destination by its hash: no download, no request, nothing lost.
func TestRecoveryJournalsBeforePlacing(t *testing.T) {
	srv := seedreamtest.New()
	defer srv.Close()
	srv.SetAPIKey(faultAPIKey)
	// The first apply's download fails every attempt: the paid answer
	// stays journaled with its URL only.
	srv.Inject(seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, Times: 3, PromptContains: "The victim"})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(`seedform {
  output_dir = "out"
  manifest   = "m/manifest.json"
}
provider "seedream" {
  base_url = %q
}
image "victim" {
  model  = "doubao-seedream-3-0-t2i-250415"
  prompt = "The victim"
  size   = "512x512"
  path   = "victim.jpeg"
}
# Recorded by the first apply, so that the second has no reason to write
# the lock before the victim's record.
image "bystander" {
  model  = "doubao-seedream-3-0-t2i-250415"
  prompt = "An independent image"
  size   = "512x512"
  path   = "bystander.jpeg"
}
`, srv.BaseURL()))
	client := faultClient(t, srv, "url")
	if r := resultsByAddr(applyOnce(t, dir, client))["image.victim"]; r.Err == nil {
		t.Fatal("the first apply succeeded; the download fault did not hold")
	}

	ws, plan := openAndPlan(t, dir)
	if c := plan.Change("image.victim"); c == nil || c.Action != pipeline.Recover {
		t.Fatalf("plan after the failed download: %+v, want recover", c)
	}
	// Both ways of recording fail: the journal of finished entries is a
	// folder, and so the lock and manifest written whole at the end are
	// tried, and the manifest's folder is a file.
	blocker := filepath.Join(dir, "m")
	os.RemoveAll(blocker)
	writeFile(t, blocker, "not a folder")
	journalBlocker := filepath.Join(dir, pipeline.StateDirName, lockfile.JournalName)
	writeFile(t, filepath.Join(journalBlocker, "x"), "a folder in the journal's place")
	res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: 1, Providers: map[string]provider.Provider{"seedream": provider.NewSeedream(client)}, Hook: nopHook{},
	})
	// The record fails, and so does the Recorder's last try at Close.
	if err == nil || res == nil {
		t.Fatalf("apply: %v, want the lock's write to fail", err)
	}
	if r := resultsByAddr(res)["image.victim"]; r.Err == nil {
		t.Fatal("recording succeeded although the manifest's folder is a file")
	}
	placed := filepath.Join(dir, "out", "victim.jpeg")
	sum, _, err := lockfile.HashFile(placed)
	if err != nil {
		t.Fatalf("the recovered image is not in place: %v", err)
	}
	journals, _ := filepath.Glob(filepath.Join(dir, pipeline.StateDirName, "staging", "*", "answer.json"))
	if len(journals) != 1 {
		t.Fatalf("journals %v, want the victim's", journals)
	}
	ans, err := pipeline.ReadJournal(journals[0])
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Complete || len(ans.Items) != 1 || ans.Items[0].SHA256 != sum {
		t.Fatalf("journal %+v does not hold the placed image %s", ans, sum)
	}

	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(journalBlocker); err != nil {
		t.Fatal(err)
	}
	requests, downloads := srv.Count(), srv.Downloads()
	if r := resultsByAddr(applyOnce(t, dir, client))["image.victim"]; r.Err != nil || r.Action != pipeline.Recover {
		t.Fatalf("last apply: %s %v, want a recovery", r.Action, r.Err)
	}
	if srv.Count() != requests || srv.Downloads() != downloads {
		t.Errorf("the last recovery cost %d request(s) and %d download(s), want none",
			srv.Count()-requests, srv.Downloads()-downloads)
	}
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if outs := outputsOf(lock.Assets["image.victim"]); len(outs) != 1 || outs[0].SHA256 != sum {
		t.Errorf("image.victim is recorded with %+v, want the placed image %s", outs, sum)
	}
}

// TestLostRecoveryIsBilled: an answer journaled by an apply that could not
// download it, and whose URLs are then gone for good, is dropped by the
// next apply, which generates the asset again; the dropped answer was
// paid for all the same, so that apply's bill counts it, as lost. Under a
// budget that the new request could cross, nothing is sent.
func TestLostRecoveryIsBilled(t *testing.T) {
	for _, tt := range []struct {
		name     string
		budget   *cost.Gate
		requests int
		answers  int
		cost     string
	}{
		{name: "generated again", requests: 1, answers: 2, cost: "0.06"},
		{name: "over budget", budget: cost.NewGate(cost.MustParse("0.02")), answers: 1, cost: "0.03"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, dir, client := lostRecovery(t)
			before := srv.Count()
			ws, plan := openAndPlan(t, dir)
			if c := plan.Change("image.victim"); c == nil || c.Action != pipeline.Recover {
				t.Fatalf("plan: %+v, want recover", c)
			}
			res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{Parallelism: 1,
				Providers: map[string]provider.Provider{"seedream": provider.NewSeedream(client)}, Hook: nopHook{}, Budget: tt.budget})
			if err != nil {
				t.Fatal(err)
			}
			r := resultsByAddr(res)["image.victim"]
			if got := srv.Count() - before; got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if tt.budget != nil && (r.Err == nil || !strings.Contains(r.Err.Error(), "could cross the budget")) {
				t.Errorf("result %+v, want a budget refusal", r)
			}
			lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if len(lock.Spend) != 1 || len(lock.Spend[0].Billed) != 1 {
				t.Fatalf("bills %+v, want the recovering apply's", lock.Spend)
			}
			if row := lock.Spend[0].Billed[0]; row.Answers != tt.answers || row.Lost != 1 || row.Cost == nil || row.Cost.String() != tt.cost {
				t.Errorf("bill %+v, want %d answer(s), %s, one of them lost", row, tt.answers, tt.cost)
			}
		})
	}
}

// lostRecovery leaves dir with an answer journaled whose URLs are gone.
func lostRecovery(t *testing.T) (*seedreamtest.Server, string, *seedream.Client) {
	t.Helper()
	srv := seedreamtest.New()
	t.Cleanup(srv.Close)
	srv.SetAPIKey(faultAPIKey)
	srv.Inject(seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, Times: 3})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(`provider "seedream" {
  base_url = %q
}
image "victim" {
  model  = "doubao-seedream-4-0-250828"
  prompt = "The victim"
  size   = "1K"
  path   = "victim.jpeg"
}
`, srv.BaseURL()))
	client := faultClient(t, srv, "url")
	if r := resultsByAddr(applyOnce(t, dir, client))["image.victim"]; r.Err == nil {
		t.Fatal("the first apply succeeded; the download fault did not hold")
	}
	journals, _ := filepath.Glob(filepath.Join(dir, pipeline.StateDirName, "staging", "*", "answer.json"))
	if len(journals) != 1 {
		t.Fatalf("journals %v, want the victim's", journals)
	}
	data, err := os.ReadFile(journals[0])
	if err != nil {
		t.Fatal(err)
	}
	// The object store forgot the image: every download is a 404 now.
	gone := strings.ReplaceAll(string(data), "/files/", "/files/gone-")
	if gone == string(data) {
		t.Fatalf("no download URL in the journal:\n%s", data)
	}
	writeFile(t, journals[0], gone)
	return srv, dir, client
}
