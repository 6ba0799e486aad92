package cost

import (
	"fmt"
	"time"
)

// MaxAge is how old a card's prices may be before a run warns that they
// may have changed.
const MaxAge = 90 * 24 * time.Hour

// Card is a provider type's price list: one price per key (a model's
// family, or model, quality and size: the type decides), in one currency,
// per Unit, read from Source on Read. A provider type hands its card over
// as data; a provider block's price_per_image overrides it.
type Card struct {
	// Provider is the provider type the card prices ("seedream").
	Provider string
	// Version counts revisions of the card's prices.
	Version int
	// Currency is an ISO 4217 code ("USD"); "" on a card that charges
	// nothing.
	Currency string
	// Unit is what one price buys: "image".
	Unit string
	// Source says where the prices come from, for a person to check.
	Source string
	// Read is the day the prices were read from Source.
	Read time.Time
	// Rates lists the keys the card knows, priced or not.
	Rates []Rate
	// Default, when set, prices every key the card does not list; nil
	// leaves an unlisted key's price unknown.
	Default *Amount
}

// Rate is one key's price per unit. A nil Price is an unknown price,
// never a free one.
type Rate struct {
	Key   string
	Price *Amount
}

// Price is the price in force for one model: from a card, or from a
// provider block's override.
type Price struct {
	// Known is false when no price could be found; Amount is then zero
	// and must not be taken as free.
	Known    bool
	Amount   Amount
	Currency string
	// Source names where the price comes from, for messages.
	Source string
}

// Override is a provider block's own price: relays price differently.
type Override struct {
	PricePerImage Amount
	Currency      string
	// Provider is the provider block's address, named as the source.
	Provider string
}

// PriceOf returns the price of one image whose rate is key. An override
// wins; a card without a rate for the key gives an unknown price (or its
// Default); no card at all gives an unknown price.
func PriceOf(card *Card, key string, o *Override) Price {
	if o != nil {
		return Price{Known: true, Amount: o.PricePerImage, Currency: o.Currency,
			Source: fmt.Sprintf("price_per_image of provider %s", o.Provider)}
	}
	if card == nil {
		return Price{Source: "no price card"}
	}
	src := card.Describe()
	for _, r := range card.Rates {
		if r.Key == key {
			if r.Price == nil {
				return Price{Source: fmt.Sprintf("no price for %s on the %s price card", key, card.Provider)}
			}
			return Price{Known: true, Amount: *r.Price, Currency: card.Currency, Source: src}
		}
	}
	if card.Default != nil {
		return Price{Known: true, Amount: *card.Default, Currency: card.Currency, Source: src}
	}
	if key == "" {
		return Price{Source: "the price card cannot price this asset (an unknown model, or a size or quality it leaves to the model): set price_per_image"}
	}
	return Price{Source: fmt.Sprintf("no price for %s on the %s price card", key, card.Provider)}
}

// Describe names the card for messages: provider, version, what a price
// buys, source and date.
func (c *Card) Describe() string {
	per := "no charge"
	if c.Currency != "" {
		per = c.Currency + " per " + c.Unit
	}
	return fmt.Sprintf("the %s price card v%d (%s, from the %s, read %s)", c.Provider, c.Version, per, c.Source, c.Read.Format(time.DateOnly))
}

// Stale reports whether the card's prices are older than MaxAge at now.
// A card that charges nothing never ages.
func (c *Card) Stale(now time.Time) bool {
	if c == nil || c.Currency == "" {
		return false
	}
	return now.Sub(c.Read) > MaxAge
}

// StaleWarning is the advice a run gives once when it prices a plan with a
// stale card.
func (c *Card) StaleWarning(now time.Time) (summary, detail string) {
	days := int(now.Sub(c.Read).Hours() / 24)
	return "The " + c.Provider + " price card may be out of date",
		fmt.Sprintf("Its prices were read on %s, %d days ago, from the %s; they may have changed. "+
			"To price with the rate you pay, set price_per_image and currency in the provider block, for example:\n"+
			"  provider %q {\n    price_per_image = 0.04\n    currency        = %q\n  }",
			c.Read.Format(time.DateOnly), days, c.Source, c.Provider, c.Currency)
}
