package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// TestApplyBudgetStopsStarting: six images at $0.10 fit a budget of $0.60,
// but each answer bills 7 images. Once the first bill is in, any start
// could cross the budget: the two requests in flight finish and are
// recorded with what they were billed, and the other four never start.
func TestApplyBudgetStopsStarting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prov := &fakeProvider{block: make(chan struct{}), billed: 7}
	var assets []*spec.Asset
	for i := range 6 {
		assets = append(assets, image(fmt.Sprint("n", i), fmt.Sprint("N", i)))
	}
	cfg := config(dir, assets...)
	cfg.Providers[0].Parallelism = 2
	cfg.Providers[0].Price = &cost.Override{PricePerImage: cost.MustParse("0.10"), Currency: "USD", Provider: "fake"}
	plan := mustPlan(t, cfg, Options{})
	limit := cost.MustParse("0.60")
	if err := plan.CheckBudget(cost.Budget{Limit: limit}); err != nil {
		t.Fatalf("the plan's upper bound is the budget: %v", err)
	}
	ws := mustOpen(t, cfg)
	done := make(chan *ApplyResult)
	go func() {
		res, err := Apply(context.Background(), ws, plan, ApplyOptions{Parallelism: 10,
			Providers: map[string]provider.Provider{"fake": prov}, Hook: nopHook{}, Budget: cost.NewGate(limit)})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	for len(prov.Calls()) < 2 {
		runtime.Gosched()
	}
	close(prov.block)
	res := <-done

	if b := res.Budget; b == nil || !b.Stopped || b.Spent.String() != "1.40" || b.Currency != "USD" || !res.Stopped {
		t.Errorf("budget report %+v (stopped %v), want stopped with $1.40 spent", res.Budget, res.Stopped)
	}
	notStarted := 0
	for _, r := range res.Results {
		if r.Skipped != "" {
			notStarted++
			if !r.Interrupted || !strings.Contains(r.Skipped, "budget") {
				t.Errorf("%s: skipped %q (interrupted %v), want a budget stop", r.Addr, r.Skipped, r.Interrupted)
			}
		}
	}
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(prov.Calls()) != 2 || len(lock.Assets) != 2 || notStarted != 4 {
		t.Fatalf("calls %v, lock %v, %d not started: want the 2 in flight recorded and 4 not started",
			prov.Calls(), keys(lock.Assets), notStarted)
	}
	for addr, e := range lock.Assets {
		if e.Billed == nil || e.Billed.Images != 7 || e.Billed.Cost.String() != "0.70" || e.Billed.Currency != "USD" {
			t.Errorf("%s billed %+v, want 7 images, $0.70", addr, e.Billed)
		}
	}
	if len(lock.Spend) != 1 || len(lock.Spend[0].Billed) != 1 || lock.Spend[0].Estimate.Max.String() != "0.60" {
		t.Fatalf("the apply's bill: %+v, want one bill of one model, estimated at $0.60", lock.Spend)
	}
	if row := lock.Spend[0].Billed[0]; row.Answers != 2 || row.Images != 14 || row.Cost.String() != "1.40" {
		t.Errorf("the bill's row: %+v, want 2 answers, 14 images, $1.40", row)
	}
}

// TestPlanCostPerAction: a generating change costs one image (image) or
// one to max_images (image_set) at its provider's price; a move, an
// update and a delete send nothing and cost nothing.
func TestPlanCostPerAction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gone, moved, meta := image("gone", "G"), image("moved", "M"), image("meta", "T")
	cfg := config(dir, gone, moved, meta)
	run(t, cfg, &fakeProvider{}, Options{})

	moved2, meta2 := image("moved", "M"), image("meta", "T")
	moved2.Path = "elsewhere.png"
	meta2.Meta = []byte(`{"alt":"new"}`)
	set := image("set", "S")
	set.Addr, set.Kind, set.MaxImages, set.Path, set.Dir = "image_set.set", spec.KindImageSet, 4, "", "set"
	cfg = config(dir, moved2, meta2, image("fresh", "F"), set)
	cfg.Providers[0].Price = &cost.Override{PricePerImage: cost.MustParse("0.04"), Currency: "USD", Provider: "fake"}
	plan := mustPlan(t, cfg, Options{})
	want := map[string]string{
		"image.gone":    "delete: 0 images",
		"image.moved":   "move: 0 images",
		"image.meta":    "update: 0 images",
		"image.fresh":   "create: 1 image, $0.04",
		"image_set.set": "create: 1 to 4 images, $0.04 to $0.16",
	}
	got := map[string]string{}
	for _, c := range plan.Changes {
		if c.Info().Cost == nil {
			t.Errorf("%s (%s) has no cost", c.Addr, c.Action)
			continue
		}
		got[c.Addr] = string(c.Action) + ": " + c.Info().Cost.Text()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("costs (-want +got):\n%s", diff)
	}
	if total, _ := plan.Cost(); total.Text() != "2 to 5 images, $0.08 to $0.20" {
		t.Errorf("total %q", total.Text())
	}
}
