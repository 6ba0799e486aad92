package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// writeConfig writes files (name -> content) into a new temp dir.
func writeConfig(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustLoad(t *testing.T, dir string, opts Options) *Config {
	t.Helper()
	cfg, diags := NewLoader().Load(dir, opts)
	if diags.HasErrors() {
		t.Fatalf("Load: %s", diags.Errs())
	}
	return cfg
}

func hashes(cfg *Config) map[string]string {
	m := map[string]string{}
	for _, a := range cfg.Assets {
		m[a.Addr] = a.SpecHash
	}
	return m
}

const baseConfig = `
provider "placeholder" {}

image "hero" {
  prompt     = "A lighthouse"
  size       = "64x64"
  references = ["refs/a.png"]
  path       = "hero.png"
  meta       = { alt = "x" }
}
`

// TestSpecHashStability checks that the spec hash covers exactly what
// changes the image, and the digest everything a plan depends on.
func TestSpecHashStability(t *testing.T) {
	base := mustLoad(t, writeConfig(t, map[string]string{"main.sf.hcl": baseConfig, "refs/a.png": "A"}), Options{})
	tests := []struct {
		name             string
		files            map[string]string
		sameHash, sameDg bool
	}{
		{
			name: "reformatted, reordered, commented, split over files",
			files: map[string]string{
				"a.sf.hcl": "# the hero\nimage \"hero\" {\n  meta = {alt=\"x\"}\n path=\"./hero.png\"\n references=[\"refs/../refs/a.png\"]\n  size=\"64x64\"\n prompt=\"A ${\"lighthouse\"}\"\n}\n",
				"b.sf.hcl": "provider \"placeholder\" {\n}\n", "refs/a.png": "A",
			},
			sameHash: true, sameDg: true,
		},
		{
			name:     "meta changed",
			files:    map[string]string{"main.sf.hcl": strings.Replace(baseConfig, `alt = "x"`, `alt = "y"`, 1), "refs/a.png": "A"},
			sameHash: true,
		},
		{
			name:     "path changed",
			files:    map[string]string{"main.sf.hcl": strings.Replace(baseConfig, `"hero.png"`, `"art/hero.png"`, 1), "refs/a.png": "A"},
			sameHash: true,
		},
		{
			name:     "reference moved, same content",
			files:    map[string]string{"main.sf.hcl": strings.Replace(baseConfig, `refs/a.png`, `b.png`, 1), "b.png": "A"},
			sameHash: true,
		},
		{
			name:  "reference content changed",
			files: map[string]string{"main.sf.hcl": baseConfig, "refs/a.png": "B"},
		},
		{
			name:  "prompt changed",
			files: map[string]string{"main.sf.hcl": strings.Replace(baseConfig, "A lighthouse", "A lighthouse ", 1), "refs/a.png": "A"},
		},
		{
			name:  "watermark off",
			files: map[string]string{"main.sf.hcl": strings.Replace(baseConfig, `size `, "watermark = false\nsize ", 1), "refs/a.png": "A"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, writeConfig(t, tt.files), Options{})
			if got := cmp.Equal(hashes(base), hashes(cfg)); got != tt.sameHash {
				t.Errorf("same spec hashes = %v, want %v: %v vs %v", got, tt.sameHash, hashes(base), hashes(cfg))
			}
			if got := base.Digest == cfg.Digest; got != tt.sameDg {
				t.Errorf("same digest = %v, want %v", got, tt.sameDg)
			}
		})
	}
}

// TestSpecHashGolden pins the hash of a known spec: a change to the
// encoding would silently regenerate every user's images.
func TestSpecHashGolden(t *testing.T) {
	cfg := mustLoad(t, writeConfig(t, map[string]string{"main.sf.hcl": baseConfig, "refs/a.png": "A"}), Options{})
	a := cfg.Asset("image.hero")
	want := `{"provider_type":"placeholder","prompt":"A lighthouse","size":"64x64","watermark":true,"output_format":"png",` +
		`"references":[{"sha256":"559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd"}]}`
	got, err := a.Request().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("Request =\n%s\nwant\n%s", got, want)
	}
	sum := sha256.Sum256([]byte(want))
	if wantHash := "sha256:" + hex.EncodeToString(sum[:]); a.SpecHash != wantHash {
		t.Errorf("SpecHash = %s, want %s", a.SpecHash, wantHash)
	}
}

