package schema

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/seedform/seedform/cost"
)

// Kind is the block type of an asset.
type Kind string

// The asset kinds.
const (
	KindImage    Kind = "image"
	KindImageSet Kind = "image_set"
)

// Shared asset arguments that a provider type's Request lists to place
// them in its request. The core decodes and checks them; a type never
// declares them as its own Attributes.
const (
	AttrModel        = "model"
	AttrPrompt       = "prompt"
	AttrOutputFormat = "output_format"
	AttrMaxImages    = "max_images"
	AttrReferences   = "references"
	// AttrProviderType is the request's first member: the type's name.
	AttrProviderType = "provider_type"
)

// Type is one provider type: what it is (Schema) and how it judges an
// asset before any request is sent.
type Type interface {
	Schema() *Schema
	// ResolveModel returns the rules for an asset's model, given the
	// model id ("" when none is written), the asset's static attributes
	// (those marked Static) and its provider block's settings (a model
	// may be served by a relay but retired at the vendor). Problems are
	// reported against the attribute they name. Rules is nil only with
	// an error problem.
	ResolveModel(model string, static, settings Values) (Rules, []Problem)
}

// Rules are one model's capabilities as its provider type knows them.
type Rules interface {
	// Name is how messages call the model: "seedream-4.5", "gpt-image-1".
	Name() string
	// OutputFormats are the file formats it can produce, the default first.
	OutputFormats() []string
	// Check checks an asset against the model's capabilities, offline.
	// It may set attributes the request must hold that the user left out
	// (a default size), in req.Attrs.
	Check(req *Check) []Problem
	// PriceKey names the rate on the provider type's price card that
	// prices one image of the asset: the model's family for a price per
	// model, more for a price that depends on quality and size. "" is an
	// unknown price, never a free one.
	PriceKey(req *Check) string
}

// Check is what Rules.Check judges.
type Check struct {
	// Addr is the asset's address, for messages.
	Addr  string
	Kind  Kind
	Model string
	// MaxImages is the set's ceiling; 0 for an image.
	MaxImages int
	// References counts the reference images the request will carry: an
	// upstream set counts as many as it may return.
	References int
	// URLs are the references given as URLs; Files the local reference
	// files, as the type's ReferenceProber read them (none when it reads
	// none). Upstream assets' outputs do not exist yet.
	URLs  []string
	Files []ReferenceFile
	// Prompt is the asset's prompt, for limits on a request's size.
	Prompt string
	// OutputFormat is the format written; ExplicitFormat says whether the
	// user wrote output_format.
	OutputFormat   string
	ExplicitFormat bool
	// Attrs are the type's own attributes, evaluated.
	Attrs *Values
}

// ReferenceProber is implemented by a type that sends local reference
// files to an API with limits of its own: each file is read once, before
// any request, and what it is goes to Rules.Check in Check.Files. An
// error refuses the file; it says why and what the API takes.
type ReferenceProber interface {
	ProbeReference(path string) (ReferenceFile, error)
}

// ReferenceFile is what a type learned of a local reference file.
type ReferenceFile struct {
	// Path is the file's slash path relative to the config directory.
	Path string
	// Format is the image format ("png", "jpeg", ...); Width and Height
	// are 0 when the file does not state them where the prober reads.
	Format        string
	Width, Height int
	Bytes         int64
}

// Problem is one finding about an asset's attributes.
type Problem struct {
	// Attr is the attribute at fault; "" means the block as a whole.
	Attr            string
	Summary, Detail string
	Warning         bool
}

// Attribute is one asset attribute of a provider type's own.
type Attribute struct {
	Name string
	// Type is cty.String, cty.Number or cty.Bool.
	Type cty.Type
	// Integer restricts a number to whole values.
	Integer bool
	// Default is the value when the attribute is not written; cty.NilVal
	// leaves it unset.
	Default cty.Value
	// Static attributes decide the model's rules; they are evaluated
	// before any asset's output is known and may not refer to assets.
	Static bool
	// OneOf lists the only values a string takes, when not empty.
	OneOf []string
	// File makes a string a path, relative to the configuration
	// directory, of a file the request sends (a mask). Its value is a
	// FileValue: the file's content, by its sha256, is what the request
	// hashes, so that editing the file forces a new image.
	File bool
}

