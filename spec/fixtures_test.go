package spec

import (
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/valid")

// fixtureOptions is a fixture's options.json: the command-line inputs, and
// the diagnostics that have no source range (from -var, -var-file).
type fixtureOptions struct {
	Vars      []string `json:"vars"`
	VarFiles  []string `json:"var_files"`
	Env       []string `json:"env"`
	Unlocated []string `json:"unlocated"`
}

func (o fixtureOptions) options() Options {
	return Options{Vars: o.Vars, VarFiles: o.VarFiles, Env: o.Env}
}

// wantDiag is one diagnostic as a fixture states it.
type wantDiag struct {
	File     string // base name, "" when unlocated
	Line     int
	Severity string // "ERROR" or "WARNING"
	Summary  string
}

var expectRE = regexp.MustCompile(`(ERROR|WARNING): ([^#]+)`)

// expectedDiags reads the "# ERROR: Summary" and "# WARNING: Summary"
// comments of every file in dir: each is a diagnostic expected on its line.
func expectedDiags(t *testing.T, dir string, opts fixtureOptions) []wantDiag {
	t.Helper()
	want := []wantDiag{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".hcl") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			_, comment, ok := strings.Cut(line, "# ")
			if !ok {
				continue
			}
			for _, m := range expectRE.FindAllStringSubmatch(comment, -1) {
				want = append(want, wantDiag{File: e.Name(), Line: i + 1, Severity: m[1], Summary: strings.TrimSpace(m[2])})
			}
		}
	}
	for _, u := range opts.Unlocated {
		sev, summary, _ := strings.Cut(u, ": ")
		want = append(want, wantDiag{Severity: sev, Summary: summary})
	}
	sortDiags(want)
	return want
}

func gotDiags(diags hcl.Diagnostics) []wantDiag {
	got := []wantDiag{}
	for _, d := range diags {
		w := wantDiag{Severity: "ERROR", Summary: d.Summary}
		if d.Severity == hcl.DiagWarning {
			w.Severity = "WARNING"
		}
		if d.Subject != nil {
			w.File, w.Line = filepath.Base(d.Subject.Filename), d.Subject.Start.Line
		}
		got = append(got, w)
	}
	sortDiags(got)
	return got
}

func sortDiags(d []wantDiag) {
	slices.SortFunc(d, func(a, b wantDiag) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Severity+a.Summary, b.Severity+b.Summary)
	})
}

func readFixtureOptions(t *testing.T, dir string) fixtureOptions {
	t.Helper()
	var opts fixtureOptions
	b, err := os.ReadFile(filepath.Join(dir, "options.json"))
	if os.IsNotExist(err) {
		return opts
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &opts); err != nil {
		t.Fatalf("options.json: %v", err)
	}
	return opts
}

func fixtureDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 0 {
		t.Fatalf("no fixtures in %s", root)
	}
	return dirs
}

// TestInvalidConfigs loads each testdata/invalid/<case> and compares its
// diagnostics (severity, summary, file and line) with the comments.
func TestInvalidConfigs(t *testing.T) {
	for _, name := range fixtureDirs(t, "testdata/invalid") {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata/invalid", name)
			opts := readFixtureOptions(t, dir)
			want := expectedDiags(t, dir, opts)
			if !slices.ContainsFunc(want, func(d wantDiag) bool { return d.Severity == "ERROR" }) {
				t.Fatal("an invalid fixture must expect an error")
			}
			cfg, diags := NewLoader().Load(dir, opts.options())
			if diff := cmp.Diff(want, gotDiags(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\n%s", diff, diags)
			}
			if cfg != nil {
				t.Error("Load returned a Config along with errors")
			}
			for _, d := range diags {
				if d.Detail == "" {
					t.Errorf("diagnostic %q has no detail", d.Summary)
				}
			}
		})
	}
}

// golden is cfg as JSON for a golden file, without source ranges (which
// hold the fixture's path) and without the digest (covered elsewhere).
func golden(t *testing.T, cfg *Config) []byte {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	delete(tree, "Dir")
	delete(tree, "Digest")
	for _, list := range []string{"Providers", "Assets", "Moved"} {
		items, _ := tree[list].([]any)
		for _, it := range items {
			delete(it.(map[string]any), "DeclRange")
		}
	}
	out, err := json.MarshalIndent(tree, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestValidConfigs loads each testdata/valid/<case>: it must give no
// error, exactly the warnings its comments state, and the evaluated
// config in its want.json (rewritten with -update).
func TestValidConfigs(t *testing.T) {
	for _, name := range fixtureDirs(t, "testdata/valid") {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata/valid", name)
			opts := readFixtureOptions(t, dir)
			cfg, diags := NewLoader().Load(dir, opts.options())
			if diff := cmp.Diff(expectedDiags(t, dir, opts), gotDiags(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\n%s", diff, diags)
			}
			got := golden(t, cfg)
			wantFile := filepath.Join(dir, "want.json")
			if *update {
				if err := os.WriteFile(wantFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("evaluated config (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExamples loads every directory under examples/ with no errors,
// but examples/github, which holds GitHub workflows (linted by .ci/run).
func TestExamples(t *testing.T) {
	root := filepath.Join("..", "examples")
	for _, name := range fixtureDirs(t, root) {
		if name == "github" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			l := NewLoader()
			cfg, diags := l.Load(filepath.Join(root, name), Options{})
			if len(diags) > 0 {
				var sb strings.Builder
				_ = hcl.NewDiagnosticTextWriter(&sb, l.Files(), 100, false).WriteDiagnostics(diags)
				t.Fatalf("diagnostics:\n%s", sb.String())
			}
			if len(cfg.Assets) == 0 {
				t.Error("the example declares no assets")
			}
		})
	}
}

// TestExampleReferenceImages checks that the examples' reference images
// are real images the API would take: decodable, each side over 14 px.
func TestExampleReferenceImages(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "*", "refs", "*.png"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference images found (%v)", err)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if cfg.Width <= 14 || cfg.Height <= 14 {
			t.Errorf("%s is %dx%d; the API needs each side over 14 px", name, cfg.Width, cfg.Height)
		}
	}
}
