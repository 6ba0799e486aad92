package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/seedream"
)

// Config is one configuration directory, loaded, evaluated and validated.
type Config struct {
	// Dir is the configuration directory as given (the -chdir target).
	Dir string
	// OutputDir is where every output lives: a clean slash path relative
	// to Dir, "." by default. It never leaves Dir.
	OutputDir string
	// Manifest is the manifest's slash path relative to Dir.
	Manifest string
	// Providers are the declared provider instances, sorted by Addr.
	Providers []*Provider
	// Assets are the expanded asset instances, sorted by Addr.
	Assets []*Asset
	// Moved are the moved blocks, in source order.
	Moved []*Moved
	// MaxCost is the seedform block's max_cost, nil when unset.
	MaxCost *Budget
	// SensitiveVars names the variables declared sensitive.
	SensitiveVars []string
	// Digest is "sha256:<hex>" of everything evaluated that a plan depends
	// on (output dir, manifest, providers, every asset's fields, moved
	// blocks), so that a change to the config, a variable value or a
	// reference file changes it; a saved plan records it to detect a
	// changed config. Source ranges are not part of it.
	Digest string

	// byAddr maps addresses to indexes in Assets once Load has built them.
	// A hit is trusted only if Assets still holds that address there, so a
	// Config edited or made by hand is searched in order instead.
	byAddr map[string]int
}

// index builds the address index used by Asset.
func (c *Config) index() {
	c.byAddr = make(map[string]int, len(c.Assets))
	for i, a := range c.Assets {
		c.byAddr[a.Addr] = i
	}
}

// Asset looks up an asset instance by address.
func (c *Config) Asset(addr string) *Asset {
	if i, ok := c.byAddr[addr]; ok && i < len(c.Assets) && c.Assets[i].Addr == addr {
		return c.Assets[i]
	}
	for _, a := range c.Assets {
		if a.Addr == addr {
			return a
		}
	}
	return nil
}

// Provider looks up a provider instance by address.
func (c *Config) Provider(addr string) *Provider {
	for _, p := range c.Providers {
		if p.Addr == addr {
			return p
		}
	}
	return nil
}

// Provider types.
const (
	ProviderSeedream    = "seedream"
	ProviderPlaceholder = "placeholder"
)

// Provider is one provider block: a type and an optional alias.
type Provider struct {
	Type  string // ProviderSeedream or ProviderPlaceholder
	Alias string
	// Addr is "seedream", "seedream.relay", "placeholder".
	Addr string
	// BaseURL is the API root; "/images/generations" is appended.
	BaseURL string
	// APIKeyEnv names the environment variable holding the key.
	APIKeyEnv string
	// Parallelism bounds the requests in flight to this instance.
	Parallelism int
	// ImagesPerMinute is the account's IPM limit; 0 means no limit.
	ImagesPerMinute int
	// MaxRetries bounds the retries of one transient failure.
	MaxRetries int
	// ResponseFormat is "url" or "b64_json".
	ResponseFormat string
	// MaxImageBytes caps one downloaded or decoded image.
	MaxImageBytes int64
	// TimeoutSeconds bounds one request, headers included.
	TimeoutSeconds int
	// Price is the block's price_per_image and currency, in place of the
	// provider's price card; nil when unset.
	Price     *cost.Override
	DeclRange hcl.Range
}

// Kind is the block type of an asset.
type Kind string

const (
	KindImage    Kind = "image"
	KindImageSet Kind = "image_set"
)

// Asset is one asset instance: an image (one file) or an image set (one
// request returning up to MaxImages files), fully evaluated.
type Asset struct {
	// Addr is "image.hero", `image.season["spring"]`, "image.tile[3]".
	Addr string
	Kind Kind
	// Name is the block label; Key is the instance key ("" without
	// for_each or count; the decimal index with count).
	Name, Key string
	// Provider is the provider instance address; ProviderType its type.
	Provider, ProviderType string
	// Model is the model id as written; "" on the placeholder means any WxH.
	Model string
	// Family is the model's family: known from the id, or stated with
	// model_family for endpoint ids; "" when there is no model.
	Family         seedream.Family
	Prompt         string
	Size           string // as written, "" for the model's default
	Seed           *int64
	GuidanceScale  *float64
	Watermark      bool
	OutputFormat   string // the file format produced: "jpeg" or "png"
	MaxImages      int    // image_set only
	Stream         bool
	OptimizePrompt string
	// Thinking is optimize_prompt_options.thinking; "" sends none.
	Thinking string
	// WebSearch lets the model search the web (5.0 Lite).
	WebSearch  bool
	References []Reference
	// Path (image) is the output file; Dir (image_set) the output folder.
	// Both are clean slash paths relative to Config.OutputDir.
	Path, Dir string
	// Meta is the user's metadata as canonical JSON (null when absent).
	Meta      json.RawMessage
	Lifecycle Lifecycle
	// DependsOn lists the asset instances this one needs first, sorted and
	// unique: those its own evaluated values use (image.base[each.key].file
	// in the instance "a" is image.base["a"] only), and every instance
	// depends_on names.
	DependsOn []string
	// Sensitive names the attributes whose values derive from a sensitive
	// variable, sorted: plans show them as (sensitive value), and the lock
	// keeps only their hash.
	Sensitive []string
	DeclRange hcl.Range
	// SpecHash is "sha256:<hex>" over the fields that change the generated
	// image (see HashInput), upstream assets' content excluded: the plan
	// folds that in once it knows it.
	SpecHash string
}