// FileValue is the value of a File attribute.
type FileValue struct {
	// File is the slash path relative to the configuration directory.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Setting is one attribute of the provider block beyond alias and
// parallelism, which every type takes.
type Setting struct {
	Name    string
	Type    cty.Type
	Integer bool
	// Min bounds a number from below.
	Min int64
	// OneOf lists the only values a string takes, when not empty.
	OneOf []string
	// Default is the value when the setting is not written; cty.NilVal
	// leaves it unset.
	Default cty.Value
}

// Schema is what a provider type is, as data.
type Schema struct {
	// Name is the provider block's label: provider "NAME" {}.
	Name string
	// SpecVersion is the version of the request attribute map the lock
	// stores for this type; it grows when the meaning of a stored request
	// changes, so that an older seedform refuses what it cannot read.
	SpecVersion int
	// Preferred makes the type the implicit provider of a configuration
	// that declares none, and the default among unaliased blocks.
	Preferred bool
	// Parallelism is the default number of requests in flight.
	Parallelism int
	// Settings are the provider block's own attributes.
	Settings []Setting
	// Attributes are the asset attributes of the type's own.
	Attributes []Attribute
	// Request lists, in order, the attributes whose change forces a new
	// image: the request that is hashed, stored in the lock and diffed in
	// a plan. It may name shared arguments (AttrModel, ...).
	Request []string
	// URLLifetime is how long image URLs in its answers stay valid; 0
	// when its answers hold no URLs.
	URLLifetime time.Duration
	// PriceCard is the type's price list, keyed by Rules.PriceKey; nil
	// when it has none, and every price is unknown. A provider block's
	// price_per_image overrides it.
	PriceCard *cost.Card
}

// Attribute looks up one of the type's own asset attributes.
func (s *Schema) Attribute(name string) (Attribute, bool) {
	for _, a := range s.Attributes {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

// ForcesNew reports whether a change of the attribute forces a new image.
func (s *Schema) ForcesNew(name string) bool {
	for _, n := range s.Request {
		if n == name {
			return true
		}
	}
	return false
}

var registry = struct {
	sync.RWMutex
	types map[string]Type
}{types: map[string]Type{}}

// Register makes a provider type known by its Schema().Name. Registering
// a name twice, or a schema whose Request names an attribute it does not
// take, panics: it is a programming error found by any test.
func Register(t Type) {
	s := t.Schema()
	for _, n := range s.Request {
		switch n {
		case AttrModel, AttrPrompt, AttrOutputFormat, AttrMaxImages, AttrReferences:
			continue
		}
		if _, ok := s.Attribute(n); !ok {
			panic(fmt.Sprintf("schema: provider type %q lists %q in its request but does not take it", s.Name, n))
		}
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.types[s.Name]; dup {
		panic(fmt.Sprintf("schema: provider type %q registered twice", s.Name))
	}
	registry.types[s.Name] = t
}

// Lookup returns a registered provider type.
func Lookup(name string) (Type, bool) {
	registry.RLock()
	defer registry.RUnlock()
	t, ok := registry.types[name]
	return t, ok
}

// Names returns the registered type names, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.types))
	for n := range registry.types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Asset is what a provider is asked to make: the shared arguments, the
// type's own attributes, and the request they form.
type Asset struct {
	// Addr is the asset's address, for messages and labels.
	Addr  string
	Kind  Kind
	Model string
	// Prompt is the text the model is given.
	Prompt string
	// OutputFormat is the file format to write: "png", "jpeg", ...
	OutputFormat string
	// MaxImages is an image set's ceiling; 0 for an image.
	MaxImages int
	// Attrs are the type's own attributes, defaults filled in.
	Attrs Values
}
