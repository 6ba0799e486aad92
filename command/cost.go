package command

import (
	"errors"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
)

// budgetFlag is -max-cost: an amount, optionally with a currency.
type budgetFlag struct{ b *cost.Budget }

func (f *budgetFlag) String() string {
	if f.b == nil {
		return ""
	}
	return f.b.String()
}

func (f *budgetFlag) Set(s string) error {
	b, err := cost.ParseBudget(s)
	if err != nil {
		return err
	}
	f.b = &b
	return nil
}

// checkBudget refuses a plan whose upper bound may cross the budget
// (-max-cost, else the seedform block's max_cost) before any request is
// sent. It returns the running budget for apply, nil without a budget.
func (s *session) checkBudget(plan *pipeline.Plan, flag *cost.Budget) (*cost.Gate, bool) {
	b, subject := flag, (*hcl.Range)(nil)
	if b == nil && s.cfg.MaxCost != nil {
		b, subject = &s.cfg.MaxCost.Budget, s.cfg.MaxCost.Range.Ptr()
	}
	if b == nil {
		return nil, true
	}
	if err := plan.CheckBudget(*b); err != nil {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Over budget", Detail: err.Error(), Subject: subject}
		var over *cost.OverBudgetError
		if errors.As(err, &over) && subject == nil {
			d.Detail += "\n\nThe budget is -max-cost=" + over.Budget.String() + "."
		}
		s.diag.write(s.files, hcl.Diagnostics{d})
		return nil, false
	}
	return cost.NewGate(b.Limit), true
}

// warnStaleCards warns, once per card, when the plan is priced with a
// card whose prices are older than cost.MaxAge.
func (s *session) warnStaleCards(plan *pipeline.Plan) {
	now := time.Now()
	if s.m.Now != nil {
		now = s.m.Now()
	}
	var diags hcl.Diagnostics
	for _, card := range pipeline.StaleCards(plan, s.cfg, now) {
		summary, detail := card.StaleWarning(now)
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: detail})
	}
	s.diag.write(nil, diags)
}
