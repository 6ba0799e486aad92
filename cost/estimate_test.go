package cost_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/seedream"
)

func amt(s string) *cost.Amount { a := cost.MustParse(s); return &a }

// TestEstimateEveryModel prices an image and a four-image set of every
// model family the client knows, from the Seedream card, with a provider
// block's override, and with no card at all.
func TestEstimateEveryModel(t *testing.T) {
	t.Parallel()
	card := seedream.PriceCard()
	relay := &cost.Override{PricePerImage: cost.MustParse("0.025"), Currency: "CNY", Provider: "seedream.relay"}
	tests := []struct {
		family   seedream.Family
		override *cost.Override
		card     *cost.Card
		// image and set are the texts of one image and of 1 to 4 images.
		image, set string
		setMax     *cost.Amount
	}{
		{family: seedream.Seedream30, card: card, image: "1 image, price unknown", set: "1 to 4 images, price unknown"},
		{family: seedream.SeedEdit30, card: card, image: "1 image, price unknown", set: "1 to 4 images, price unknown"},
		{family: seedream.Seedream40, card: card, image: "1 image, $0.03", set: "1 to 4 images, $0.03 to $0.12", setMax: amt("0.12")},
		{family: seedream.Seedream45, card: card, image: "1 image, $0.04", set: "1 to 4 images, $0.04 to $0.16", setMax: amt("0.16")},
		{family: seedream.Seedream50, card: card, image: "1 image, $0.035", set: "1 to 4 images, $0.035 to $0.14", setMax: amt("0.14")},
		{family: seedream.Seedream50Pro, card: card, image: "1 image, price unknown", set: "1 to 4 images, price unknown"},
		{family: "", card: card, image: "1 image, price unknown", set: "1 to 4 images, price unknown"},
		{family: "seedream-9.9", card: card, image: "1 image, price unknown", set: "1 to 4 images, price unknown"},
		{family: seedream.Seedream30, card: card, override: relay, image: "1 image, 0.025 CNY", set: "1 to 4 images, 0.025 CNY to 0.10 CNY", setMax: amt("0.1")},
		{family: seedream.Seedream45, card: card, override: relay, image: "1 image, 0.025 CNY", set: "1 to 4 images, 0.025 CNY to 0.10 CNY", setMax: amt("0.10")},
		{family: seedream.Seedream45, image: "1 image, price unknown", set: "1 to 4 images, price unknown"},
	}
	listed := map[seedream.Family]bool{}
	for _, r := range card.Rates {
		listed[seedream.Family(r.Key)] = true
	}
	for _, f := range seedream.Families() {
		if !listed[f] {
			t.Errorf("the Seedream card has no row for %s: list it, with a nil price if it is unknown", f)
		}
	}
	for _, tt := range tests {
		p := cost.PriceOf(tt.card, string(tt.family), tt.override)
		image, set := cost.Line(p, 1, 1), cost.Line(p, 1, 4)
		if got := image.Text(); got != tt.image {
			t.Errorf("%s image: got %q, want %q", tt.family, got, tt.image)
		}
		if got := set.Text(); got != tt.set {
			t.Errorf("%s set: got %q, want %q", tt.family, got, tt.set)
		}
		if diff := cmp.Diff(tt.setMax, set.Max); diff != "" {
			t.Errorf("%s set max (-want +got):\n%s", tt.family, diff)
		}
		if tt.setMax == nil && (set.UnpricedImages != 4 || set.PriceSource == "") {
			t.Errorf("%s set: %d unpriced images (%q), want 4 and why (an unknown price is never free)", tt.family, set.UnpricedImages, set.PriceSource)
		}
	}
}

