package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seedform/seedform/benchmarks/fixture"
)

// env is what every scenario shares: the work directory and the binary.
type env struct {
	work   string // a temp directory holding the binary and config dirs
	bin    string // the seedform binary built from this module
	short  bool
	stderr io.Writer
	// terraformLimit stops a terraform plan that runs longer (its for_each
	// form is quadratic in the instances: over an hour at 10,000).
	terraformLimit time.Duration
}

func newEnv(short bool, stderr io.Writer) (*env, error) {
	work, err := os.MkdirTemp("", "seedform-bench-")
	if err != nil {
		return nil, err
	}
	root, err := moduleRoot()
	if err != nil {
		os.RemoveAll(work)
		return nil, err
	}
	bin := filepath.Join(work, "seedform")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	build.Stderr = stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(work)
		return nil, fmt.Errorf("building seedform: %w", err)
	}
	return &env{work: work, bin: bin, short: short, stderr: stderr}, nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run the benchmarks inside the seedform module")
	}
	return filepath.Dir(gomod), nil
}

// dir makes a fresh directory under the work directory.
func (e *env) dir(name string) (string, error) {
	d := filepath.Join(e.work, name)
	if err := os.RemoveAll(d); err != nil {
		return "", err
	}
	return d, os.MkdirAll(d, 0o755)
}

// cliRun is one execution of the seedform binary.
type cliRun struct {
	start time.Time
	wall  time.Duration
	rssKB int64         // peak resident set of the child
	cpu   time.Duration // user + system CPU time of the child
	// writtenKB is what the child sent to storage (rusage's ru_oublock, in
	// 512-byte blocks on Linux): the lock and manifest rewrites included.
	writtenKB int64
	code      int
	// stopped is true when the run was killed at its time limit: wall is
	// then a lower bound.
	stopped bool
}

// seedform runs the binary in dir with args, its output going to log (a
// file, as a CI job's output would). A non-zero exit is an error unless it
// is listed in okCodes.
func (e *env) seedform(dir, log string, args []string, okCodes ...int) (cliRun, error) {
	return e.child(e.bin, append(os.Environ(), fixture.APIKeyEnv+"=bench-key"), dir, log, 0, args, okCodes...)
}

// child runs bin -chdir=dir args with the environment environ, its output
// going to log, and measures it: wall time, CPU, peak RSS, bytes written.
// Every binary the harness times (seedform, terraform) goes through here,
// so that their figures compare. A limit above 0 kills the child when it
// runs longer; the run is then returned as stopped, without an error.
func (e *env) child(bin string, environ []string, dir, log string, limit time.Duration, args []string, okCodes ...int) (cliRun, error) {
	out, err := os.Create(log)
	if err != nil {
		return cliRun{}, err
	}
	defer out.Close()
	cmd := exec.Command(bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = environ
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(out, &stderr)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return cliRun{}, err
	}
	peak := watchPeakRSS(cmd.Process.Pid)
	var stopped atomic.Bool
	if limit > 0 {
		t := time.AfterFunc(limit, func() {
			stopped.Store(true)
			cmd.Process.Kill()
		})
		defer t.Stop()
	}
	err = cmd.Wait()
	r := cliRun{start: start, wall: time.Since(start), code: cmd.ProcessState.ExitCode(), stopped: stopped.Load()}
	r.rssKB = peak()
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.writtenKB = ru.Oublock / 2
	}
	if r.rssKB == 0 {
		// No /proc: rusage, which may include the harness's own high-water
		// mark (see watchPeakRSS).
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.rssKB = ru.Maxrss // kilobytes on Linux
		}
	}
	if r.stopped {
		return r, nil
	}
	if err != nil && !okCode(r.code, okCodes) {
		return r, fmt.Errorf("%s %s: %v (log %s): %s", filepath.Base(bin), strings.Join(args, " "), err, log, lastLines(stderr.String(), 5))
	}
	return r, nil
}

func okCode(code int, ok []int) bool {
	for _, c := range ok {
		if c == code {
			return true
		}
	}
	return false
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// watchPeakRSS samples the high-water mark of pid's resident set (VmHWM in
// /proc/<pid>/status) every few milliseconds until the returned function
// is called, and returns the last value seen, in KiB, 0 without /proc.
//
// The rusage of the child (ProcessState.SysUsage().Maxrss) cannot be used
// as is: Go starts children with vfork semantics, the child shares the
// harness's memory until it execs, and Linux carries the high-water mark
// of that memory into the child's maxrss at exec. The child's figure would
// be at least the harness's own peak (the fake server, the configs it
// generated). VmHWM belongs to the exec'd binary alone; sampling misses at
// most the growth of the last interval before exit.
func watchPeakRSS(pid int) (stop func() int64) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var peak atomic.Int64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := readVmHWM(path); kb > peak.Load() {
				peak.Store(kb)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// readVmHWM reads the VmHWM line of a /proc status file, 0 if it cannot.
func readVmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb
		}
	}
	return 0
}
