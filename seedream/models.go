package seedream

import (
	"fmt"
	"net/url"
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
	// Seedream50 is 5.0 Lite, the first 5.0 model, which kept the name.
	Seedream50    Family = "seedream-5.0"
	Seedream50Pro Family = "seedream-5.0-pro"
)

// Model is what one model family accepts, from SEEDREAM_API.md's table.
type Model struct {
	Family Family
	// Name is what people call the family: "Seedream 5.0 Lite".
	Name string
	// ID is the vendor's dated model id for the family (Volcengine's).
	ID string
	// OtherIDs are the family's other full ids: an alias on Volcengine
	// and the ids BytePlus gives the same model.
	OtherIDs []string
	// ShortIDs are the undated ids relays use ("doubao-seedream-4-5"),
	// which are also the stems of newer dated releases.
	ShortIDs []string
	// Retired is true when the vendor no longer serves the family;
	// relays may.
	Retired bool
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
	// WebSearch is true when the model takes tools [{"type":"web_search"}].
	WebSearch bool
	// RefMaxAspect bounds a reference image's aspect ratio to
	// [1/RefMaxAspect, RefMaxAspect]; 0 means MaxAspectRatio.
	RefMaxAspect float64
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
		Family: Seedream30, Name: "Seedream 3.0", ID: "doubao-seedream-3-0-t2i-250415",
		OtherIDs: []string{"seedream-3-0-t2i-250415"},
		ShortIDs: []string{"doubao-seedream-3-0-t2i", "doubao-seedream-3-0", "seedream-3-0-t2i"}, Retired: true,
		MinArea: 512 * 512, MaxArea: 2048 * 2048, DefaultSize: "1024x1024",
		Seed: true, GuidanceScale: true, DefaultGuidanceScale: 2.5,
	},
	{
		Family: SeedEdit30, Name: "SeedEdit 3.0", ID: "doubao-seededit-3-0-i2i-250628",
		OtherIDs: []string{"seededit-3-0-i2i-250628"},
		ShortIDs: []string{"doubao-seededit-3-0-i2i", "doubao-seededit-3-0", "seededit-3-0-i2i"}, Retired: true,
		MinRefs: 1, MaxRefs: 1, RefMaxAspect: 3, AdaptiveOnly: true, DefaultSize: "adaptive",
		Seed: true, GuidanceScale: true, DefaultGuidanceScale: 5.5,
	},
	{
		Family: Seedream40, Name: "Seedream 4.0", ID: "doubao-seedream-4-0-250828",
		OtherIDs: []string{"seedream-4-0-250828"},
		ShortIDs: []string{"doubao-seedream-4-0", "seedream-4-0"},
		MaxRefs:  14, Presets: []string{"1K", "2K", "4K"},
		MinArea: 921600, MaxArea: 16777216, DefaultSize: "2048x2048",
		Sequential: true, Stream: true, OptimizePromptModes: []string{"standard", "fast"},
	},
	{
		Family: Seedream45, Name: "Seedream 4.5", ID: "doubao-seedream-4-5-251128",
		OtherIDs: []string{"seedream-4-5-251128"},
		ShortIDs: []string{"doubao-seedream-4-5", "seedream-4-5"},
		MaxRefs:  14, Presets: []string{"2K", "4K"},
		MinArea: 3686400, MaxArea: 16777216, DefaultSize: "2048x2048",
		Sequential: true, Stream: true, OptimizePromptModes: []string{"standard"},
	},
	{
		Family: Seedream50, Name: "Seedream 5.0 Lite", ID: "doubao-seedream-5-0-260128",
		OtherIDs: []string{"doubao-seedream-5-0-lite-260128", "seedream-5-0-260128", "seedream-5-0-lite-260128"},
		ShortIDs: []string{"doubao-seedream-5-0", "doubao-seedream-5-0-lite", "seedream-5-0", "seedream-5-0-lite"},
		MaxRefs:  14, Presets: []string{"2K", "3K", "4K"},
		MinArea: 3686400, MaxArea: 16777216, DefaultSize: "2048x2048",
		Sequential: true, Stream: true, OutputFormats: []string{"png", "jpeg"},
		OptimizePromptModes: []string{"standard"}, WebSearch: true,
	},
	{
		Family: Seedream50Pro, Name: "Seedream 5.0 Pro", ID: "doubao-seedream-5-0-pro-260628",
		OtherIDs: []string{"dola-seedream-5-0-pro-260628"},
		ShortIDs: []string{"doubao-seedream-5-0-pro", "dola-seedream-5-0-pro", "seedream-5-0-pro"},
		MaxRefs:  10, Presets: []string{"1K", "1.5K", "2K"},
		MinArea: 921600, MaxArea: 4624220, DefaultSize: "2048x2048",
		OutputFormats: []string{"png", "jpeg"}, OptimizePromptModes: []string{"standard"},
	},
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

