package pipeline

import (
	"fmt"
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

// ledger is this apply's bill as it grows (under engine.mu), and where
// in the lock's Spend it was written, -1 before the first write.
type ledger struct {
	bill     lockfile.Spend
	currency string
	inLock   int
}

func newLedger(plan *Plan) ledger {
	total, _ := plan.Cost()
	return ledger{
		bill:     lockfile.Spend{StartedAt: time.Now().UTC().Truncate(time.Second), Estimate: &total},
		currency: total.Currency, inLock: -1,
	}
}

// reserve asks the running budget to let a request for c start: max, its
// most expensive outcome, must fit beside what was billed and what is in
// flight. A nil max cannot be bounded, so a budget refuses it. A refusal
// stops the apply as a first interrupt does. What is held is handed back
// by settle.
func (e *engine) reserve(c *Change, max *cost.Amount) bool {
	if e.opts.Budget == nil {
		return true
	}
	if max != nil && e.opts.Budget.Reserve(*max) {
		e.mu.Lock()
		e.held[c.Addr] = *max
		e.mu.Unlock()
		return true
	}
	e.budgetOnce.Do(func() { close(e.overBudget) })
	return false
}

// reserveStart holds, before c starts, its planned upper bound.
func (e *engine) reserveStart(c *Change) bool {
	max, needed := plannedMax(c)
	return !needed || e.reserve(c, max)
}

// plannedMax is what the budget holds before c starts: the plan's upper
// bound for a generation. A recovery sends no request and holds nothing.
func plannedMax(c *Change) (*cost.Amount, bool) {
	if !c.Action.Generates() {
		return nil, false
	}
	cc := c.Info().Cost
	if cc == nil {
		return nil, true
	}
	return cc.Max, true
}

// generationMax is the most generating a once more may cost, for a
// recovery that has to: one to max_images images at its price.
func (e *engine) generationMax(a *spec.Asset) *cost.Amount {
	return cost.Line(PriceOf(e.ws.Config, a), 1, imageCount(a)).Max
}

// notStarted says why a change was stopped before it started.
func (e *engine) notStarted() string {
	if e.budgetStopped() {
		return "not started: it could cross the budget"
	}
	if e.diskStopped() {
		return "not started: not enough free disk space to keep its answer"
	}
	return "interrupted before it started"
}

// budgetStopped reports whether the running budget has stopped the apply.
func (e *engine) budgetStopped() bool { return closed(e.overBudget) }

// settle hands back what the budget held for c's request, if anything,
// and adds what its answer was billed.
func (e *engine) settle(c *Change, b lockfile.Billed) {
	if e.opts.Budget == nil {
		return
	}
	e.mu.Lock()
	held := e.held[c.Addr]
	delete(e.held, c.Addr)
	e.mu.Unlock()
	billed := cost.Amount{}
	if b.Cost != nil {
		billed = *b.Cost
	}
	e.opts.Budget.Settle(held, billed)
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

// charge adds a paid answer to this apply's bill, in memory: the bill
// reaches the lock in one write at the end of the apply (putBill), so that
// recording stays a journal append per asset.
func (e *engine) charge(model string, b lockfile.Billed, lost bool) {
	if b.Images == 0 || b.Free() {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ledger.bill.Add(model, b, lost)
}

// putBill writes this apply's bill, as it stands, into l: a copy, so
// that the Recorder never shares what the engine goes on changing.
func (e *engine) putBill(l *lockfile.Lock, _ *lockfile.Manifest) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.ledger.bill.Billed) == 0 {
		return
	}
	bill := e.ledger.bill
	bill.Billed = append([]lockfile.ModelBill(nil), bill.Billed...)
	if e.ledger.inLock >= 0 && e.ledger.inLock < len(l.Spend) {
		l.Spend[e.ledger.inLock] = &bill
		return
	}
	e.ledger.inLock = len(l.Spend)
	l.Spend = append(l.Spend, &bill)
}

// writeBill writes the bill to the lock, if anything was billed.
func (e *engine) writeBill() error {
	e.mu.Lock()
	empty := len(e.ledger.bill.Billed) == 0
	e.mu.Unlock()
	if empty {
		return nil
	}
	if err := e.rec.Update(e.putBill); err != nil {
		return fmt.Errorf("recording what the apply was billed: %w", err)
	}
	return nil
}

// modelOf is the model an answer was billed for: as the API reported it,
// else as configured.
func modelOf(a *spec.Asset, res *provider.Result) string {
	if res != nil && res.Model != "" {
		return res.Model
	}
	return a.Model
}

// chargeLost bills an answer that was paid for but of which nothing
// could be kept, and writes the bill at once: no entry will ever show it.
func (e *engine) chargeLost(a *spec.Asset, model string, b lockfile.Billed) error {
	if b.Images == 0 || b.Free() {
		return nil
	}
	e.charge(model, b, true)
	return e.writeBill()
}

// budgetReport is how the running budget ended, nil without one.
func (e *engine) budgetReport() *BudgetReport {
	if e.opts.Budget == nil {
		return nil
	}
	return &BudgetReport{Limit: e.opts.Budget.Limit(), Spent: e.opts.Budget.Spent(),
		Currency: e.ledger.currency, Stopped: e.budgetStopped()}
}
