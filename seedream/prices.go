package seedream

import (
	"time"

	"github.com/seedform/seedform/cost"
)

// PriceCard is the price of one Seedream image per model family (the
// key), from
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
		Source:   "BytePlus ModelArk price list",
		Read:     time.Date(2026, time.November, 29, 0, 0, 0, 0, time.UTC),
		Rates: []cost.Rate{
			// Retired on BytePlus (3.0 t2i in March 2026); relays that
			// still serve them set their own price.
			{Key: string(Seedream30)},
			{Key: string(SeedEdit30)},
			{Key: string(Seedream40), Price: usd("0.03")},
			{Key: string(Seedream45), Price: usd("0.04")},
			// 5.0 Lite, as quoted by relays that follow the BytePlus list.
			{Key: string(Seedream50), Price: usd("0.035")},
			// No USD price is published; Volcengine bills it in CNY by
			// size (0.30 up to 2.61 MP, 0.60 above).
			{Key: string(Seedream50Pro)},
		},
	}
}
