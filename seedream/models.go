package seedream

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Family names a Seedream model generation. Model ids carry a date suffix
// that changes with each release; the family decides which request fields
// the model accepts.
type Family string

const (
	Seedream30 Family = "seedream-3.0"
	SeedEdit30 Family = "seededit-3.0"
	Seedream40 Family = "seedream-4.0"
	Seedream45 Family = "seedream-4.5"
	Seedream50 Family = "seedream-5.0"
)

// Model is what one model family accepts, from SEEDREAM_API.md's table.
type Model struct {
	Family Family
	// ID is the vendor's dated model id for the family.
	ID string
	// MinRefs and MaxRefs bound the number of reference images (`image`).
	MinRefs, MaxRefs int
	// Presets are the size keywords the model takes, such as "2K".
	Presets []string
	// AdaptiveOnly is true when `size` may only be "adaptive" (seededit).
	AdaptiveOnly bool
	// MinArea and MaxArea bound the pixel area of a WxH size.
	MinArea, MaxArea int
	// DefaultSize is what the API uses when no size is sent.
	DefaultSize string
	// Seed and GuidanceScale tell whether the model takes those fields.
	Seed, GuidanceScale bool
	// DefaultGuidanceScale is the API's default when GuidanceScale is true.
	DefaultGuidanceScale float64
	// Sequential is true when the model can return a group of images.
	Sequential bool
	// Stream is true when the model can answer as server-sent events.
	Stream bool
	// OutputFormats lists the formats the model can be asked for; empty
	// means the model always returns jpeg and takes no output_format field.
	OutputFormats []string
	// OptimizePromptModes lists the accepted optimize_prompt_options.mode values;
	// empty means the field is not accepted.
	OptimizePromptModes []string
}

// Limits shared by every model.
const (
	MaxSequentialImages = 15 // max_images upper bound, and refs + images
	MinSeed             = -1
	MaxSeed             = 2147483647
	MinGuidanceScale    = 1.0
	MaxGuidanceScale    = 10.0
	MaxAspectRatio      = 16.0
)

var models = []Model{
	{
		Family: Seedream30, ID: "doubao-seedream-3-0-t2i-250415",
		MinArea: 512 * 512, MaxArea: 2048 * 2048, DefaultSize: "1024x1024",
		Seed: true, GuidanceScale: true, DefaultGuidanceScale: 2.5,
	},
	{
		Family: SeedEdit30, ID: "doubao-seededit-3-0-i2i-250628",
		MinRefs: 1, MaxRefs: 1, AdaptiveOnly: true, DefaultSize: "adaptive",
		Seed: true, GuidanceScale: true, DefaultGuidanceScale: 5.5,
	},
	{
		Family: Seedream40, ID: "doubao-seedream-4-0-250828",
		MaxRefs: 14, Presets: []string{"1K", "2K", "4K"},
		MinArea: 921600, MaxArea: 16777216, DefaultSize: "2048x2048",
		Sequential: true, Stream: true, OptimizePromptModes: []string{"standard", "fast"},
	},
	{
		Family: Seedream45, ID: "doubao-seedream-4-5-251128",
		MaxRefs: 14, Presets: []string{"2K", "4K"},
		MinArea: 3686400, MaxArea: 16777216, DefaultSize: "2048x2048",
		Sequential: true, Stream: true, OptimizePromptModes: []string{"standard"},
	},
	{
		Family: Seedream50, ID: "doubao-seedream-5-0-260128",
		MaxRefs: 14, Presets: []string{"2K", "3K", "4K"},
		MinArea: 3686400, MaxArea: 16777216, DefaultSize: "2048x2048",
		Sequential: true, Stream: true, OutputFormats: []string{"png", "jpeg"},
		OptimizePromptModes: []string{"standard", "fast"},
	},
}

// relayAliases are the shortened ids OpenAI-style relays use.
var relayAliases = map[string]Family{
	"doubao-seedream-3-0":     Seedream30,
	"doubao-seedream-3-0-t2i": Seedream30,
	"doubao-seededit-3-0":     SeedEdit30,
	"doubao-seededit-3-0-i2i": SeedEdit30,
	"doubao-seedream-4-0":     Seedream40,
	"doubao-seedream-4-5":     Seedream45,
	"doubao-seedream-5-0":     Seedream50,
}