func TestVariableSources(t *testing.T) {
	config := `
provider "placeholder" {}
variable "n" {
  type    = number
  default = 1
}
variable "s" {
  default = "d"
}
image "x" {
  prompt = "${var.s}-${var.n}"
}
`
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"defaults", Options{}, "d-1"},
		{"env", Options{Env: []string{"SEEDFORM_VAR_n=2", "SEEDFORM_VAR_s=e"}}, "e-2"},
		{"var beats env", Options{Env: []string{"SEEDFORM_VAR_n=2"}, Vars: []string{"n=3"}}, "d-3"},
		{"last var wins", Options{Vars: []string{"s=a", "s=b=c"}}, "b=c-1"},
		{"var file", Options{VarFiles: []string{"x.sfvars.hcl"}}, "f-1"},
		{"var file beats env", Options{VarFiles: []string{"x.sfvars.hcl"}, Env: []string{"SEEDFORM_VAR_s=e"}}, "f-1"},
		{"later var file beats var", Options{VarArgs: []VarArg{{Value: "s=v"}, {File: true, Value: "x.sfvars.hcl"}}}, "f-1"},
		{"later var beats var file", Options{VarArgs: []VarArg{{File: true, Value: "x.sfvars.hcl"}, {Value: "s=v"}}}, "v-1"},
	}
	dir := writeConfig(t, map[string]string{"main.sf.hcl": config, "x.sfvars.hcl": `s = "f"`})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, dir, tt.opts)
			if got := cfg.Asset("image.x").Prompt; got != tt.want {
				t.Errorf("prompt = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSensitiveValuesHidden renders the diagnostics of failing uses of a
// sensitive variable as text and JSON and looks for the value.
func TestSensitiveValuesHidden(t *testing.T) {
	const secret = "hunter2-secret"
	config := `
provider "placeholder" {}
variable "token" {
  sensitive = true
  validation {
    condition     = length(var.token) < 5
    error_message = "token ${var.token} is too long"
  }
}
image "a" {
  prompt = "x"
  size   = tonumber(var.token)
}
image "b" {
  prompt = "x"
  size   = var.token
}
`
	dir := writeConfig(t, map[string]string{"main.sf.hcl": config})
	l := NewLoader()
	_, diags := l.Load(dir, Options{Vars: []string{"token=" + secret}})
	if len(diags) < 3 {
		t.Fatalf("want at least 3 diagnostics, got %s", diags)
	}
	var text bytes.Buffer
	if err := hcl.NewDiagnosticTextWriter(&text, l.Files(), 100, false).WriteDiagnostics(diags); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(diags)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), string(js)} {
		if strings.Contains(out, secret) {
			t.Errorf("the sensitive value appears in:\n%s", out)
		}
	}
}

func TestSymlinksLeavingOutputDir(t *testing.T) {
	outside := t.TempDir()
	tests := []struct {
		name    string
		link    string // created in the config dir, pointing outside
		config  string
		summary string
	}{
		{"image through a linked dir", "assets/link", `seedform { output_dir = "assets" }
image "x" {
  prompt = "x"
  path   = "link/x.png"
}`, "Invalid output path"},
		{"image is a link", "assets/x.png", `seedform { output_dir = "assets" }
image "x" {
  prompt = "x"
  path   = "x.png"
}`, "Invalid output path"},
		{"set dir is a link", "board", `image_set "board" {
  prompt     = "x"
  max_images = 2
}`, "Invalid output path"},
		{"output dir is a link", "assets", `seedform { output_dir = "assets/sub" }`, "Invalid output_dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeConfig(t, map[string]string{"main.sf.hcl": "provider \"placeholder\" {}\n" + tt.config})
			link := filepath.Join(dir, filepath.FromSlash(tt.link))
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, link); err != nil {
				t.Skipf("cannot create symlinks: %v", err)
			}
			_, diags := NewLoader().Load(dir, Options{})
			var got []string
			for _, d := range diags {
				got = append(got, d.Summary)
			}
			if diff := cmp.Diff([]string{tt.summary}, got); diff != "" {
				t.Errorf("summaries (-want +got):\n%s\n%s", diff, diags)
			}
		})
	}
}

func TestSymlinkInsideOutputDirIsFine(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `
provider "placeholder" {}
image "x" {
  prompt = "x"
  path   = "link/x.png"
}
`, "real/keep": ""})
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Skipf("cannot create symlinks: %v", err)
	}
	mustLoad(t, dir, Options{})
}

