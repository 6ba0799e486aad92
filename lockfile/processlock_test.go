package lockfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAcquireExcludes(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), StateDirName)
	first, err := Acquire(stateDir, 0, "apply")
	if err != nil {
		t.Fatal(err)
	}
	// flock belongs to the open file description, so a second Acquire in
	// the same process is refused like another process would be.
	_, err = Acquire(stateDir, 0, "plan")
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("second Acquire: got %v, want a *LockedError", err)
	}
	if locked.Holder == nil || locked.Holder.PID != os.Getpid() || locked.Holder.Command != "apply" {
		t.Errorf("holder is %+v, want this process running apply", locked.Holder)
	}
	wantPrefix := fmt.Sprintf("another seedform process holds the lock (pid %d, \"apply\", since ", os.Getpid())
	if msg := err.Error(); !strings.HasPrefix(msg, wantPrefix) || !strings.HasSuffix(msg, "): wait for it, or use -lock-timeout=DURATION") {
		t.Errorf("message %q\ndoes not start with %q", msg, wantPrefix)
	}

	start := time.Now()
	_, err = Acquire(stateDir, 300*time.Millisecond, "plan")
	if waited := time.Since(start); !errors.As(err, &locked) || waited < 300*time.Millisecond {
		t.Errorf("Acquire with a timeout returned %v after %v, want a *LockedError after 300ms", err, waited)
	}
	if !strings.HasPrefix(err.Error(), "after waiting ") {
		t.Errorf("message %q does not say how long it waited", err)
	}

	// Released while a second Acquire waits: it gets the lock.
	go func() {
		time.Sleep(150 * time.Millisecond)
		if err := first.Release(); err != nil {
			t.Error(err)
		}
	}()
	second, err := Acquire(stateDir, 5*time.Second, "plan")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if err := second.Release(); err != nil {
		t.Fatal(err)
	}
	if err := second.Release(); err != nil {
		t.Errorf("a second Release: %v", err)
	}
}

// TestAcquireOtherProcess holds the lock in a child process (this test
// binary, re-run as TestLockHelperProcess) and checks that the parent is
// refused with the child's pid, then gets the lock when the child exits.
func TestAcquireOtherProcess(t *testing.T) {
	stateDir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "SEEDFORM_LOCK_HELPER="+stateDir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	_, err = Acquire(stateDir, 0, "apply")
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Holder == nil || locked.Holder.PID != cmd.Process.Pid || locked.Holder.Command != "helper" {
		t.Fatalf("got %v, want a *LockedError naming the helper's pid %d", err, cmd.Process.Pid)
	}

	// Closing stdin makes the helper exit without releasing: the kernel
	// drops a dead process's lock.
	stdin.Close()
	l, err := Acquire(stateDir, 10*time.Second, "apply")
	if err != nil {
		t.Fatalf("after the helper exited: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestLockHelperProcess(t *testing.T) {
	stateDir := os.Getenv("SEEDFORM_LOCK_HELPER")
	if stateDir == "" {
		t.Skip("run by TestAcquireOtherProcess")
	}
	if _, err := Acquire(stateDir, 0, "helper"); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}