// Families lists every known family, oldest first.
func Families() []Family {
	out := make([]Family, len(models))
	for i, m := range models {
		out[i] = m.Family
	}
	return out
}

// ModelFor returns the rules of a family.
func ModelFor(f Family) (Model, bool) {
	for _, m := range models {
		if m.Family == f {
			return m, true
		}
	}
	return Model{}, false
}

// LookupModel finds the rules for a model id: a vendor id, a relay's
// shortened id, or a dated id of a known family ("doubao-seedream-4-5-260101").
// Endpoint ids ("ep-...") and other unknown ids return false: the caller
// must be told the family.
func LookupModel(id string) (Model, bool) {
	for _, m := range models {
		if m.ID == id {
			return m, true
		}
	}
	if f, ok := relayAliases[id]; ok {
		return ModelFor(f)
	}
	// A newer dated release of a known family: "<alias>-<6 digits>".
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		if f, ok := relayAliases[id[:i]]; ok && isDigits(id[i+1:]) {
			return ModelFor(f)
		}
	}
	return Model{}, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ParseSize reads "WxH" with an ASCII x or a Unicode ×.
func ParseSize(s string) (w, h int, ok bool) {
	s = strings.TrimSpace(s)
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if !found {
		a, b, found = strings.Cut(s, "×")
	}
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(strings.TrimSpace(a))
	h, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}

// presetPixels are the 1:1 pixel sizes of the presets; the API picks the
// aspect ratio from the prompt, so a preset alone is taken as square.
var presetPixels = map[string]int{"1K": 1024, "2K": 2048, "3K": 3072, "4K": 4096}

// Dimensions returns the pixel size a request for size would produce:
// presets map to their 1:1 size, "" to the model's default. It is what an
// offline renderer draws; the real API's answer may differ and wins.
// "adaptive" has no size of its own: ok is false.
func (m Model) Dimensions(size string) (w, h int, ok bool) {
	if size == "" {
		size = m.DefaultSize
	}
	if px, ok := presetPixels[strings.ToUpper(size)]; ok {
		return px, px, true
	}
	return ParseSize(size)
}

// ParamError is a request field a model rejects, named as the API names it.
type ParamError struct {
	Param   string // the request field: "size", "image", "seed", ...
	Message string
}

func (e ParamError) Error() string { return e.Param + ": " + e.Message }

// Params is the part of a request that a model's rules constrain.
type Params struct {
	References int
	Size       string // "" for the model's default
	Seed       *int64
	Guidance   *float64
	// MaxImages > 0 asks for sequential generation of up to MaxImages.
	MaxImages      int
	Stream         bool
	OutputFormat   string // "" for the model's default
	OptimizePrompt string // "" to send none
}

// Check returns every field of p the model would reject, in a stable order.
func (m Model) Check(p Params) []ParamError {
	var errs []ParamError
	add := func(param, format string, args ...any) {
		errs = append(errs, ParamError{param, fmt.Sprintf(format, args...)})
	}
	switch {
	case m.MaxRefs == 0 && p.References > 0:
		add("image", "%s takes no reference images", m.Family)
	case m.MinRefs == m.MaxRefs && p.References != m.MinRefs:
		add("image", "%s takes exactly %d reference image(s), got %d", m.Family, m.MinRefs, p.References)
	case p.References > m.MaxRefs:
		add("image", "%s takes at most %d reference images, got %d", m.Family, m.MaxRefs, p.References)
	}
	if err := m.checkSize(p.Size); err != "" {
		add("size", "%s", err)
	}
	if p.Seed != nil {
		if !m.Seed {
			add("seed", "%s does not take a seed", m.Family)
		} else if *p.Seed < MinSeed || *p.Seed > MaxSeed {
			add("seed", "seed must be in [%d, %d], got %d", MinSeed, MaxSeed, *p.Seed)
		}
	}
	if p.Guidance != nil {
		if !m.GuidanceScale {
			add("guidance_scale", "%s does not take guidance_scale", m.Family)
		} else if *p.Guidance < MinGuidanceScale || *p.Guidance > MaxGuidanceScale {
			add("guidance_scale", "guidance_scale must be in [%g, %g], got %g", MinGuidanceScale, MaxGuidanceScale, *p.Guidance)
		}
	}
	if p.MaxImages != 0 {
		switch {
		case !m.Sequential:
			add("sequential_image_generation", "%s cannot generate image sets", m.Family)
		case p.MaxImages < 1 || p.MaxImages > MaxSequentialImages:
			add("sequential_image_generation_options.max_images", "max_images must be in [1, %d], got %d", MaxSequentialImages, p.MaxImages)
		case p.References+p.MaxImages > MaxSequentialImages:
			add("sequential_image_generation_options.max_images", "reference images plus max_images must be at most %d, got %d + %d", MaxSequentialImages, p.References, p.MaxImages)
		}
	}
	if p.Stream && !m.Stream {
		add("stream", "%s does not stream", m.Family)
	}
	if p.OutputFormat != "" {
		if len(m.OutputFormats) == 0 {
			add("output_format", "%s always returns jpeg and takes no output_format", m.Family)
		} else if !slices.Contains(m.OutputFormats, p.OutputFormat) {
			add("output_format", "output_format must be one of %s, got %q", strings.Join(m.OutputFormats, ", "), p.OutputFormat)
		}
	}
	if p.OptimizePrompt != "" {
		if len(m.OptimizePromptModes) == 0 {
			add("optimize_prompt_options", "%s does not take optimize_prompt_options", m.Family)
		} else if !slices.Contains(m.OptimizePromptModes, p.OptimizePrompt) {
			add("optimize_prompt_options.mode", "%s takes mode %s, got %q", m.Family, strings.Join(m.OptimizePromptModes, " or "), p.OptimizePrompt)
		}
	}
	return errs
}

