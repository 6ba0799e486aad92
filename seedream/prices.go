package seedream

import (
	"time"

	"github.com/seedform/seedform/cost"
)

// PriceCard is the price of one Seedream image per model family, from
// the BytePlus ModelArk list in USD (SEEDREAM_API.md, "Limits and
// timing"). This is the one place those prices are written; a provider
// block's price_per_image overrides them, as relays and the Volcengine
// (CNY) console price differently.
func PriceCard() *cost.Card {
	usd := func(s string) *cost.Amount { a := cost.MustParse(s); return &a }
	return &cost.Card{
		Provider: "seedream",
		Version:  1,
		Currency: "USD",
		Unit:     "image",
		Source:   "BytePlus ModelArk price list, USD per generated image",
		Read:     time.Date(2026, time.November, 29, 0, 0, 0, 0, time.UTC),
		Rates: []cost.Rate{
			{Family: string(Seedream30), Note: "not on the BytePlus list (retired there in March 2026); relays set their own price"},
			{Family: string(SeedEdit30), Note: "not on the BytePlus list; relays set their own price"},
			{Family: string(Seedream40), Price: usd("0.03"), Note: "BytePlus ModelArk"},
			{Family: string(Seedream45), Price: usd("0.04"), Note: "BytePlus ModelArk"},
			{Family: string(Seedream50), Price: usd("0.035"), Note: "5.0 Lite as quoted by relays that follow the BytePlus list"},
			{Family: string(Seedream50Pro), Note: "no USD price published; Volcengine bills CNY by size (0.30 up to 2.61 MP, 0.60 above)"},
		},
	}
}