// TestSuggestions checks that misspelt names get the closest valid one.
func TestSuggestions(t *testing.T) {
	tests := []struct{ config, want string }{
		{`imgae "x" {}`, `Did you mean "image"?`},
		{"image \"x\" {\n promt = \"x\"\n}", `Did you mean "prompt"?`},
		{`provider "placeholdr" {}`, `Did you mean "placeholder"?`},
		{"variable \"style\" {\n default = 1\n}\nimage \"x\" {\n prompt = var.stlye\n}", `Did you mean "style"?`},
		{"image \"x\" {\n prompt = \"x\"\n}\nimage \"y\" {\n prompt = image.z.file\n}", `Did you mean "x"?`},
		{"image \"x\" {\n prompt = \"x\"\n model = \"ep-1\"\n model_family = \"seedream-4.0x\"\n}", `Did you mean "seedream-4.0"?`},
		{"image \"x\" {\n prompt = \"x\"\n lifecycle {\n ignore_changes = [sise]\n}\n}", `Did you mean "size"?`},
	}
	for _, tt := range tests {
		dir := writeConfig(t, map[string]string{"main.sf.hcl": "provider \"placeholder\" {}\n" + tt.config})
		_, diags := NewLoader().Load(dir, Options{})
		var details []string
		for _, d := range diags {
			details = append(details, d.Detail)
		}
		if !strings.Contains(strings.Join(details, "\n"), tt.want) {
			t.Errorf("%s:\ngot %s\nwant a detail with %s", tt.config, diags, tt.want)
		}
	}
}

// TestDiagnosticRanges checks that a diagnostic points at the attribute
// the model's rule is about, and that Files serves its source.
func TestDiagnosticRanges(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `provider "seedream" {}
image "x" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "512x512"
}
`})
	l := NewLoader()
	_, diags := l.Load(dir, Options{})
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %s", diags)
	}
	got := *diags[0].Subject
	want := hcl.Range{
		Filename: filepath.Join(dir, "main.sf.hcl"),
		Start:    hcl.Pos{Line: 5, Column: 12, Byte: 101},
		End:      hcl.Pos{Line: 5, Column: 21, Byte: 110},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("subject (-want +got):\n%s", diff)
	}
	if l.Files()[want.Filename] == nil {
		t.Errorf("Files() lacks %s", want.Filename)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"aligns", "image \"x\" {\nprompt=\"a\"\n  size = \"64x64\"\n}\n", "image \"x\" {\n  prompt = \"a\"\n  size   = \"64x64\"\n}\n", false},
		{"canonical stays", "seedform {}\n", "seedform {}\n", false},
		{"syntax error", "image \"x\" {\n  prompt = \n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := Format([]byte(tt.in), "main.sf.hcl")
			if diags.HasErrors() != tt.wantErr {
				t.Fatalf("errors = %v, want %v: %s", diags.HasErrors(), tt.wantErr, diags)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Format (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImplicitProvider(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `image "x" {
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
}`})
	cfg := mustLoad(t, dir, Options{})
	if len(cfg.Providers) != 1 {
		t.Fatalf("providers = %d, want the implicit one", len(cfg.Providers))
	}
	p := cfg.Providers[0]
	if p.Type != "seedream" || p.Addr != "seedream" || p.Alias != "" || p.Parallelism != 4 {
		t.Errorf("provider = %s %s alias %q parallelism %d, want the preferred type's defaults", p.Type, p.Addr, p.Alias, p.Parallelism)
	}
	settings, _ := p.Settings.MarshalJSON()
	if want := `{"base_url":"https://ark.cn-beijing.volces.com/api/v3","api_key_env":"ARK_API_KEY","images_per_minute":500,"max_retries":4,"response_format":"url","max_image_bytes":67108864,"timeout":600}`; string(settings) != want {
		t.Errorf("settings = %s\nwant %s", settings, want)
	}
	if got := cfg.Asset("image.x").Provider; got != "seedream" {
		t.Errorf("provider = %q", got)
	}
}

func TestQuoteKey(t *testing.T) {
	tests := []struct{ key, want string }{
		{"spring", `"spring"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"tab\there\n", `"tab\there\n"`},
		{"${x} %{y} $z", `"$${x} %%{y} $z"`},
		{"\x01é", `"\u0001é"`},
	}
	for _, tt := range tests {
		if got := quoteKey(tt.key); got != tt.want {
			t.Errorf("quoteKey(%q) = %s, want %s", tt.key, got, tt.want)
		}
	}
}

// FuzzNeedsQuoting checks the shortcut that takes a for_each key from its
// address: when needsQuoting says no, quoteKey writes the key as it is.
func FuzzNeedsQuoting(f *testing.F) {
	for _, k := range []string{"spring", `a"b\c`, "tab\there\n", "${x} %{y} $z", "\x01é", "\xff", "%", "$"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if q := quoteKey(key); !needsQuoting(key) && q != `"`+key+`"` {
			t.Errorf("needsQuoting(%q) is false, but quoteKey gives %s", key, q)
		}
	})
}

