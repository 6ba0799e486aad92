package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// destroy asks its own question, which says that generated images cannot
// be made again identically; anything but "yes" keeps every file.
func TestDestroyAsksItsOwnQuestion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	config := "provider \"placeholder\" {}\nimage \"a\" {\n  prompt = \"A\"\n  size   = \"32x32\"\n  path   = \"a.png\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.sf.hcl"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) (int, string) {
		var out, errOut bytes.Buffer
		m := &Meta{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Interactive: stdin != ""}
		code := Run(context.Background(), append([]string{"-chdir=" + dir}, args...), m)
		return code, out.String() + errOut.String()
	}
	if code, out := run("", "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: %d\n%s", code, out)
	}
	code, out := run("no\n", "destroy", "-no-color")
	if code != 1 {
		t.Errorf("destroy answered no: exit %d", code)
	}
	for _, want := range []string{"Do you really want to destroy these assets?", "cannot be made again identically", "Destroy cancelled."} {
		if !strings.Contains(out, want) {
			t.Errorf("destroy's output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.png")); err != nil {
		t.Errorf("a refused destroy removed the file: %v", err)
	}
	if code, out := run("yes\n", "destroy", "-no-color"); code != 0 || !strings.Contains(out, "Destroy complete! 1 deleted.") {
		t.Errorf("destroy answered yes: exit %d\n%s", code, out)
	}
}
