package openai

import (
	"time"

	"github.com/seedform/seedform/cost"
)

// Price is what one image costs at OpenAI, in US dollars, as a decimal
// string so that it is counted exactly.
type Price struct {
	// Key is PriceKey's: model, quality and size.
	Key string
	USD string
}

// PricesSource and PricesRead say where Prices come from and when they
// were read, so that a run can warn when they may be out of date.
const PricesSource = "https://platform.openai.com/docs/pricing (image generation, per image)"

// PricesRead is the day Prices were read.
var PricesRead = time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC)

// Prices is OpenAI's price per image by model, quality and size. A model,
// quality or size not listed (gpt-image-1.5, gpt-image-2, "auto") has no
// known price: a relay or a new model prices differently, and the
// provider block's price override says what it is.
var Prices = []Price{
	{"gpt-image-1 low 1024x1024", "0.011"}, {"gpt-image-1 low 1024x1536", "0.016"}, {"gpt-image-1 low 1536x1024", "0.016"},
	{"gpt-image-1 medium 1024x1024", "0.042"}, {"gpt-image-1 medium 1024x1536", "0.063"}, {"gpt-image-1 medium 1536x1024", "0.063"},
	{"gpt-image-1 high 1024x1024", "0.167"}, {"gpt-image-1 high 1024x1536", "0.25"}, {"gpt-image-1 high 1536x1024", "0.25"},
	{"gpt-image-1-mini low 1024x1024", "0.005"}, {"gpt-image-1-mini low 1024x1536", "0.006"}, {"gpt-image-1-mini low 1536x1024", "0.006"},
	{"gpt-image-1-mini medium 1024x1024", "0.011"}, {"gpt-image-1-mini medium 1024x1536", "0.015"}, {"gpt-image-1-mini medium 1536x1024", "0.015"},
	{"gpt-image-1-mini high 1024x1024", "0.036"}, {"gpt-image-1-mini high 1024x1536", "0.052"}, {"gpt-image-1-mini high 1536x1024", "0.052"},
	{"dall-e-3 standard 1024x1024", "0.04"}, {"dall-e-3 standard 1024x1792", "0.08"}, {"dall-e-3 standard 1792x1024", "0.08"},
	{"dall-e-3 hd 1024x1024", "0.08"}, {"dall-e-3 hd 1024x1792", "0.12"}, {"dall-e-3 hd 1792x1024", "0.12"},
}

// PriceKey is the key of one image's price: "model quality size", with
// the API's defaults for what is not sent (dall-e-3: standard, 1024x1024).
// The GPT image models' default quality and size are "auto", whose price
// depends on what the model picks: their key is "", an unknown price.
func PriceKey(model, quality, size string) string {
	m, ok := LookupModel(model)
	if !ok {
		return ""
	}
	if !m.GPTImage {
		if quality == "" {
			quality = "standard"
		}
		if size == "" {
			size = "1024x1024"
		}
	}
	if quality == "" || quality == "auto" || size == "" || size == "auto" {
		return ""
	}
	return m.ID + " " + quality + " " + size
}

// PriceCard is Prices as a price card keyed by PriceKey.
func PriceCard() *cost.Card {
	card := &cost.Card{Provider: "openai", Version: 1, Currency: "USD", Unit: "image", Source: PricesSource, Read: PricesRead}
	for _, p := range Prices {
		a := cost.MustParse(p.USD)
		card.Rates = append(card.Rates, cost.Rate{Key: p.Key, Price: &a})
	}
	return card
}