// TestEstimateOpenAI: OpenAI's card prices by model, quality and size;
// what it leaves to the model ("auto") has no known price.
func TestEstimateOpenAI(t *testing.T) {
	t.Parallel()
	card := openai.PriceCard()
	tests := []struct{ model, quality, size, want string }{
		{"dall-e-3", "", "", "1 to 2 images, $0.04 to $0.08"},
		{"dall-e-3", "hd", "1024x1792", "1 to 2 images, $0.12 to $0.24"},
		{"gpt-image-1", "low", "1024x1024", "1 to 2 images, $0.011 to $0.022"},
		{"gpt-image-1", "auto", "1024x1024", "1 to 2 images, price unknown"},
		{"gpt-image-9", "low", "1024x1024", "1 to 2 images, price unknown"},
	}
	for _, tt := range tests {
		got := cost.Line(cost.PriceOf(card, openai.PriceKey(tt.model, tt.quality, tt.size), nil), 1, 2).Text()
		if got != tt.want {
			t.Errorf("%s %s %s: got %q, want %q", tt.model, tt.quality, tt.size, got, tt.want)
		}
	}
	if len(card.Rates) != len(openai.Prices) {
		t.Errorf("the card has %d rates for %d prices", len(card.Rates), len(openai.Prices))
	}
}

func TestNoRequestCostsNothing(t *testing.T) {
	t.Parallel()
	c := cost.Line(cost.Price{}, 0, 0)
	if c.Max == nil || !c.Max.IsZero() || c.UnpricedImages != 0 || c.Text() != "0 images" {
		t.Errorf("a change with no request: got %+v (%q), want zero images at zero cost", c, c.Text())
	}
}

func TestTotal(t *testing.T) {
	t.Parallel()
	usd := cost.Price{Known: true, Amount: cost.MustParse("0.04"), Currency: "USD"}
	cny := cost.Price{Known: true, Amount: cost.MustParse("0.25"), Currency: "CNY"}
	free := cost.Price{Known: true}
	tests := []struct {
		name  string
		lines []cost.Cost
		want  string
		max   *cost.Amount
	}{
		{"design example", []cost.Cost{cost.Line(usd, 1, 3), cost.Line(usd, 1, 3), cost.Line(usd, 1, 3)},
			"3 to 9 images, $0.12 to $0.36", amt("0.36")},
		{"free lines join any currency", []cost.Cost{cost.Line(usd, 1, 1), cost.Line(free, 1, 4), cost.Line(cost.Price{}, 0, 0)},
			"2 to 5 images, $0.04", amt("0.04")},
		{"all free", []cost.Cost{cost.Line(free, 1, 4)}, "1 to 4 images", amt("0")},
		{"unknown beside known", []cost.Cost{cost.Line(usd, 1, 1), cost.Line(cost.Price{}, 1, 2)},
			"2 to 3 images, $0.04, and 2 images at an unknown price", nil},
		{"mixed currencies", []cost.Cost{cost.Line(usd, 1, 1), cost.Line(cny, 1, 2)},
			"2 to 3 images, 0.25 CNY to 0.50 CNY + $0.04", nil},
		// 0.1 + 0.2 is not 0.3 in floats; here it is.
		{"exact decimals", []cost.Cost{
			cost.Line(cost.Price{Known: true, Amount: cost.MustParse("0.1"), Currency: "USD"}, 1, 1),
			cost.Line(cost.Price{Known: true, Amount: cost.MustParse("0.2"), Currency: "USD"}, 1, 1)},
			"2 images, $0.30", amt("0.3")},
	}
	for _, tt := range tests {
		got := cost.Total(tt.lines)
		if got.Text() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got.Text(), tt.want)
		}
		if diff := cmp.Diff(tt.max, got.Max); diff != "" {
			t.Errorf("%s: max (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCostJSON(t *testing.T) {
	t.Parallel()
	usd := cost.Price{Known: true, Amount: cost.MustParse("0.04"), Currency: "USD"}
	got, err := json.Marshal(cost.Total([]cost.Cost{cost.Line(usd, 1, 3), cost.Line(usd, 1, 3), cost.Line(usd, 1, 3)}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"currency":"USD","images_min":3,"images_max":9,"min":0.12,"max":0.36}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	got, _ = json.Marshal(cost.Line(cost.Price{}, 1, 4))
	want = `{"currency":"","images_min":1,"images_max":4,"min":null,"max":null,"unpriced_images":4}`
	if string(got) != want {
		t.Errorf("unknown price: got %s, want %s", got, want)
	}
}
