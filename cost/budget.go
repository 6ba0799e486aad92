package cost

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"
)

// Budget is the most an apply may be billed. Currency "" means the plan's
// own currency, whatever it is.
type Budget struct {
	Limit    Amount
	Currency string
}

// ParseBudget reads "AMOUNT", "AMOUNT CURRENCY" or "$AMOUNT" ("25",
// "12.50 USD", "$12.50").
func ParseBudget(s string) (Budget, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 || len(fields) > 2 {
		return Budget{}, fmt.Errorf("%q is not a budget: write an amount such as 25 or \"25 USD\"", s)
	}
	b := Budget{}
	if rest, ok := strings.CutPrefix(fields[0], "$"); ok && len(fields) == 1 {
		fields[0], b.Currency = rest, "USD"
	}
	a, err := ParseAmount(fields[0])
	if err != nil {
		return Budget{}, err
	}
	b.Limit = a
	if len(fields) == 2 {
		cur, err := ParseCurrency(fields[1])
		if err != nil {
			return Budget{}, err
		}
		b.Currency = cur
	}
	return b, nil
}

// ParseCurrency reads an ISO 4217 code such as "USD" or "cny".
func ParseCurrency(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fmt.Errorf("%q is not a currency: write a three-letter code such as USD or CNY", s)
	}
	return c, nil
}

// String is the budget for people: "$5.00", "5.00 (in the plan's currency)".
func (b Budget) String() string {
	if b.Currency == "" {
		return b.Limit.String()
	}
	return Format(b.Limit, b.Currency)
}

// Item is one planned change's cost, to name the largest in an error.
type Item struct {
	Addr string
	Cost Cost
}

// OverBudgetError says why a plan's cost cannot be held to a budget.
type OverBudgetError struct {
	Budget Budget
	Total  Cost
	// Largest are the costliest items (or those without a known price),
	// largest first, at most LargestShown of them.
	Largest []Item
	// Reason is the problem in words.
	Reason string
}

// LargestShown bounds how many items an OverBudgetError names.
const LargestShown = 5

func (e *OverBudgetError) Error() string {
	var b strings.Builder
	b.WriteString(e.Reason)
	if len(e.Largest) > 0 {
		b.WriteString(" The largest:")
		for _, it := range e.Largest {
			fmt.Fprintf(&b, "\n  - %s: %s", it.Addr, it.Cost.Text())
			if it.Cost.UnpricedImages > 0 && it.Cost.PriceSource != "" {
				fmt.Fprintf(&b, " (%s)", it.Cost.PriceSource)
			}
		}
	}
	return b.String()
}

// Check returns nil when the plan whose changes cost items (and total
// total) can never be billed more than b, else an *OverBudgetError. A
// price that is unknown, or a plan in several currencies, cannot be
// bounded, so it fails too: the budget is a guarantee, not a guess.
func (b Budget) Check(total Cost, items []Item) error {
	fail := func(reason string, pick func(Item) bool) error {
		var largest []Item
		for _, it := range items {
			if pick(it) {
				largest = append(largest, it)
			}
		}
		sort.SliceStable(largest, func(i, j int) bool {
			a, c := largest[i].Cost, largest[j].Cost
			if a.Max == nil || c.Max == nil {
				return a.Max == nil && c.Max != nil
			}
			return a.Max.Cmp(*c.Max) > 0
		})
		if len(largest) > LargestShown {
			largest = largest[:LargestShown]
		}
		return &OverBudgetError{Budget: b, Total: total, Largest: largest, Reason: reason}
	}
	switch {
	case total.UnpricedImages > 0:
		what := fmt.Sprintf("%d images have", total.UnpricedImages)
		if total.UnpricedImages == 1 {
			what = "1 image has"
		}
		return fail(fmt.Sprintf("The plan cannot be held to the budget of %s: %s no known price. Set price_per_image and currency in their provider block.",
			b, what), func(it Item) bool { return it.Cost.UnpricedImages > 0 })
	case len(total.ByCurrency) > 1:
		return fail(fmt.Sprintf("The plan cannot be held to the budget of %s: it is priced in several currencies (%s). Set price_per_image and one currency in each provider block.",
			b, total.MoneyText()), func(it Item) bool { return it.Cost.Max != nil && !it.Cost.Max.IsZero() })
	case total.Max.IsZero():
		return nil
	case b.Currency != "" && total.Currency != b.Currency:
		return fail(fmt.Sprintf("The plan is priced in %s but the budget of %s is in %s.", total.Currency, b, b.Currency),
			func(it Item) bool { return false })
	case total.Max.Cmp(b.Limit) > 0:
		return fail(fmt.Sprintf("The plan may cost up to %s (%s), over the budget of %s. Raise the budget, or apply fewer assets with -target.",
			Format(*total.Max, total.Currency), total.Text(), Format(b.Limit, total.Currency)),
			func(it Item) bool { return it.Cost.Max != nil && !it.Cost.Max.IsZero() })
	}
	return nil
}

// Gate is an apply's running budget. Before a request starts, Reserve asks
// whether its most expensive outcome still fits beside what was billed
// and what requests in flight may still bill; when it does not, the apply
// starts nothing more. Each answer settles its reservation with what was
// actually billed. It is safe for concurrent use.
type Gate struct {
	mu       sync.Mutex
	limit    Amount
	spent    Amount
	inFlight Amount
	refused  bool
}

// NewGate starts a running budget of limit, in the plan's currency.
func NewGate(limit Amount) *Gate { return &Gate{limit: limit} }

// Reserve returns true and holds max when spent + in flight + max stays
// within the limit. Once it has refused, it refuses everything: like an
// interrupt, a budget stop starts nothing new, not even a cheaper request.
func (g *Gate) Reserve(max Amount) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refused || g.spent.Add(g.inFlight).Add(max).Cmp(g.limit) > 0 {
		g.refused = true
		return false
	}
	g.inFlight = g.inFlight.Add(max)
	return true
}

// Settle releases a reservation and adds what the request was billed,
// which may be more than it reserved.
func (g *Gate) Settle(reserved, billed Amount) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight = g.inFlight.Sub(reserved)
	g.spent = g.spent.Add(billed)
}

// Spent is what settled requests were billed.
func (g *Gate) Spent() Amount {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.spent
}

// Limit is the budget.
func (g *Gate) Limit() Amount { return g.limit }

// Share is the part of limit a piece of a plan may spend, when the whole
// plan may cost at most whole and the piece at most part: the piece's own
// bound and its proportion of the head-room left. The shares of pieces
// that make up the whole add up to at most limit, and none is below its
// piece's bound when the whole is within limit; so each shard of a
// sharded apply holds its own running budget, and together they keep the
// plan's.
func Share(limit, part, whole Amount) Amount {
	if whole.IsZero() {
		return part
	}
	room := new(big.Int).Mul(limit.Sub(whole).int(), part.int())
	return part.Add(Amount{nanos: room.Quo(room, whole.int())})
}
