package command

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		pos     []string
		noColor bool
		vars    []string
	}{
		{[]string{"p.plan", "-no-color"}, []string{"p.plan"}, true, nil},
		{[]string{"-no-color", "p.plan"}, []string{"p.plan"}, true, nil},
		{[]string{"a", "-var", "x=1", "b", "-no-color"}, []string{"a", "b"}, true, []string{"x=1"}},
		{[]string{"--", "a"}, []string{"a"}, false, nil},
		{[]string{"-no-color", "--", "-odd.plan"}, []string{"-odd.plan"}, true, nil},
		// "--" as the value of -var is a value, not the end of the flags.
		{[]string{"-var", "--", "-no-color", "a"}, []string{"a"}, true, []string{"--"}},
		// After "--" every argument is positional, not only the first.
		{[]string{"--", "-a.sf.hcl", "-b.sf.hcl"}, []string{"-a.sf.hcl", "-b.sf.hcl"}, false, nil},
		{[]string{"a", "-no-color", "--", "-b", "--", "-no-color"}, []string{"a", "-b", "--", "-no-color"}, true, nil},
		{[]string{"-var", "--", "--", "-x"}, []string{"-x"}, false, []string{"--"}},
		{[]string{"-var=--", "--var", "-var", "-no-color=true", "--", "-x"}, []string{"-x"}, true, []string{"--", "-var"}},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		noColor := fs.Bool("no-color", false, "")
		var vars multi
		fs.Var(&vars, "var", "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.pos, pos); diff != "" {
			t.Errorf("%q: positional (-want +got):\n%s", tt.args, diff)
		}
		if *noColor != tt.noColor {
			t.Errorf("%q: -no-color = %v", tt.args, *noColor)
		}
		if diff := cmp.Diff(tt.vars, []string(vars)); diff != "" {
			t.Errorf("%q: -var (-want +got):\n%s", tt.args, diff)
		}
	}
}

// Every usage error says what is wrong on stderr.
func TestParseArgsTooMany(t *testing.T) {
	var stderr bytes.Buffer
	m := &Meta{Stderr: &stderr}
	fs := newFlags(m, "plan")
	fs.Bool("no-color", false, "")
	if _, ok := parseArgs(m, fs, []string{"extra", "-no-color"}, 0, ""); ok {
		t.Fatal("plan extra was accepted")
	}
	if want := "Error: plan takes no arguments, got [\"extra\"]\n"; !bytes.HasPrefix(stderr.Bytes(), []byte(want)) {
		t.Errorf("stderr = %q, want it to start with %q", stderr.String(), want)
	}
}

func TestMetaPathIsUnderChdir(t *testing.T) {
	m := &Meta{Dir: "sp"}
	if got, want := m.path("p.plan"), filepath.Join("sp", "p.plan"); got != want {
		t.Errorf("path(p.plan) = %q, want %q", got, want)
	}
	abs := filepath.Join(t.TempDir(), "p.plan")
	if got := m.path(abs); got != abs {
		t.Errorf("path(%q) = %q, want it unchanged", abs, got)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"p.plan":              "p.plan",
		"-chdir=site/a":       "-chdir=site/a",
		"-chdir=my site":      "'-chdir=my site'",
		"it's.plan":           `'it'\''s.plan'`,
		"":                    "''",
		"$HOME/plan;rm -rf /": `'$HOME/plan;rm -rf /'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
