package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// run runs one command line in dir with a fake process.
func runIn(t *testing.T, dir string, m *Meta, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	m.Stdout, m.Stderr = &out, &errOut
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	code = Run(context.Background(), append([]string{"-chdir=" + dir}, args...), m)
	return out.String(), errOut.String(), code
}

func writeConfig(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.sf.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const placeholderConfig = `
provider "placeholder" {}
image "a" {
  prompt = "A"
  size   = "32x32"
  path   = "a.png"
}
`

// Every command has its help: -h prints it to stdout and exits 0, with a
// usage line, the flags and an example. A command added without an entry
// in helps fails here, for want of an example.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name := range commands {
		for _, flag := range []string{"-h", "-help", "--help"} {
			stdout, stderr, code := runIn(t, dir, &Meta{}, name, flag)
			if code != 0 || stderr != "" {
				t.Errorf("%s %s: exit %d, stderr %q; want 0 and nothing", name, flag, code, stderr)
			}
			for _, want := range []string{"Usage: seedform [-chdir=DIR] " + name, "Options:", "Examples:"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("%s %s: the help lacks %q:\n%s", name, flag, want, stdout)
				}
			}
			if _, ex, _ := strings.Cut(stdout, "Examples:"); !strings.Contains(ex, "seedform "+name) {
				t.Errorf("%s %s: no example runs seedform %s (add one to helps in command/help.go):\n%s", name, flag, name, stdout)
			}
		}
	}
}

// NO_COLOR turns colours off on a terminal as -no-color does.
func TestNoColor(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, placeholderConfig)
	stdout, _, code := runIn(t, dir, &Meta{Terminal: true}, "plan")
	if code != 0 || !strings.Contains(stdout, "\x1b[") {
		t.Fatalf("plan on a terminal: exit %d, no colour in %q", code, stdout)
	}
	for _, env := range [][]string{{"NO_COLOR=1"}, {"NO_COLOR=true", "TERM=xterm"}} {
		stdout, _, code = runIn(t, dir, &Meta{Terminal: true, Env: env}, "plan")
		if code != 0 || strings.Contains(stdout, "\x1b[") {
			t.Errorf("plan with %q: exit %d, colour in %q", env, code, stdout)
		}
	}
	// NO_COLOR set but empty is unset (no-color.org).
	stdout, _, _ = runIn(t, dir, &Meta{Terminal: true, Env: []string{"NO_COLOR="}}, "plan")
	if !strings.Contains(stdout, "\x1b[") {
		t.Errorf("plan with NO_COLOR empty: no colour in %q", stdout)
	}
}

// With no terminal and no pipe (stdin is /dev/null), apply does not ask.
func TestApplyWithNothingToAsk(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, placeholderConfig)
	stdout, stderr, code := runIn(t, dir, &Meta{Stdin: strings.NewReader("yes\n")}, "apply", "-no-color")
	if code != 1 || !strings.Contains(stderr, `run it in a terminal, pipe "yes" to it, or pass -auto-approve`) {
		t.Errorf("apply: exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stdout, "Enter a value") {
		t.Errorf("apply asked with nothing to read an answer from:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.png")); !os.IsNotExist(err) {
		t.Errorf("a.png was generated without approval (%v)", err)
	}
}

func TestInAutomation(t *testing.T) {
	t.Parallel()
	for env, want := range map[string]bool{
		"": false, "CI=true": true, "CI=1": true, "CI=false": false, "CI=0": false,
		"SEEDFORM_IN_AUTOMATION=1": true, "SEEDFORM_IN_AUTOMATION=yes": true, "SEEDFORM_IN_AUTOMATION=": false,
	} {
		m := &Meta{Env: []string{env}}
		if got := m.inAutomation(); got != want {
			t.Errorf("inAutomation with %q = %v, want %v", env, got, want)
		}
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	t.Parallel()
	v := versionFrom(&debug.BuildInfo{Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-29T20:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}})
	want := versionJSON{
		FormatVersion: VersionJSONFormat, Version: Version, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "_" + runtime.GOARCH, Revision: "0123456789abcdef0123456789abcdef01234567",
		RevisionTime: "2026-11-29T20:00:00Z", Modified: true,
	}
	if v != want {
		t.Errorf("versionFrom = %+v, want %+v", v, want)
	}
	if v := versionFrom(nil); v.Revision != "" || v.Version != Version {
		t.Errorf("versionFrom(nil) = %+v", v)
	}
}
