package cost_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/seedform/seedform/cost"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	good := map[string]string{"0.04": "0.04", "25": "25.00", "12.50": "12.50", "0.035": "0.035",
		"0.000000001": "0.000000001", " 3.1 ": "3.10", "100000000000000000000": "100000000000000000000.00"}
	for in, want := range good {
		a, err := cost.ParseAmount(in)
		if err != nil || a.String() != want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	for _, in := range []string{"", ".", "-1", "+1", "1e3", "1/3", "0.0000000001", "1.", ".5", "NaN", "1,5", "0x10"} {
		if a, err := cost.ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) = %v, want an error", in, a)
		}
	}
}

func TestAmountJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		A cost.Amount  `json:"a"`
		B *cost.Amount `json:"b"`
		C cost.Amount  `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a": 0.10, "b": "0.035", "c": null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.String() != "0.10" || v.B == nil || v.B.String() != "0.035" || !v.C.IsZero() {
		t.Errorf("decoded %v %v %v", v.A, v.B, v.C)
	}
	for _, in := range []string{`{"a": 1e2}`, `{"a": -1}`, `{"a": "x"}`, `{"a": true}`, `{"a": "0.1`} {
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("%s: want an error", in)
		}
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != `{"a":0.10,"b":0.035,"c":0.00}` {
		t.Errorf("encoded %s, %v", out, err)
	}
}

func TestParseBudget(t *testing.T) {
	t.Parallel()
	b, err := cost.ParseBudget("12.5 usd")
	if err != nil || b.Currency != "USD" || b.Limit.String() != "12.50" {
		t.Errorf("ParseBudget: %+v, %v", b, err)
	}
	if b, err := cost.ParseBudget("$7.5"); err != nil || b.String() != "$7.50" {
		t.Errorf("ParseBudget($7.5): %+v, %v", b, err)
	}
	for _, in := range []string{"", "5 dollars", "5 USD extra", "USD", "$5 CNY", "$-5"} {
		if _, err := cost.ParseBudget(in); err == nil {
			t.Errorf("ParseBudget(%q): want an error", in)
		}
	}
}

func TestBudgetCheck(t *testing.T) {
	t.Parallel()
	usd := cost.Price{Known: true, Amount: cost.MustParse("0.04"), Currency: "USD"}
	cny := cost.Price{Known: true, Amount: cost.MustParse("0.25"), Currency: "CNY"}
	items := []cost.Item{
		{Addr: "image.a", Cost: cost.Line(usd, 1, 1)},
		{Addr: "image_set.big", Cost: cost.Line(usd, 1, 15)},
		{Addr: "image_set.mid", Cost: cost.Line(usd, 1, 4)},
		{Addr: "image.moved", Cost: cost.Line(cost.Price{}, 0, 0)},
	}
	total := func(its []cost.Item) cost.Cost {
		var l []cost.Cost
		for _, it := range its {
			l = append(l, it.Cost)
		}
		return cost.Total(l)
	}
	budget := func(s string) cost.Budget { b, _ := cost.ParseBudget(s); return b }
	if err := budget("0.80").Check(total(items), items); err != nil {
		t.Errorf("a budget equal to the upper bound: %v", err)
	}
	err := budget("0.79").Check(total(items), items)
	var over *cost.OverBudgetError
	if !errors.As(err, &over) {
		t.Fatalf("0.79 < 0.80: got %v, want an OverBudgetError", err)
	}
	msg := err.Error()
	for _, want := range []string{"up to $0.80", "over the budget of $0.79", "image_set.big: 1 to 15 images, $0.04 to $0.60"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error %q does not say %q", msg, want)
		}
	}
	if over.Largest[0].Addr != "image_set.big" || len(over.Largest) != 3 {
		t.Errorf("largest items: %+v, want image_set.big first and no free change", over.Largest)
	}
	if err := budget("5 CNY").Check(total(items), items); err == nil || !strings.Contains(err.Error(), "priced in USD") {
		t.Errorf("a budget in another currency: %v", err)
	}
	unknown := append(items, cost.Item{Addr: "image.relay", Cost: cost.Line(cost.Price{}, 1, 1)})
	if err := budget("100").Check(total(unknown), unknown); err == nil || !strings.Contains(err.Error(), "no known price") ||
		!strings.Contains(err.Error(), "image.relay") {
		t.Errorf("an unknown price cannot be held to a budget: %v", err)
	}
	mixed := append(items, cost.Item{Addr: "image.cny", Cost: cost.Line(cny, 1, 1)})
	if err := budget("100").Check(total(mixed), mixed); err == nil || !strings.Contains(err.Error(), "several currencies") {
		t.Errorf("mixed currencies: %v", err)
	}
	free := []cost.Item{{Addr: "image.p", Cost: cost.Line(cost.Price{Known: true}, 1, 4)}}
	if err := budget("0").Check(total(free), free); err != nil {
		t.Errorf("free images fit any budget: %v", err)
	}
}

func TestGate(t *testing.T) {
	t.Parallel()
	g := cost.NewGate(cost.MustParse("0.30"))
	set := cost.MustParse("0.12")
	if !g.Reserve(set) || !g.Reserve(set) {
		t.Fatal("two sets of $0.12 fit in $0.30")
	}
	// A third could take the total to $0.36 if the two in flight bill in full.
	if g.Reserve(set) {
		t.Fatal("a third set could cross the budget")
	}
	// Once refused, nothing starts, not even something that would fit.
	g.Settle(set, cost.MustParse("0.04"))
	if g.Reserve(cost.MustParse("0.01")) {
		t.Error("the gate started a request after refusing one")
	}
	g.Settle(set, cost.MustParse("0.20")) // billed more than reserved
	if got := g.Spent().String(); got != "0.24" || g.Reserve(cost.Amount{}) {
		t.Errorf("spent %s, want 0.24, and still refusing", got)
	}
}

func TestGateConcurrent(t *testing.T) {
	t.Parallel()
	g := cost.NewGate(cost.MustParse("1"))
	price := cost.MustParse("0.03")
	var wg sync.WaitGroup
	var mu sync.Mutex
	started := 0
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g.Reserve(price) {
				mu.Lock()
				started++
				mu.Unlock()
				g.Settle(price, price)
			}
		}()
	}
	wg.Wait()
	if g.Spent().Cmp(g.Limit()) > 0 || started > 33 {
		t.Errorf("spent %s of %s in %d requests", g.Spent(), g.Limit(), started)
	}
}

// The shards' shares of a budget add up to at most the budget and cover
// each shard's own bound.
func TestShare(t *testing.T) {
	t.Parallel()
	limit, whole := cost.MustParse("10"), cost.MustParse("7")
	parts := []cost.Amount{cost.MustParse("3"), cost.MustParse("2.5"), cost.MustParse("1.5"), {}}
	sum := cost.Amount{}
	for _, p := range parts {
		s := cost.Share(limit, p, whole)
		if s.Cmp(p) < 0 {
			t.Errorf("share %s of a part bounded by %s", s, p)
		}
		sum = sum.Add(s)
	}
	if sum.Cmp(limit) > 0 {
		t.Errorf("shares add up to %s, over the budget %s", sum, limit)
	}
	if got := cost.Share(limit, cost.MustParse("3"), cost.MustParse("3")); !got.Equal(limit) {
		t.Errorf("the only shard's share is %s, want the whole budget %s", got, limit)
	}
}
