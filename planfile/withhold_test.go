package planfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWithheldVarsAreNotInTheFile(t *testing.T) {
	t.Parallel()
	p := &Plan{FormatVersion: FormatVersion, Changes: []Change{}, Options: Options{
		Vars:    []string{"client=Secret-1", "size=2K", " client =Secret-2"},
		VarArgs: []VarArg{{Value: "client=Secret-1"}, {File: true, Value: "x.sfvars.hcl"}, {Value: "size=2K"}, {Value: " client =Secret-2"}},
	}}
	if got := p.WithholdVars([]string{"client"}); !cmp.Equal(got, []string{"client"}) {
		t.Fatalf("withheld %v", got)
	}
	path := filepath.Join(t.TempDir(), "p.plan")
	if err := Write(path, p); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || strings.Contains(string(data), "Secret") {
		t.Fatalf("the saved plan holds a sensitive value (%v):\n%s", err, data)
	}
	none := func(string) (string, bool) { return "", false }
	env := func(v string) func(string) (string, bool) {
		return func(name string) (string, bool) { return v, name == "client" }
	}
	for _, tc := range []struct {
		name   string
		given  []string
		lookup func(string) (string, bool)
		err    string
	}{
		{"missing", nil, none, `sensitive variable "client", whose value a saved plan does not keep`},
		{"wrong value", []string{"client=Secret-3"}, none, "not the one"},
		{"another variable", []string{"size=4K"}, none, `"size" is not one`},
		// Two flags set client: one value cannot match both hashes.
		{"one value for two flags", []string{"client=Secret-2"}, none, "not the one"},
		{"from the environment, two flags", nil, env("Secret-1"), "not the one"},
	} {
		f, _ := Read(path)
		err := f.RestoreVars("p.plan", tc.given, tc.lookup)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestRestoredVarsKeepTheirOrder(t *testing.T) {
	t.Parallel()
	p := &Plan{Options: Options{VarArgs: []VarArg{{Value: "client=A"}, {File: true, Value: "f"}, {Value: "size=2K"}}}}
	p.WithholdVars([]string{"client"})
	if err := p.RestoreVars("p.plan", []string{"client=A"}, nil); err != nil {
		t.Fatal(err)
	}
	want := []VarArg{{Value: "client=A"}, {File: true, Value: "f"}, {Value: "size=2K"}}
	if diff := cmp.Diff(want, p.Options.VarArgs); diff != "" {
		t.Fatal(diff)
	}
	q := &Plan{Options: Options{VarArgs: []VarArg{{Value: "client=B"}}}}
	q.WithholdVars([]string{"client"})
	if err := q.RestoreVars("q.plan", nil, func(name string) (string, bool) { return "B", name == "client" }); err != nil {
		t.Fatal(err)
	}
	if q.Options.VarArgs[0].Value != "client=B" {
		t.Fatalf("restored %+v", q.Options.VarArgs)
	}
}
