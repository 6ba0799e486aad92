package jsonui

import "encoding/json"

// Cost is what a planned change, or the plan, may cost: between
// ImagesMin and ImagesMax images and between Min and Max in Currency.
// Amounts are exact decimals written as JSON numbers. Min and Max are
// null when some images have no known price (UnpricedImages counts them,
// never as free) or when the plan mixes currencies (ByCurrency splits
// it); Currency is "" then, and when nothing is charged.
type Cost struct {
	Currency       string       `json:"currency"`
	ImagesMin      int          `json:"images_min"`
	ImagesMax      int          `json:"images_max"`
	Min            *json.Number `json:"min"`
	Max            *json.Number `json:"max"`
	PricePerImage  *json.Number `json:"price_per_image,omitempty"`
	PriceSource    string       `json:"price_source,omitempty"`
	UnpricedImages int          `json:"unpriced_images,omitempty"`
	ByCurrency     []Cost       `json:"by_currency,omitempty"`
}

// Budget is how an apply's running budget ended: what was billed of the
// limit, and whether it stopped requests from starting.
type Budget struct {
	Currency string      `json:"currency"`
	Limit    json.Number `json:"limit"`
	Spent    json.Number `json:"spent"`
	Stopped  bool        `json:"stopped"`
}
