package command

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestConsoleInteractive: at a terminal the console prompts, shows an
// error and reads on, and a multi-line expression continues while its
// brackets are open.
func TestConsoleInteractive(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	m := &Meta{
		Stdin:  strings.NewReader("nope(\n)\nupper(\"a\")\n[\n  1,\n]\n"),
		Stdout: &stdout, Stderr: &stderr,
		Interactive: true, Dir: "testdata/conformance",
	}
	if code := runConsole(context.Background(), m, []string{"-no-color"}); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Call to unknown function") {
		t.Errorf("the error is not shown:\n%s", stderr.String())
	}
	want := "> . > \"A\"\n> . . [\n  1,\n]\n> "
	if stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
}

// TestConsoleInterrupt: an interrupt ends a console waiting for input.
func TestConsoleInterrupt(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	defer w.Close()
	stop := make(chan struct{})
	close(stop)
	m := &Meta{Stdin: r, Stdout: io.Discard, Stderr: io.Discard, Stop: stop, Dir: "testdata/conformance"}
	if code := runConsole(context.Background(), m, nil); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
}
