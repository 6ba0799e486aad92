package pipeline

import (
	"time"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// BudgetReport is how an apply's running budget ended.
type BudgetReport struct {
	Limit, Spent cost.Amount
	Currency     string
	// Stopped is set when the budget kept requests from starting.
	Stopped bool
}

// ledger is what the engine needs to bill an apply: when it started and
// what the plan estimated. bill is this apply's record in the lock, made
// by the first charge; only recorder callbacks, one at a time, touch it.
type ledger struct {
	startedAt time.Time
	estimate  cost.Cost
	currency  string
	bill      *lockfile.Spend
}

func newLedger(plan *Plan) ledger {
	total, _ := plan.Cost()
	return ledger{startedAt: time.Now().UTC().Truncate(time.Second), estimate: total, currency: total.Currency}
}

// reserve asks the running budget to let c start: its most expensive
// outcome must fit beside what was billed and what is in flight. A
// refusal stops the apply as a first interrupt does.
func (e *engine) reserve(c *Change) bool {
	if e.opts.Budget == nil || !c.Action.Generates() || c.Cost == nil || c.Cost.Max == nil {
		return true
	}
	if e.opts.Budget.Reserve(*c.Cost.Max) {
		return true
	}
	e.budgetOnce.Do(func() { close(e.overBudget) })
	return false
}

// notStarted says why a change was stopped before it started.
func (e *engine) notStarted() string {
	select {
	case <-e.overBudget:
		return "not started: it could cross the budget"
	default:
		return "interrupted before it started"
	}
}

// settle hands back c's reservation with what its answer was billed.
func (e *engine) settle(c *Change, b lockfile.Billed) {
	if e.opts.Budget == nil || !c.Action.Generates() || c.Cost == nil || c.Cost.Max == nil {
		return
	}
	billed := cost.Amount{}
	if b.Cost != nil {
		billed = *b.Cost
	}
	e.opts.Budget.Settle(*c.Cost.Max, billed)
}

// billedFor prices n billed images of a at the price in force.
func (e *engine) billedFor(a *spec.Asset, n int) lockfile.Billed {
	b := lockfile.Billed{Images: n}
	if p := PriceOf(e.ws.Config, a); p.Known {
		price, total := p.Amount, p.Amount.Times(n)
		b.PricePerImage, b.Cost = &price, &total
		if !total.IsZero() {
			b.Currency = p.Currency
		}
	}
	return b
}

// billedImages is what an answer was billed for: the API's
// usage.generated_images, else the images it returned, else (nothing
// could be kept) the images the paid answer listed.
func billedImages(res *provider.Result, paid []StagedItem) int {
	if res != nil && res.GeneratedImages > 0 {
		return res.GeneratedImages
	}
	if res != nil && len(res.Images) > 0 {
		return len(res.Images)
	}
	n := 0
	for _, it := range paid {
		if it.ErrorCode == "" {
			n++
		}
	}
	return n
}

// charge records a paid answer in this apply's bill in the lock.
func (e *engine) charge(l *lockfile.Lock, model string, b lockfile.Billed, lost bool) {
	if b.Images == 0 || b.Free() {
		return
	}
	if e.ledger.bill == nil {
		est := e.ledger.estimate
		e.ledger.bill = &lockfile.Spend{StartedAt: e.ledger.startedAt, Estimate: &est}
		l.Spend = append(l.Spend, e.ledger.bill)
	}
	e.ledger.bill.Add(model, b, lost)
}

// modelOf is the model an answer was billed for: as the API reported it,
// else as configured.
func modelOf(a *spec.Asset, res *provider.Result) string {
	if res != nil && res.Model != "" {
		return res.Model
	}
	return a.Model
}

// chargeLost records an answer that was paid for but of which nothing
// could be kept: no entry will ever show it.
func (e *engine) chargeLost(a *spec.Asset, model string, b lockfile.Billed) error {
	if b.Images == 0 || b.Free() {
		return nil
	}
	return e.rec.Update(func(l *lockfile.Lock, _ *lockfile.Manifest) { e.charge(l, model, b, true) })
}

// budgetReport is how the running budget ended, nil without one.
func (e *engine) budgetReport() *BudgetReport {
	if e.opts.Budget == nil {
		return nil
	}
	return &BudgetReport{Limit: e.opts.Budget.Limit(), Spent: e.opts.Budget.Spent(),
		Currency: e.ledger.currency, Stopped: e.opts.Budget.Refused()}
}
