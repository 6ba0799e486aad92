package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/schema"
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
	// RateLimit is the seedform block's rate_limit: how the shards of a
	// sharded apply share each provider's images_per_minute. It is not
	// part of Digest: like a provider's settings it changes no image. Nil
	// without the block.
	RateLimit *RateLimit `json:",omitempty"`
	// SensitiveVars names the variables declared sensitive.
	SensitiveVars []string
	// Digest is "sha256:<hex>" of everything evaluated that a plan depends
	// on (output dir, manifest, providers, every asset's fields, moved
	// blocks), so that a change to the config, a variable value or a
	// reference file changes it; a saved plan records it to detect a
	// changed config. Source ranges are not part of it.
	Digest string

	// outputStats are the Lstats Load made of existing output files.
	outputStats map[string]outputStat
}

// OutputLstat returns what Load's os.Lstat of the output file at rel (a
// slash path under OutputDir) found, when that was a regular file; ok is
// false for any other path. A plan uses it so that each output is asked
// about once per plan, not once by the loader's symlink check and again by
// the planner.
func (c *Config) OutputLstat(rel string) (fi fs.FileInfo, ok bool) {
	st, ok := c.outputStats[rel]
	if !ok {
		return nil, false
	}
	return st.info(rel), true
}

// DropOutputLstats forgets what Load's Lstats found, once a plan has used
// it (14 MB at 100,000 outputs): OutputLstat then finds nothing, and the
// next asks the file system again, which is also more up to date.
func (c *Config) DropOutputLstats() { c.outputStats = nil }

