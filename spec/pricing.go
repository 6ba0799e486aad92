package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/schema"
)

// DefaultCurrency is the currency of a price_per_image given without one.
const DefaultCurrency = "USD"

// evalAmount reads an amount written as a number (0.025) or a string
// ("0.025"), exactly as written: a price is never rounded through a float.
func (s *loadState) evalAmount(a *hcl.Attribute) (cost.Amount, bool) {
	v, ok := s.evalValue(a, s.baseCtx, cty.String)
	if !ok {
		return cost.Amount{}, false
	}
	amt, err := cost.ParseAmount(v.AsString())
	if err != nil {
		s.errorf(a.Expr.Range().Ptr(), "Invalid "+a.Name, "%s: %s.", a.Name, err)
		return cost.Amount{}, false
	}
	return amt, true
}

// decodePrice reads a provider block's price_per_image and currency, its
// own price in place of the provider's price card.
func (s *loadState) decodePrice(p *Provider, content *hcl.BodyContent) {
	priceAttr, curAttr := content.Attributes["price_per_image"], content.Attributes["currency"]
	currency := DefaultCurrency
	if curAttr != nil {
		v, ok := s.evalString(curAttr, s.baseCtx)
		if !ok {
			return
		}
		c, err := cost.ParseCurrency(v)
		if err != nil {
			s.errorf(curAttr.Expr.Range().Ptr(), "Invalid currency", "currency: %s.", err)
			return
		}
		currency = c
		if priceAttr == nil {
			s.errorf(curAttr.Range.Ptr(), "Missing price_per_image", "currency names the currency of price_per_image; set price_per_image too, or remove currency to use the provider's price card.")
			return
		}
	}
	if priceAttr == nil {
		return
	}
	if amt, ok := s.evalAmount(priceAttr); ok {
		p.Price = &cost.Override{PricePerImage: amt, Currency: currency, Provider: p.Addr}
	}
}

// decodeMaxCost reads the seedform block's max_cost: a number, or a
// string "AMOUNT" or "AMOUNT CURRENCY".
func (s *loadState) decodeMaxCost(a *hcl.Attribute) {
	v, ok := s.evalValue(a, s.baseCtx, cty.String)
	if !ok {
		return
	}
	b, err := cost.ParseBudget(v.AsString())
	if err != nil {
		s.errorf(a.Expr.Range().Ptr(), "Invalid max_cost", "max_cost: %s.", err)
		return
	}
	s.maxCost = &Budget{Budget: b, Range: a.Expr.Range()}
}

// PriceCard is the price card of the block's provider type, nil when the
// type has none.
func (p *Provider) PriceCard() *cost.Card {
	sc := p.schema
	if sc == nil {
		t, ok := schema.Lookup(p.Type)
		if !ok {
			return nil
		}
		sc = t.Schema()
	}
	return sc.PriceCard
}
