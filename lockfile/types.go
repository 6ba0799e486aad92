package lockfile

import (
	"encoding/json"
	"time"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/schema"
)

// FileName is the lock file's name in the configuration directory.
const FileName = "seedform.lock.json"

// SchemaVersion is the lock and manifest format this build writes. A file
// with a higher version is refused, never overwritten.
const SchemaVersion = 1

// Lock is seedform.lock.json: what was generated, from which spec.
type Lock struct {
	Version int `json:"version"`
	// OutputDir is the output directory the outputs were written under,
	// relative to the config directory: when the config moves it, the
	// plan moves the files instead of regenerating them.
	OutputDir string `json:"output_dir,omitempty"`
	// Spend is what each apply that sent requests was billed, oldest
	// first, paid answers that were lost included (no entry keeps them).
	Spend []*Spend `json:"spend,omitempty"`
	// Assets is keyed by asset address; encoding/json writes map keys sorted.
	Assets map[string]*Entry `json:"assets"`
}

// Spend is one apply's bill: its estimate and what it was billed, one row
// per model and price. Rows, not one line per answer, keep the lock small
// and each write of it cheap however many images an apply makes; each
// entry's Billed has the detail.
type Spend struct {
	// StartedAt is when the apply started.
	StartedAt time.Time `json:"started_at"`
	// Estimate is the plan's cost, as planned.
	Estimate *cost.Cost  `json:"estimate,omitempty"`
	Billed   []ModelBill `json:"billed"`
}

// ModelBill is what the answers of one model at one price were billed.
type ModelBill struct {
	Model string `json:"model"`
	Billed
	// Answers counts the paid answers; Lost those of which nothing could
	// be kept.
	Answers int `json:"answers"`
	Lost    int `json:"lost_answers,omitempty"`
}

// Add records one paid answer of model, billed b, in the bill.
func (s *Spend) Add(model string, b Billed, lost bool) {
	for i, row := range s.Billed {
		if row.Model == model && row.Currency == b.Currency && samePrice(row.PricePerImage, b.PricePerImage) {
			row.Images += b.Images
			if b.Cost != nil {
				sum := row.Cost.Add(*b.Cost)
				row.Cost = &sum
			}
			row.Answers++
			if lost {
				row.Lost++
			}
			s.Billed[i] = row
			return
		}
	}
	row := ModelBill{Model: model, Billed: b, Answers: 1}
	if lost {
		row.Lost = 1
	}
	s.Billed = append(s.Billed, row)
}

func samePrice(a, b *cost.Amount) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// Billed is what one answer was billed: its images (the answer's
// usage.generated_images, else the images it returned) at the price then
// in force. Cost and PricePerImage are nil when the price was unknown.
type Billed struct {
	Images        int          `json:"images"`
	PricePerImage *cost.Amount `json:"price_per_image,omitempty"`
	Cost          *cost.Amount `json:"cost,omitempty"`
	Currency      string       `json:"currency,omitempty"`
}

// Free reports whether nothing was charged: a price known to be zero.
func (b Billed) Free() bool { return b.Cost != nil && b.Cost.IsZero() }

// Entry records one generated asset.
type Entry struct {
	Kind string `json:"kind"` // "image" or "image_set"
	// SpecHash is the hash the asset was generated from, upstream content
	// folded in (pipeline decides how).
	SpecHash string `json:"spec_hash"`
	// Spec is the request the hash was made from: the provider type's
	// attribute map, "provider_type" first, kept so that a plan can say
	// which attributes changed. Its hash is the hash of its JSON.
	Spec schema.Values `json:"spec"`
	// SpecVersion is the provider type's version of Spec's attributes;
	// left out for version 1, which is what every lock written before
	// versions held.
	SpecVersion int `json:"spec_version,omitempty"`
	// Upstream maps each upstream asset address to the sha256 of its
	// outputs that went into SpecHash.
	Upstream map[string]string `json:"upstream,omitempty"`
	// Path (image) or Dir (image_set), relative to the output directory.
	Path     string   `json:"path,omitempty"`
	Dir      string   `json:"dir,omitempty"`
	Provider string   `json:"provider"`
	Model    string   `json:"model,omitempty"` // as the API reported it
	Outputs  []Output `json:"outputs"`
	// Failed lists the slots of a set that came back as errors.
	Failed []FailedSlot `json:"failed,omitempty"`
	// PreventDestroy copies lifecycle.prevent_destroy, so that removing
	// the block does not remove the protection with it.
	PreventDestroy bool      `json:"prevent_destroy,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	Usage          *Usage    `json:"usage,omitempty"`
	// Billed is what the answer that made the outputs was billed.
	Billed *Billed `json:"billed,omitempty"`
}

// Output is one generated file.
type Output struct {
	// Path is a slash path relative to the output directory.
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Format string `json:"format"` // "png", "jpeg" or "webp"
}

// FailedSlot is one image of a set that the API reported as failed.
type FailedSlot struct {
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// Usage is what the API reported as used; every field is optional, and
// a lock written before a field existed reads as its zero value.
type Usage struct {
	GeneratedImages int `json:"generated_images,omitempty"`
	// InputTokens are the prompt's and reference images' tokens, where
	// the API counts them (token-billed image models).
	InputTokens  int `json:"input_tokens,omitempty"`
	OutputTokens int `json:"output_tokens,omitempty"`
	TotalTokens  int `json:"total_tokens,omitempty"`
	// InputImages is the reference images billed (usage.input_images).
	InputImages int `json:"input_images,omitempty"`
	// ToolUsage counts the tools the model used, by name (usage.tool_usage:
	// "web_search"); encoding/json writes the keys sorted.
	ToolUsage map[string]int `json:"tool_usage,omitempty"`
	// RequestID is the API's id of the request that was paid for (its
	// x-request-id), what the vendor's support asks for.
	RequestID string `json:"request_id,omitempty"`
}

// Manifest is what apps consume: every asset's files and metadata.
type Manifest struct {
	Version int `json:"version"`
	// Assets is keyed by asset address.
	Assets map[string]*ManifestEntry `json:"assets"`
}

// ManifestEntry is one asset in the manifest.
type ManifestEntry struct {
	Files []Output `json:"files"`
	// Meta is the user's meta attribute, as canonical JSON.
	Meta json.RawMessage `json:"meta,omitempty"`
}
