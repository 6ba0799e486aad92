package provider

import (
	"testing"

	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/seedream"
)

// TestAnswerBytes: the space an answer can take is its images at four
// bytes a pixel and a header, each capped at the client's image limit,
// and the cap alone for a size the provider cannot tell.
func TestAnswerBytes(t *testing.T) {
	sc, err := seedream.NewClient(seedream.Config{BaseURL: "http://127.0.0.1:1", APIKey: "k", MaxImageBytes: 32 << 20})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := openai.NewClient(openai.Config{BaseURL: "http://127.0.0.1:1", APIKey: "k", MaxImageBytes: 32 << 20})
	if err != nil {
		t.Fatal(err)
	}
	s, o := NewSeedream(sc), NewOpenAI(oc)
	const header = 64 << 10
	for _, tt := range []struct {
		name string
		got  int64
		want int64
	}{
		{"seedream 1024x768", s.AnswerBytes(&schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-4-0-250828", Attrs: attrs("size", "1024x768")}), 1024*768*4 + header},
		{"seedream 2K set of 3", s.AnswerBytes(&schema.Asset{Kind: schema.KindImageSet, MaxImages: 3, Model: "doubao-seedream-4-0-250828", Attrs: attrs("size", "2K")}), 3 * (2048*2048*4 + header)},
		{"seedream 4K capped", s.AnswerBytes(&schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-4-0-250828", Attrs: attrs("size", "4K")}), 32 << 20},
		{"seedream unknown model", s.AnswerBytes(&schema.Asset{Kind: schema.KindImage, Model: "ep-20250101-abc"}), 32 << 20},
		{"openai set of 2", o.AnswerBytes(&schema.Asset{Kind: schema.KindImageSet, MaxImages: 2, Model: "gpt-image-1", Attrs: attrs("size", "1024x1024")}), 2 * (1024*1024*4 + header)},
		{"openai auto", o.AnswerBytes(&schema.Asset{Kind: schema.KindImage, Model: "gpt-image-1", Attrs: attrs("size", "auto")}), 32 << 20},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}
