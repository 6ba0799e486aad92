package spec

import (
	"testing"
)

// TestPriceAndBudget: price_per_image is read exactly as written (no float
// on the way), currency defaults to USD, and max_cost takes a number or
// "AMOUNT CURRENCY"; each changes the config digest, so that a saved plan
// made at another price is stale.
func TestPriceAndBudget(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `
seedform { max_cost = "12.5 usd" }
provider "seedream" { price_per_image = 0.1 }
provider "seedream" {
  alias           = "relay"
  price_per_image = "0.035"
  currency        = "cny"
}
provider "placeholder" {}
`})
	cfg := mustLoad(t, dir, Options{})
	check := func(addr, price, currency string) {
		t.Helper()
		p := cfg.Provider(addr)
		switch {
		case price == "" && p.Price != nil:
			t.Errorf("%s: price %v, want the card's", addr, p.Price)
		case price != "" && (p.Price == nil || p.Price.PricePerImage.String() != price || p.Price.Currency != currency || p.Price.Provider != addr):
			t.Errorf("%s: price %+v, want %s %s", addr, p.Price, price, currency)
		}
	}
	check("seedream", "0.10", "USD")
	check("seedream.relay", "0.035", "CNY")
	check("placeholder", "", "")
	if cfg.MaxCost == nil || cfg.MaxCost.String() != "$12.50" || cfg.MaxCost.Range.Start.Line != 2 {
		t.Errorf("max_cost: %+v, want $12.50 on line 2", cfg.MaxCost)
	}

	other := writeConfig(t, map[string]string{"main.sf.hcl": `
seedform { max_cost = "12.5 usd" }
provider "seedream" { price_per_image = 0.2 }
provider "seedream" {
  alias           = "relay"
  price_per_image = "0.035"
  currency        = "cny"
}
provider "placeholder" {}
`})
	if mustLoad(t, other, Options{}).Digest == cfg.Digest {
		t.Error("a different price_per_image leaves the config digest unchanged")
	}
}
