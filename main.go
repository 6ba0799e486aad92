// Command seedform is infrastructure-as-code for generated images: it
// plans and applies image sets declared in *.sf.hcl files against the
// Seedream image API, recording what it made in seedform.lock.json.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/seedform/seedform/command"
	"golang.org/x/term"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// What seedform holds is mostly what it loads once and keeps to
		// the end (the config, the lock, the stat cache), so the heap's
		// growth between collections is mostly headroom, not garbage.
		// Half of Go's default headroom: peak RSS of a plan of 100,000
		// up-to-date assets 289 -> 239 MB for 13% more CPU (issue 20's
		// 256 MiB; see BENCHMARKS.md). GOGC still decides when set.
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run wires the process to the command line: the first interrupt asks
// apply to start nothing new (requests in flight are paid for, so they
// finish and are recorded); the second cancels everything.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		n := 0
		for range sigs {
			n++
			if n == 1 {
				close(stop)
			} else {
				cancel()
				return
			}
		}
	}()
	m := &command.Meta{
		Stdin: stdin, Stdout: stdout, Stderr: stderr, Env: os.Environ(),
		Interactive: isTerminal(stdin), Piped: isPipe(stdin), Terminal: isTerminal(stdout), Width: termWidth(stdout), Stop: stop,
	}
	return command.Run(ctx, args, m)
}

// termWidth is the width of the terminal f is, 0 when it is none.
func termWidth(f any) int {
	file, ok := f.(*os.File)
	if !ok || !term.IsTerminal(int(file.Fd())) {
		return 0
	}
	w, _, err := term.GetSize(int(file.Fd()))
	if err != nil {
		return 0
	}
	return w
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// isPipe reports whether f is a pipe or a regular file, which apply may
// read its confirmation from; /dev/null and other devices are neither.
func isPipe(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && (fi.Mode()&os.ModeNamedPipe != 0 || fi.Mode().IsRegular())
}
