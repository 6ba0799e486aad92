package provider

import (
	"time"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/spec"
)

// PriceCard returns the price card of a provider type, nil for a type
// with none (every price unknown).
func PriceCard(typ string) *cost.Card {
	switch typ {
	case spec.ProviderSeedream:
		return seedream.PriceCard()
	case spec.ProviderPlaceholder:
		return placeholderCard
	}
	return nil
}

// placeholderCard: the offline renderer charges nothing for any model.
var placeholderCard = &cost.Card{
	Provider: spec.ProviderPlaceholder,
	Version:  1,
	Unit:     "image",
	Source:   "offline renderer",
	Read:     time.Date(2026, time.November, 29, 0, 0, 0, 0, time.UTC),
	Default:  new(cost.Amount),
}
