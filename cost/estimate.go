package cost

import (
	"fmt"
	"sort"
	"strings"
)

// Cost is what a planned change, or a whole plan, may cost: between
// ImagesMin and ImagesMax images, and between Min and Max in Currency.
//
// Min and Max are nil when some of the images have no known price (then
// UnpricedImages counts them, and KnownMin/KnownMax, unexported, price the
// rest) or when the plan mixes currencies (then ByCurrency splits it). A
// change that sends no request costs zero images and zero money.
type Cost struct {
	// Currency is "" when nothing is charged, the price is unknown, or
	// the currencies are mixed.
	Currency  string  `json:"currency"`
	ImagesMin int     `json:"images_min"`
	ImagesMax int     `json:"images_max"`
	Min       *Amount `json:"min"`
	Max       *Amount `json:"max"`
	// PricePerImage is the price in force, on one change's cost, and
	// PriceSource where it comes from (or where none was found).
	PricePerImage *Amount `json:"price_per_image,omitempty"`
	PriceSource   string  `json:"price_source,omitempty"`
	// UnpricedImages is how many of ImagesMax have no known price.
	UnpricedImages int `json:"unpriced_images,omitempty"`
	// ByCurrency splits a plan whose changes are priced in several
	// currencies, one Cost per currency, sorted.
	ByCurrency []Cost `json:"by_currency,omitempty"`
}

// Line is the cost of one change that may produce imagesMin to imagesMax
// images at p.
func Line(p Price, imagesMin, imagesMax int) Cost {
	c := Cost{ImagesMin: imagesMin, ImagesMax: imagesMax}
	if imagesMax == 0 {
		// Nothing is asked for: no price is needed.
		zero := Amount{}
		c.Min, c.Max = &zero, &zero
		return c
	}
	c.PriceSource = p.Source
	if !p.Known {
		c.UnpricedImages = imagesMax
		return c
	}
	lo, hi, price := p.Amount.Times(imagesMin), p.Amount.Times(imagesMax), p.Amount
	c.Min, c.Max, c.PricePerImage = &lo, &hi, &price
	if !p.Amount.IsZero() {
		c.Currency = p.Currency
	}
	return c
}

// Total adds up costs. Images add up whatever their price; money adds up
// per currency, and free lines join any currency.
func Total(lines []Cost) Cost {
	t := Cost{}
	type sums struct {
		min, max       Amount
		imgMin, imgMax int
	}
	per := map[string]*sums{}
	free := Amount{}
	for _, l := range lines {
		t.ImagesMin += l.ImagesMin
		t.ImagesMax += l.ImagesMax
		t.UnpricedImages += l.UnpricedImages
		parts := l.ByCurrency
		if len(parts) == 0 {
			parts = []Cost{l}
		}
		for _, p := range parts {
			if p.Max == nil || p.Currency == "" {
				continue
			}
			s := per[p.Currency]
			if s == nil {
				s = &sums{}
				per[p.Currency] = s
			}
			s.min, s.max = s.min.Add(*p.Min), s.max.Add(*p.Max)
			s.imgMin, s.imgMax = s.imgMin+p.ImagesMin, s.imgMax+p.ImagesMax
		}
	}
	if len(per) == 0 {
		if t.UnpricedImages == 0 {
			t.Min, t.Max = &free, &free
		}
		return t
	}
	curs := make([]string, 0, len(per))
	for cur := range per {
		curs = append(curs, cur)
	}
	sort.Strings(curs)
	if len(curs) == 1 {
		t.Currency = curs[0]
		if t.UnpricedImages == 0 {
			s := per[curs[0]]
			t.Min, t.Max = &s.min, &s.max
			return t
		}
	}
	// Mixed currencies, or a known part beside unpriced images: no one
	// bound, so each currency is given on its own.
	for _, cur := range curs {
		s := per[cur]
		t.ByCurrency = append(t.ByCurrency, Cost{Currency: cur, ImagesMin: s.imgMin, ImagesMax: s.imgMax, Min: &s.min, Max: &s.max})
	}
	if len(curs) > 1 {
		t.Currency = ""
	}
	return t
}

// ImagesText is "1 image", "3 images" or "3 to 9 images".
func (c Cost) ImagesText() string {
	switch {
	case c.ImagesMin == c.ImagesMax && c.ImagesMax == 1:
		return "1 image"
	case c.ImagesMin == c.ImagesMax:
		return fmt.Sprintf("%d images", c.ImagesMax)
	}
	return fmt.Sprintf("%d to %d images", c.ImagesMin, c.ImagesMax)
}

// MoneyText is the money part for people: "$0.12 to $0.36", "0.20 CNY",
// "price unknown", "$0.04 to $0.12, and 4 images at an unknown price";
// "" when nothing is charged.
func (c Cost) MoneyText() string {
	var parts []string
	switch {
	case len(c.ByCurrency) > 0:
		for _, p := range c.ByCurrency {
			parts = append(parts, p.MoneyText())
		}
	case c.Max != nil && c.Max.IsZero():
	case c.Max != nil:
		parts = append(parts, rangeText(*c.Min, *c.Max, c.Currency))
	}
	if c.UnpricedImages > 0 {
		if len(parts) == 0 {
			return "price unknown"
		}
		n := "images"
		if c.UnpricedImages == 1 {
			n = "image"
		}
		parts = append(parts, fmt.Sprintf("and %d %s at an unknown price", c.UnpricedImages, n))
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, " + ")
}

// Text is the images and the money: "3 to 9 images, $0.12 to $0.36".
func (c Cost) Text() string {
	if m := c.MoneyText(); m != "" {
		return c.ImagesText() + ", " + m
	}
	return c.ImagesText()
}

func rangeText(lo, hi Amount, currency string) string {
	if lo.Equal(hi) {
		return Format(hi, currency)
	}
	return Format(lo, currency) + " to " + Format(hi, currency)
}

// Format writes an amount with its currency: "$0.12" for USD, "0.20 CNY"
// for the others.
func Format(a Amount, currency string) string {
	switch currency {
	case "USD":
		return "$" + a.String()
	case "":
		return a.String()
	}
	return a.String() + " " + currency
}
