package command

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
)

// SpendFormatVersion is the version of `show -cost -json`. Readers must
// ignore fields they do not know.
const SpendFormatVersion = "1.0"

// spendReport is `show -cost -json`: what the lock says was billed.
type spendReport struct {
	FormatVersion string      `json:"format_version"`
	Total         cost.Cost   `json:"total"`
	ByModel       []spendRow  `json:"by_model"`
	ByMonth       []spendRow  `json:"by_month"`
	LastApply     *applySpend `json:"last_apply"`
}

// spendRow is the spend of one model or one month. Lost counts the paid
// answers of which nothing could be kept.
type spendRow struct {
	Model string    `json:"model,omitempty"`
	Month string    `json:"month,omitempty"`
	Cost  cost.Cost `json:"cost"`
	Lost  int       `json:"lost_answers,omitempty"`
}

// applySpend is the last apply that sent requests: what its plan
// estimated and what it was billed.
type applySpend struct {
	StartedAt time.Time  `json:"started_at"`
	Estimate  *cost.Cost `json:"estimate"`
	Billed    cost.Cost  `json:"billed"`
	Lost      int        `json:"lost_answers,omitempty"`
}

// billedCost is what a bill's row cost, as a Cost of exactly its images.
func billedCost(b lockfile.ModelBill) cost.Cost {
	p := cost.Price{}
	if b.PricePerImage != nil {
		p = cost.Price{Known: true, Amount: *b.PricePerImage, Currency: b.Currency}
	}
	return cost.Line(p, b.Images, b.Images)
}

func newSpendReport(l *lockfile.Lock) spendReport {
	r := spendReport{FormatVersion: SpendFormatVersion, ByModel: []spendRow{}, ByMonth: []spendRow{}}
	type group struct {
		lines []cost.Cost
		lost  int
	}
	models, months := map[string]*group{}, map[string]*group{}
	add := func(m map[string]*group, key string, b lockfile.ModelBill) {
		g := m[key]
		if g == nil {
			g = &group{}
			m[key] = g
		}
		g.lines = append(g.lines, billedCost(b))
		g.lost += b.Lost
	}
	var all []cost.Cost
	for _, sp := range l.Spend {
		for _, b := range sp.Billed {
			model := b.Model
			if model == "" {
				model = "(no model)"
			}
			add(models, model, b)
			add(months, sp.StartedAt.UTC().Format("2006-01"), b)
			all = append(all, billedCost(b))
		}
	}
	r.Total = cost.Total(all)
	for _, k := range sortedKeys(models) {
		r.ByModel = append(r.ByModel, spendRow{Model: k, Cost: cost.Total(models[k].lines), Lost: models[k].lost})
	}
	for _, k := range sortedKeys(months) {
		r.ByMonth = append(r.ByMonth, spendRow{Month: k, Cost: cost.Total(months[k].lines), Lost: months[k].lost})
	}
	if n := len(l.Spend); n > 0 {
		last := l.Spend[n-1]
		a := &applySpend{StartedAt: last.StartedAt, Estimate: last.Estimate}
		var lines []cost.Cost
		for _, b := range last.Billed {
			lines = append(lines, billedCost(b))
			a.Lost += b.Lost
		}
		a.Billed = cost.Total(lines)
		r.LastApply = a
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// write prints the report for people.
func (r spendReport) write(w io.Writer) {
	if r.LastApply == nil {
		fmt.Fprintln(w, "Nothing has been billed yet: the lock records no paid answer.")
		return
	}
	lost := func(n int) string {
		switch n {
		case 0:
			return ""
		case 1:
			return "  (1 paid answer lost)"
		}
		return fmt.Sprintf("  (%d paid answers lost)", n)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Spend by model:")
	for _, row := range r.ByModel {
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", row.Model, row.Cost.ImagesText(), money(row.Cost), lost(row.Lost))
	}
	fmt.Fprintln(tw, "Spend by month:")
	for _, row := range r.ByMonth {
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", row.Month, row.Cost.ImagesText(), money(row.Cost), lost(row.Lost))
	}
	fmt.Fprintf(tw, "Total:\t%s\t%s\n", r.Total.ImagesText(), money(r.Total))
	_ = tw.Flush()
	a := r.LastApply
	fmt.Fprintf(w, "\nLast apply that sent requests (%s):\n", a.StartedAt.Format("2006-01-02 15:04:05Z07:00"))
	if a.Estimate != nil {
		fmt.Fprintf(w, "  estimated  %s\n", a.Estimate.ImagesText()+", "+money(*a.Estimate))
	}
	fmt.Fprintf(w, "  billed     %s%s\n", a.Billed.ImagesText()+", "+money(a.Billed), lost(a.Lost))
}

// money is a cost's money for the report: "free" rather than nothing.
func money(c cost.Cost) string {
	if m := c.MoneyText(); m != "" {
		return m
	}
	return "free"
}