// checkSize returns why size is rejected, or "".
func (m Model) checkSize(size string) string {
	if size == "" {
		return ""
	}
	if m.AdaptiveOnly {
		if size != "adaptive" {
			return fmt.Sprintf("%s takes only size \"adaptive\", got %q", m.Family, size)
		}
		return ""
	}
	if slices.Contains(m.Presets, size) {
		return ""
	}
	w, h, ok := ParseSize(size)
	if !ok {
		if _, preset := presetPixels[strings.ToUpper(size)]; preset || size == "adaptive" {
			return fmt.Sprintf("%s does not take size %q; it takes %s", m.Family, size, m.sizeHelp())
		}
		return fmt.Sprintf("size must be %s, got %q", m.sizeHelp(), size)
	}
	area := w * h
	if area < m.MinArea || area > m.MaxArea {
		return fmt.Sprintf("%s needs a pixel area in [%d, %d] (%s), got %dx%d = %d",
			m.Family, m.MinArea, m.MaxArea, areaHint(m.MinArea, m.MaxArea), w, h, area)
	}
	ratio := float64(w) / float64(h)
	if ratio > MaxAspectRatio || ratio < 1/MaxAspectRatio {
		return fmt.Sprintf("aspect ratio must lie in [1/16, 16], got %dx%d", w, h)
	}
	return ""
}

func (m Model) sizeHelp() string {
	if len(m.Presets) == 0 {
		return "WxH"
	}
	return "one of " + strings.Join(m.Presets, ", ") + " or WxH"
}

func areaHint(min, max int) string {
	side := func(a int) string {
		for s := 1; s*s <= a; s++ {
			if s*s == a {
				return fmt.Sprintf("%dx%d", s, s)
			}
		}
		return strconv.Itoa(a) + " px"
	}
	return side(min) + " to " + side(max)
}

// NearModelID returns the vendor model id that id is one typo away from
// (a character changed, added, dropped, or two neighbours swapped), or ""
// when there is none or id is itself a known id or relay alias. A dated
// id one digit off a known release ("doubao-seedream-4-5-251129") is
// taken as a newer release by LookupModel, but is more likely a typo the
// API will refuse.
func NearModelID(id string) string {
	if _, alias := relayAliases[id]; alias {
		return ""
	}
	for _, m := range models {
		if m.ID != id && oneTypo(id, m.ID) {
			return m.ID
		}
	}
	return ""
}

// oneTypo reports whether a and b differ by exactly one edit: one
// character substituted, inserted or deleted, or two adjacent ones swapped.
func oneTypo(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch len(b) - len(a) {
	case 0:
		if i == len(a) {
			return false // equal
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		return a[i:] == b[i+1:] // b has one more character at i
	}
	return false
}