// Reference is one reference image: exactly one of File, URL or Asset is set.
type Reference struct {
	// File is a slash path relative to the config directory; SHA256 its content hash.
	File, SHA256 string
	URL          string
	// Asset is an upstream asset address: its output file(s) are the references.
	Asset string
}

// Lifecycle is the lifecycle block.
type Lifecycle struct {
	PreventDestroy bool
	// IgnoreChanges names attributes whose changes do not force replacement.
	IgnoreChanges []string
}

// Budget is a max_cost and where the configuration sets it.
type Budget struct {
	cost.Budget
	Range hcl.Range
}

// Moved is a moved block: From's lock entry becomes To's.
type Moved struct {
	From, To  string
	DeclRange hcl.Range
}

// HashInput is what a spec hash covers: exactly the fields that change the
// generated image (DESIGN.md "What changes what"). Path, dir, meta,
// lifecycle and provider settings are left out on purpose. Field order is
// fixed by the struct, so the JSON encoding is canonical.
type HashInput struct {
	ProviderType   string      `json:"provider_type"`
	Model          string      `json:"model,omitempty"`
	Prompt         string      `json:"prompt"`
	Size           string      `json:"size,omitempty"`
	Seed           *int64      `json:"seed,omitempty"`
	GuidanceScale  *float64    `json:"guidance_scale,omitempty"`
	Watermark      bool        `json:"watermark"`
	OutputFormat   string      `json:"output_format"`
	MaxImages      int         `json:"max_images,omitempty"`
	OptimizePrompt string      `json:"optimize_prompt,omitempty"`
	Thinking       string      `json:"thinking,omitempty"`
	WebSearch      bool        `json:"web_search,omitempty"`
	References     []HashedRef `json:"references,omitempty"`
}

// HashedRef is a reference by content: a file's sha256, a URL, or an asset address.
type HashedRef struct {
	SHA256 string `json:"sha256,omitempty"`
	URL    string `json:"url,omitempty"`
	Asset  string `json:"asset,omitempty"`
}

// HashInput returns the fields of a that its spec hash covers. The lock
// keeps it, so that a plan can name the attributes that changed and honour
// ignore_changes.
func (a *Asset) HashInput() HashInput {
	in := HashInput{
		ProviderType: a.ProviderType, Model: a.Model, Prompt: a.Prompt, Size: a.Size,
		Seed: a.Seed, GuidanceScale: a.GuidanceScale, Watermark: a.Watermark,
		OutputFormat: a.OutputFormat, MaxImages: a.MaxImages, OptimizePrompt: a.OptimizePrompt,
		Thinking: a.Thinking, WebSearch: a.WebSearch,
	}
	for _, r := range a.References {
		in.References = append(in.References, HashedRef{SHA256: r.SHA256, URL: r.URL, Asset: r.Asset})
	}
	return in
}

// Hash returns "sha256:<hex>" of the canonical JSON of in.
func (in HashInput) Hash() string {
	b, err := json.Marshal(in)
	if err != nil {
		panic(err) // HashInput holds only strings, numbers and bools
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// redactedPrefix starts a sensitive value as the lock records it.
const redactedPrefix = "(sensitive value) "

// Redact is how the lock records a sensitive value: its sha256 and no
// more, so that a change is still seen and the value never committed.
func Redact(s string) string {
	sum := sha256.Sum256([]byte(s))
	return redactedPrefix + "sha256:" + hex.EncodeToString(sum[:])
}

// IsRedacted reports whether s is a value Redact made.
func IsRedacted(s string) bool { return strings.HasPrefix(s, redactedPrefix) }

// Redacted returns in with the string attributes named in sensitive
// redacted: what the lock keeps. Its Hash differs from in's; the spec
// hash recorded beside it is in's.
func (in HashInput) Redacted(sensitive []string) HashInput {
	for _, name := range sensitive {
		switch name {
		case "model":
			in.Model = Redact(in.Model)
		case "prompt":
			in.Prompt = Redact(in.Prompt)
		case "size":
			in.Size = Redact(in.Size)
		case "optimize_prompt":
			in.OptimizePrompt = Redact(in.OptimizePrompt)
		}
	}
	return in
}