// Asset looks up an asset instance by address.
func (c *Config) Asset(addr string) *Asset {
	// Load sorts Assets by address, so a binary search finds it without
	// an index (a map of 100,000 addresses held 4 MB). A hit is checked,
	// so a Config edited or made by hand out of order is searched in
	// order instead.
	cmp := func(a *Asset, addr string) int { return strings.Compare(a.Addr, addr) }
	if i, ok := slices.BinarySearchFunc(c.Assets, addr, cmp); ok {
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

// Provider is one provider block: a type and an optional alias.
type Provider struct {
	// Type is the provider type's name, the block's label.
	Type  string
	Alias string
	// Addr is TYPE or TYPE.ALIAS.
	Addr string
	// Parallelism bounds the requests in flight to this instance.
	Parallelism int
	// Settings are the type's own settings, defaults filled in, in the
	// order its schema declares them.
	Settings schema.Values
	// Price is the block's price_per_image and currency, in place of the
	// provider type's price card; nil when unset.
	Price     *cost.Override
	DeclRange hcl.Range

	schema *schema.Schema
	typ    schema.Type
}

// RateLimit is the seedform block's rate_limit block.
type RateLimit struct {
	// RedisURL is the Redis the shards share their budgets through.
	RedisURL string
}

// Kind is the block type of an asset.
type Kind = schema.Kind

// The asset kinds.
const (
	KindImage    = schema.KindImage
	KindImageSet = schema.KindImageSet
)

// Asset is one asset instance: an image (one file) or an image set (one
// request returning up to MaxImages files), fully evaluated.
type Asset struct {
	// Common holds the fields the instance shares with others of its
	// block; they read as the Asset's own (a.ProviderType).
	*Common
	// Addr is "image.hero", `image.season["spring"]`, "image.tile[3]".
	Addr string
	// Key is the instance key ("" without for_each or count; the decimal
	// index with count).
	Key    string
	Prompt string
	// MaxImages is the image set's max_images; 0 for an image.
	MaxImages int
	// Attrs are the provider type's own attributes (size, seed, ...),
	// defaults filled in, in the order its schema declares them.
	Attrs      schema.Values
	References []Reference
	// Path (image) is the output file; Dir (image_set) the output folder.
	// Both are clean slash paths relative to Config.OutputDir.
	Path, Dir string
	// Meta is the user's metadata as canonical JSON (null when absent).
	Meta json.RawMessage
	// DependsOn lists the asset instances this one needs first, sorted and
	// unique: those its own evaluated values use (image.base[each.key].file
	// in the instance "a" is image.base["a"] only), and every instance
	// depends_on names.
	DependsOn []string
	// Sensitive names the attributes whose values derive from a sensitive
	// variable, sorted: plans show them as (sensitive value), and the lock
	// keeps only their hash.
	Sensitive []string
	// SpecHash is "sha256:<hex>" over the fields that change the generated
	// image (see HashInput), upstream assets' content excluded: the plan
	// folds that in once it knows it.
	SpecHash string
}

// Common is what the instances of one block share when their model,
// output format and price key are the same, as they are for most blocks:
// Load keeps one for all of them rather than these 200 bytes per instance
// (a for_each over 100,000 keys). Several assets may point to one Common,
// so it must not be modified through an asset Load returned.
type Common struct {
	Kind Kind
	// Name is the block label.
	Name string
	// Provider is the provider instance address; ProviderType its type.
	Provider, ProviderType string
	// Model is the model id as written; "" when none is.
	Model string
	// OutputFormat is the file format produced: "jpeg", "png", ...
	OutputFormat string
	// PriceKey is the rate on the provider type's price card that prices
	// one image of the asset (schema.Rules.PriceKey); "" when unknown.
	PriceKey  string
	Lifecycle Lifecycle
	DeclRange hcl.Range
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

// HashedRef is a reference by content, as a request holds it: a file's
// sha256, a URL, or an asset address.
type HashedRef struct {
	SHA256 string `json:"sha256,omitempty"`
	URL    string `json:"url,omitempty"`
	Asset  string `json:"asset,omitempty"`
}

// Request returns what a's spec hash covers: its provider type's request
// attributes (the ones that change the generated image, DESIGN.md "What
// changes what"), in the type's order after provider_type. Path, dir,
// meta, lifecycle and provider settings are left out on purpose. The lock
// keeps it, so that a plan can name the attributes that changed and honour
// ignore_changes.
func (a *Asset) Request() schema.Values {
	var names []string
	if t, ok := schema.Lookup(a.ProviderType); ok {
		names = t.Schema().Request
	}
	req := schema.NewBuilder(min(len(names)+1, 8)) // most attributes are unset
	set := func(name string, x any) {
		if err := req.Set(name, x); err != nil {
			panic(err) // strings, numbers, bools and references always encode
		}
	}
	set(schema.AttrProviderType, a.ProviderType)
	for _, name := range names {
		switch name {
		case schema.AttrModel:
			if a.Model != "" {
				set(name, a.Model)
			}
		case schema.AttrPrompt:
			set(name, a.Prompt)
		case schema.AttrOutputFormat:
			set(name, a.OutputFormat)
		case schema.AttrMaxImages:
			if a.MaxImages != 0 {
				set(name, a.MaxImages)
			}
		case schema.AttrReferences:
			if len(a.References) > 0 {
				refs := make([]HashedRef, len(a.References))
				for i, r := range a.References {
					refs[i] = HashedRef{SHA256: r.SHA256, URL: r.URL, Asset: r.Asset}
				}
				set(name, refs)
			}
		default:
			if raw, ok := a.Attrs.Get(name); ok {
				req.SetRaw(name, raw)
			}
		}
	}
	return req.Values()
}

// ForProvider is what a's provider is asked to make.
func (a *Asset) ForProvider() *schema.Asset {
	return &schema.Asset{Addr: a.Addr, Kind: a.Kind, Model: a.Model, Prompt: a.Prompt,
		OutputFormat: a.OutputFormat, MaxImages: a.MaxImages, Attrs: a.Attrs}
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

// Recorded is what the lock keeps of a's request: Request with the string
// attributes derived from a sensitive variable replaced by Redact. Its
// hash differs from SpecHash; the spec hash recorded beside it is a's.
func (a *Asset) Recorded() schema.Values {
	return RedactRequest(a.Request(), a.Sensitive)
}

// RedactRequest returns req with the string attributes named in
// sensitive redacted, and the URLs of sensitive references.
func RedactRequest(req schema.Values, sensitive []string) schema.Values {
	for _, name := range sensitive {
		var refs []HashedRef
		if ok, err := req.Decode(name, &refs); name == schema.AttrReferences && ok && err == nil {
			for i, r := range refs {
				if r.URL != "" && !IsRedacted(r.URL) {
					refs[i].URL = Redact(r.URL)
				}
			}
			if err := req.Set(name, refs); err != nil {
				panic(err) // references always encode
			}
			continue
		}
		if v, ok := req.String(name); ok && !IsRedacted(v) {
			if err := req.Set(name, Redact(v)); err != nil {
				panic(err) // a string always encodes
			}
		}
	}
	return req
}