// TestInstanceDiagnosticsOnce checks that a mistake shared by every
// instance of a for_each is reported once.
func TestInstanceDiagnosticsOnce(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `
provider "seedream" {}
image "tile" {
  for_each = toset(["a", "b", "c"])
  model    = "ep-123"
  prompt   = each.key
}
image "bad" {
  count  = 3
  model  = "doubao-seedream-4-5-251128"
  prompt = "x"
  size   = "64x64"
}
`})
	_, diags := NewLoader().Load(dir, Options{})
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary)
	}
	if diff := cmp.Diff([]string{"Unknown model", "Invalid size for seedream-4.5"}, got); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
}

// TestFileFunctions checks that the file functions resolve paths against
// the config dir, not the working directory.
func TestFileFunctions(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"main.sf.hcl": `
provider "placeholder" {}
image "x" {
  prompt = "x"
  meta = {
    file       = file("notes/a.txt")
    sha        = filesha256("notes/a.txt")
    template   = templatefile("notes/t.tmpl", { who = "you", n = 2 })
    abspath    = abspath("notes/a.txt")
    set        = toset(["b", "a", "b"])
    list       = tolist(["b", "a"])
  }
}
`,
		"notes/a.txt":  "A",
		"notes/t.tmpl": "hello ${who} x${n} ${upper(\"ok\")}",
	})
	cfg := mustLoad(t, dir, Options{})
	var got map[string]any
	if err := json.Unmarshal(cfg.Asset("image.x").Meta, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"file":     "A",
		"sha":      "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd",
		"template": "hello you x2 OK",
		"abspath":  filepath.ToSlash(filepath.Join(dir, "notes", "a.txt")),
		"set":      []any{"a", "b"},
		"list":     []any{"b", "a"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
}

// A sensitive value is refused where the lock, the manifest or a file
// name would hold it in clear, and recorded by hash where it can be.
func TestSensitiveAttributes(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `
provider "placeholder" {}
variable "secret" {
  type      = string
  sensitive = true
  default   = "Hush-Token-99"
}
image "ok" {
  prompt     = "for ${var.secret}"
  size       = "32x32"
  references = ["https://cdn.example.com/ref.png?token=${var.secret}"]
}
image "meta" {
  prompt = "m"
  size   = "32x32"
  meta   = { client = var.secret }
}
image "named" {
  prompt = "n"
  size   = "32x32"
  path   = "${var.secret}.png"
}
`})
	_, diags := NewLoader().Load(dir, Options{})
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary)
		if strings.Contains(d.Detail, "Hush-Token-99") {
			t.Errorf("the diagnostic shows the value: %s", d.Detail)
		}
	}
	if diff := cmp.Diff([]string{"Sensitive value in meta", "Sensitive value in path"}, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}

	dir = writeConfig(t, map[string]string{"main.sf.hcl": `
provider "placeholder" {}
variable "secret" {
  type      = string
  sensitive = true
  default   = "Hush-Token-99"
}
image "ok" {
  prompt     = "for ${var.secret}"
  size       = "32x32"
  references = ["https://cdn.example.com/ref.png?token=${var.secret}"]
}
`})
	a := mustLoad(t, dir, Options{}).Asset("image.ok")
	if diff := cmp.Diff([]string{"prompt", "references"}, a.Sensitive); diff != "" {
		t.Errorf("sensitive attributes (-want +got):\n%s", diff)
	}
	rec := a.Recorded()
	b, _ := json.Marshal(rec)
	prompt, _ := rec.String("prompt")
	var refs []HashedRef
	_, _ = rec.Decode("references", &refs)
	if strings.Contains(string(b), "Hush-Token-99") || !IsRedacted(prompt) || len(refs) != 1 || !IsRedacted(refs[0].URL) {
		t.Errorf("recorded spec holds the value: %s", b)
	}
}
