package pipeline

import (
	"time"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/spec"
)

// priceChanges puts a cost on every change that does something: a
// generating change may return one image (image) or one to max_images
// (image_set) at its provider's price; moves, updates, deletes,
// recoveries and accepts send no request and cost nothing.
func priceChanges(plan *Plan, cfg *spec.Config) {
	// One price per provider and price key: the assets of a block share
	// it, and its description was written out once per asset.
	type key struct{ provider, price string }
	prices := map[key]cost.Price{}
	for _, c := range plan.Changes {
		if c.Action == NoOp {
			continue
		}
		var line cost.Cost
		if a := cfg.Asset(c.Addr); a != nil && c.Action.Generates() {
			k := key{a.Provider, a.PriceKey}
			price, ok := prices[k]
			if !ok {
				price = PriceOf(cfg, a)
				prices[k] = price
			}
			line = cost.Line(price, 1, c.Images)
		} else {
			line = cost.Line(cost.Price{}, 0, 0)
		}
		c.Edit().Cost = &line
	}
}

// PriceOf is the price in force for one image of a: its provider block's
// price_per_image, else the rate its provider type's card has for it.
func PriceOf(cfg *spec.Config, a *spec.Asset) cost.Price {
	p := cfg.Provider(a.Provider)
	if p == nil {
		return cost.Price{}
	}
	return cost.PriceOf(p.PriceCard(), a.PriceKey, p.Price)
}

// Cost is the plan's total cost, and each change's for messages.
func (p *Plan) Cost() (cost.Cost, []cost.Item) {
	var lines []cost.Cost
	var items []cost.Item
	for _, c := range p.Changes {
		if cc := c.Info().Cost; cc != nil {
			lines = append(lines, *cc)
			items = append(items, cost.Item{Addr: c.Addr, Cost: *cc})
		}
	}
	return cost.Total(lines), items
}

// CheckBudget returns nil when applying p can never be billed more than
// b, else a *cost.OverBudgetError naming the total and the largest items.
func (p *Plan) CheckBudget(b cost.Budget) error {
	total, items := p.Cost()
	return b.Check(total, items)
}

// StaleCards lists the price cards, older than cost.MaxAge at now, that
// price a generating change of p, each once.
func StaleCards(p *Plan, cfg *spec.Config, now time.Time) []*cost.Card {
	seen := map[string]bool{}
	var out []*cost.Card
	for _, c := range p.Changes {
		prov := cfg.Provider(c.Provider)
		if !c.Action.Generates() || prov == nil || prov.Price != nil || seen[prov.Type] {
			continue
		}
		seen[prov.Type] = true
		if card := prov.PriceCard(); card.Stale(now) {
			out = append(out, card)
		}
	}
	return out
}
