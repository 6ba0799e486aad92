package command

import (
	"testing"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/spec"
)

// Each shard holds its share of the budget, and the shares never add up
// to more than the budget.
func TestShardBudget(t *testing.T) {
	t.Parallel()
	cfg := &spec.Config{}
	plan := &pipeline.Plan{}
	for i, max := range []string{"0.12", "0.04", "0.04"} {
		addr := []string{"image_set.a", "image.b", "image.c"}[i]
		cfg.Assets = append(cfg.Assets, &spec.Asset{Common: &spec.Common{}, Addr: addr})
		m := cost.MustParse(max)
		plan.Changes = append(plan.Changes, &pipeline.Change{Addr: addr, Action: pipeline.Create, Images: 1,
			Details: &pipeline.Details{Cost: &cost.Cost{Currency: "USD", ImagesMin: 1, ImagesMax: 1, Min: &m, Max: &m}}})
	}
	limit := cost.MustParse("0.30")
	sum := cost.Amount{}
	for i := 1; i <= 2; i++ {
		g := shardBudget(cost.NewGate(limit), plan, cfg, pipeline.Shard{Index: i, Count: 2})
		part, _ := plan.ForShard(cfg, pipeline.Shard{Index: i, Count: 2}).Cost()
		if g.Limit().Cmp(*part.Max) < 0 {
			t.Errorf("shard %d holds %s, below its own bound %s", i, g.Limit(), part.Max)
		}
		sum = sum.Add(g.Limit())
	}
	if sum.Cmp(limit) > 0 {
		t.Errorf("the shards hold %s in all, over the budget %s", sum, limit)
	}
}
