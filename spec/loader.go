package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// ConfigSuffix is the file name suffix of configuration files.
const ConfigSuffix = ".sf.hcl"

// Options are the command-line inputs that change how a configuration evaluates.
type Options struct {
	// VarArgs are the -var and -var-file options in command-line order,
	// the later winning. When nil, VarFiles are applied, then Vars.
	VarArgs []VarArg
	// Vars are "-var name=value" options in command-line order.
	Vars []string
	// VarFiles are "-var-file" paths, relative to the config dir or absolute.
	VarFiles []string
	// Env is os.Environ()-style "K=V"; SEEDFORM_VAR_<name> is read from it.
	Env []string
}

// VarArg is one -var (Value is "name=value") or -var-file (Value is a path).
type VarArg struct {
	File  bool   `json:"file,omitempty"`
	Value string `json:"value"`
}

// commandLine returns the -var and -var-file options in the order they
// apply.
func (o Options) commandLine() []VarArg {
	if o.VarArgs != nil {
		return o.VarArgs
	}
	args := make([]VarArg, 0, len(o.VarFiles)+len(o.Vars))
	for _, f := range o.VarFiles {
		args = append(args, VarArg{File: true, Value: f})
	}
	for _, v := range o.Vars {
		args = append(args, VarArg{Value: v})
	}
	return args
}

// Loader reads configuration directories. It keeps every file it parsed so
// that diagnostics can be rendered with source snippets.
type Loader struct {
	parser *hclparse.Parser
}

// NewLoader returns a Loader with an empty file cache.
func NewLoader() *Loader {
	return &Loader{parser: hclparse.NewParser()}
}

// Files returns every file parsed so far, keyed by the file name used in
// diagnostic ranges; pass it to hcl.NewDiagnosticTextWriter.
func (l *Loader) Files() map[string]*hcl.File {
	return l.parser.Files()
}

// Load reads, evaluates and validates the configuration in dir. It returns
// a nil Config only when the diagnostics hold an error; warnings may
// accompany a good Config.
func (l *Loader) Load(dir string, opts Options) (*Config, hcl.Diagnostics) {
	s := newLoadState(l.parser, dir)
	cfg := s.load(opts)
	diags := terraformWording(s.redact(dedupe(s.diags)))
	if diags.HasErrors() {
		return nil, diags
	}
	return cfg, diags
}

