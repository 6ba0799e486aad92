package provider

import (
	"time"

	"github.com/seedform/seedform/cost"
)

// placeholderCard: the offline renderer charges nothing for any model.
var placeholderCard = &cost.Card{
	Provider: "placeholder",
	Version:  1,
	Unit:     "image",
	Source:   "offline renderer",
	Read:     time.Date(2026, time.November, 29, 0, 0, 0, 0, time.UTC),
	Default:  new(cost.Amount),
}