// LookupModel finds the rules for a model id: a vendor id (Volcengine's
// or BytePlus's), a relay's shortened id, or a dated release of a known
// family ("doubao-seedream-4-5-260101", "seedream-4-0-20260415").
// Endpoint ids ("ep-...") and other unknown ids return false: the caller
// must be told the family.
func LookupModel(id string) (Model, bool) {
	m, _, ok := lookup(id)
	return m, ok
}

// lookup also says whether id is a short, undated id.
func lookup(id string) (m Model, short, ok bool) {
	for _, m := range models {
		if m.ID == id || slices.Contains(m.OtherIDs, id) {
			return m, false, true
		}
	}
	for _, m := range models {
		if slices.Contains(m.ShortIDs, id) {
			return m, true, true
		}
	}
	// A newer dated release of a known family: "<short id>-<6 or 8 digits>".
	if i := strings.LastIndexByte(id, '-'); i > 0 && isDigits(id[i+1:]) && (len(id)-i-1 == 6 || len(id)-i-1 == 8) {
		for _, m := range models {
			if slices.Contains(m.ShortIDs, id[:i]) {
				return m, false, true
			}
		}
	}
	return Model{}, false, false
}

// vendorHosts are the domains of the vendor's own API (Volcengine and
// BytePlus ModelArk); any other host is a relay.
var vendorHosts = []string{"volces.com", "bytepluses.com"}

// euWestHost serves 5.0 Lite only.
const euWestHost = "ark.eu-west.bytepluses.com"

// VendorWarnings says what the vendor's own API would refuse of a model
// id that a relay may serve: a retired family, a short id (a 404 on the
// vendor), a family a region does not serve. An unknown id, or a base
// URL that is not the vendor's, gets none.
func VendorWarnings(id, baseURL string) []string {
	m, short, ok := lookup(id)
	u, err := url.Parse(baseURL)
	if !ok || err != nil {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	vendor := slices.ContainsFunc(vendorHosts, func(d string) bool { return host == d || strings.HasSuffix(host, "."+d) })
	if !vendor {
		return nil
	}
	var warns []string
	if m.Retired {
		warns = append(warns, fmt.Sprintf("%s is listed as shut down on the vendor's API (%s); only relays may still serve it. Move to a current model such as %q.",
			m.Name, host, mustModel(Seedream45).ID))
	}
	if short {
		warns = append(warns, fmt.Sprintf("%q is a relay's short name: the vendor's API (%s) answers it with 404. Use the dated id %q.", id, host, m.ID))
	}
	if host == euWestHost && m.Family != Seedream50 {
		warns = append(warns, fmt.Sprintf("%s serves %s only, not %s.", host, mustModel(Seedream50).Name, m.Name))
	}
	return warns
}

func mustModel(f Family) Model {
	m, ok := ModelFor(f)
	if !ok {
		panic("seedream: no model for family " + string(f))
	}
	return m
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
var presetPixels = map[string]int{"1K": 1024, "1.5K": 1536, "2K": 2048, "3K": 3072, "4K": 4096}

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
	// Thinking is optimize_prompt_options.thinking; "" sends none.
	Thinking  string
	WebSearch bool
}

// ThinkingModes are the values optimize_prompt_options.thinking takes.
var ThinkingModes = []string{"auto", "enabled", "disabled"}

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
	if p.Thinking != "" {
		if len(m.OptimizePromptModes) == 0 {
			add("optimize_prompt_options.thinking", "%s does not take optimize_prompt_options", m.Family)
		} else if !slices.Contains(ThinkingModes, p.Thinking) {
			add("optimize_prompt_options.thinking", "thinking must be one of %s, got %q", strings.Join(ThinkingModes, ", "), p.Thinking)
		}
	}
	if p.WebSearch && !m.WebSearch {
		add("tools", "%s does not take web search; only %s does", m.Family, mustModel(Seedream50).Name)
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
	if _, short, ok := lookup(id); ok && (short || isFullID(id)) {
		return ""
	}
	for _, m := range models {
		for _, full := range append([]string{m.ID}, m.OtherIDs...) {
			if oneTypo(id, full) {
				return full
			}
		}
	}
	return ""
}

// isFullID reports whether id is a full id the table lists.
func isFullID(id string) bool {
	for _, m := range models {
		if m.ID == id || slices.Contains(m.OtherIDs, id) {
			return true
		}
	}
	return false
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