// dedupe drops repeated diagnostics: an attribute of a block with
// for_each or count is evaluated once per instance, and the same mistake
// should be reported once, not 10,000 times.
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		severity        hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	seen := make(map[key]bool, len(diags))
	out := diags[:0]
	for _, d := range diags {
		k := key{severity: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.subject = *d.Subject
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// loadState is everything one Load call accumulates.
type loadState struct {
	parser *hclparse.Parser
	dir    string // as given
	absDir string // for abspath and reference files
	diags  hcl.Diagnostics
	// unknowns counts evaluations that gave an unknown value: the trace
	// of an error reported elsewhere, which makes the asset unusable.
	unknowns int

	funcs     map[string]function.Function
	variables map[string]*variable
	varOrder  []string
	locals    map[string]*hcl.Attribute
	// sensitiveStrings are renderings of sensitive values, removed from
	// every diagnostic's text before it is returned.
	sensitiveStrings []string

	baseCtx   *hcl.EvalContext // var, local and functions
	settings  *hcl.Block       // the seedform block, if any
	providers []*Provider
	provByAdr map[string]*Provider
	defProv   *Provider
	blocks    []*assetBlock
	blockIdx  map[string]*assetBlock // "image.NAME" / "image_set.NAME"
	movedBlks []*hcl.Block

	outputDir, manifest string
	outputStats         map[string]outputStat // see Config.OutputLstat
	maxCost             *Budget
	rateLimit           *RateLimit
	// outputPaths maps each output path or set dir (relative to the config
	// dir) to its asset address; outputOwner is the reverse.
	outputPaths, outputOwner map[string]string
	fileHashes               map[string]fileHash
	// everyAsset builds the value of every asset, referenced or not, for
	// the console.
	everyAsset bool
	// refImages holds what each reference file sent to an API is, by
	// provider type and path relative to the config dir.
	refImages   map[refImageKey]refImage
	valueCache  map[*hcl.Attribute]cty.Value
	perInstance map[*hcl.Attribute]bool
	// canonCache holds the canonical JSON of the provider type's own
	// attributes whose value is the same in every instance (see
	// canonical), and of the defaults of a block's type.
	canonCache map[*hcl.Attribute]json.RawMessage
	defaults   map[defaultKey]json.RawMessage
	// evaluating is the instance whose dynamic attributes are being
	// evaluated: attrValue notes their marks on it.
	evaluating *instance
}

type fileHash struct {
	sum string
	err error
}

func newLoadState(p *hclparse.Parser, dir string) *loadState {
	s := &loadState{
		parser:      p,
		dir:         dir,
		variables:   map[string]*variable{},
		provByAdr:   map[string]*Provider{},
		blockIdx:    map[string]*assetBlock{},
		fileHashes:  map[string]fileHash{},
		refImages:   map[refImageKey]refImage{},
		valueCache:  map[*hcl.Attribute]cty.Value{},
		perInstance: map[*hcl.Attribute]bool{},
		canonCache:  map[*hcl.Attribute]json.RawMessage{},
		defaults:    map[defaultKey]json.RawMessage{},
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	s.absDir = abs
	s.funcs = s.functions()
	return s
}

func (s *loadState) add(diags hcl.Diagnostics) {
	s.diags = append(s.diags, diags...)
}

func (s *loadState) errorf(subject *hcl.Range, summary, format string, args ...any) {
	s.errorfIn(subject, nil, summary, format, args...)
}

// errorfIn is errorf with the construct around subject (an attribute) as
// the diagnostic's context.
func (s *loadState) errorfIn(subject, context *hcl.Range, summary, format string, args ...any) {
	s.diags = append(s.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject,
		Context:  context,
	})
}

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "seedform"},
		{Type: "provider", LabelNames: []string{"type"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "image", LabelNames: []string{"name"}},
		{Type: "image_set", LabelNames: []string{"name"}},
		{Type: "moved"},
	},
}

// load runs the phases in order; each phase skips what an earlier error
// made meaningless, so that one mistake gives one diagnostic.
func (s *loadState) load(opts Options) *Config {
	files := s.parseConfigFiles()
	if s.diags.HasErrors() {
		return nil
	}
	var providerBlocks, variableBlocks, localsBlocks []*hcl.Block
	for _, f := range files {
		content, diags := f.Body.Content(rootSchema)
		s.add(diags)
		for _, b := range content.Blocks {
			switch b.Type {
			case "seedform":
				if s.settings != nil {
					s.errorf(b.DefRange.Ptr(), "Duplicate seedform block",
						"Only one seedform block is allowed; another is at %s.", s.settings.DefRange)
					continue
				}
				s.settings = b
			case "provider":
				providerBlocks = append(providerBlocks, b)
			case "variable":
				variableBlocks = append(variableBlocks, b)
			case "locals":
				localsBlocks = append(localsBlocks, b)
			case "image", "image_set":
				s.declareAssetBlock(b)
			case "moved":
				s.movedBlks = append(s.movedBlks, b)
			}
		}
	}
	s.decodeVariables(variableBlocks)
	s.assignVariableValues(opts)
	s.validateVariables()
	s.baseCtx = &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": s.varsObject(), "path": s.pathObject()},
		Functions: s.funcs,
	}
	s.evalLocals(localsBlocks)
	s.checkVariableValidations()
	s.decodeSettings()
	s.decodeProviders(providerBlocks)
	assets := s.evalAssets()
	moved := s.decodeMoved()
	if s.diags.HasErrors() {
		return nil
	}
	cfg := &Config{
		Dir:       s.dir,
		OutputDir: s.outputDir,
		Manifest:  s.manifest,
		MaxCost:   s.maxCost,
		Providers: s.providers,
		RateLimit: s.rateLimit,
		Assets:    assets,
		Moved:     moved,

		outputStats: s.outputStats,
	}
	for _, name := range s.varOrder {
		if s.variables[name].sensitive {
			cfg.SensitiveVars = append(cfg.SensitiveVars, name)
		}
	}
	cfg.Digest = digest(cfg)
	return cfg
}

// pathObject is the value of `path`. As with Terraform run with -chdir,
// path.module and path.root are "." (the configuration directory, from
// which relative paths are taken) and path.cwd is its absolute path.
func (s *loadState) pathObject() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal("."),
		"root":   cty.StringVal("."),
		"cwd":    cty.StringVal(filepath.ToSlash(s.absDir)),
	})
}

// parseConfigFiles parses every *.sf.hcl file of the directory in name order.
func (s *loadState) parseConfigFiles() []*hcl.File {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		s.errorf(nil, "Cannot read configuration directory", "%s", err)
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ConfigSuffix) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		s.errorf(nil, "No configuration files",
			"The directory %s holds no *%s files.", s.dir, ConfigSuffix)
		return nil
	}
	files := make([]*hcl.File, 0, len(names))
	for _, name := range names {
		f, diags := s.parser.ParseHCLFile(filepath.Join(s.dir, name))
		s.add(diags)
		if f != nil {
			s.redactSecrets(f)
			files = append(files, f)
		}
	}
	return files
}

var settingsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "output_dir"}, {Name: "manifest"}, {Name: "max_cost"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "rate_limit"}},
}

var rateLimitSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "redis_url", Required: true}},
}

// decodeSettings reads the seedform block: where outputs and the manifest go.
func (s *loadState) decodeSettings() {
	s.outputDir = "."
	var manifestAttr *hcl.Attribute
	if s.settings != nil {
		content, diags := s.settings.Body.Content(settingsSchema)
		s.add(diags)
		if a := content.Attributes["output_dir"]; a != nil {
			if v, ok := s.evalString(a, s.baseCtx); ok {
				p, problem := cleanRelPath(v, true)
				if problem != "" {
					s.errorf(a.Expr.Range().Ptr(), "Invalid output_dir", "The output directory %q %s; it must stay inside the configuration directory.", v, problem)
				} else if problem := newTreeChecker(s.absDir).checkDir(p); problem != "" {
					s.errorf(a.Expr.Range().Ptr(), "Invalid output_dir", "The output directory %q %s.", v, problem)
				} else {
					s.outputDir = p
				}
			}
		}
		manifestAttr = content.Attributes["manifest"]
		if a := content.Attributes["max_cost"]; a != nil {
			s.decodeMaxCost(a)
		}
		s.decodeRateLimit(content.Blocks)
	}
	s.manifest = joinSlash(s.outputDir, "manifest.json")
	if manifestAttr == nil {
		return
	}
	v, ok := s.evalString(manifestAttr, s.baseCtx)
	if !ok {
		return
	}
	rng := manifestAttr.Expr.Range().Ptr()
	p, problem := cleanRelPath(v, false)
	if problem != "" {
		s.errorf(rng, "Invalid manifest path", "The manifest path %q %s; it must stay inside the configuration directory.", v, problem)
		return
	}
	if problem := newTreeChecker(s.absDir).check(p); problem != "" {
		s.errorf(rng, "Invalid manifest path", "The manifest path %q %s.", v, problem)
		return
	}
	s.manifest = p
}

// decodeRateLimit reads the seedform block's rate_limit block: the Redis
// through which the shards of a sharded apply share one rate limit.
func (s *loadState) decodeRateLimit(blocks hcl.Blocks) {
	for i, b := range blocks {
		if i > 0 {
			s.errorf(b.DefRange.Ptr(), "Duplicate rate_limit block", "The seedform block takes one rate_limit block; the first is at %s.", blocks[0].DefRange)
			continue
		}
		content, diags := b.Body.Content(rateLimitSchema)
		s.add(diags)
		if a := content.Attributes["redis_url"]; a != nil {
			if v, ok := s.evalString(a, s.baseCtx); ok {
				if !strings.HasPrefix(v, "redis://") && !strings.HasPrefix(v, "rediss://") {
					s.errorf(a.Expr.Range().Ptr(), "Invalid redis_url", "redis_url must be a redis:// or rediss:// URL, as redis://127.0.0.1:6379/0.")
				} else {
					s.rateLimit = &RateLimit{RedisURL: v}
				}
			}
		}
	}
}
