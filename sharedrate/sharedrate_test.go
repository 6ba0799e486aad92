package sharedrate

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seedform/seedform/sharedrate/redistest"
)

// mostInWindow is the most times within any window of length w.
func mostInWindow(ts []time.Time, w time.Duration) int {
	slices.SortFunc(ts, time.Time.Compare)
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// draw takes n images one at a time from l and returns when each was granted.
func draw(t *testing.T, l *Limiter, key string, ipm, n int) []time.Time {
	var out []time.Time
	for range n {
		if err := l.Wait(context.Background(), key, ipm, 1); err != nil {
			t.Error(err)
			return out
		}
		out = append(out, time.Now())
	}
	return out
}

// TestSharedBudget: two processes' limiters on one Redis stay within one
// budget together, and one alone borrows the other's idle headroom.
func TestSharedBudget(t *testing.T) {
	url := redistest.Start(t).URL
	const ipm = 3000 // 50 a second
	open := func() *Limiter {
		l, err := Open(context.Background(), url, 2, func(msg string) { t.Errorf("unexpected fallback: %s", msg) })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	}
	a, b := open(), open()

	var mu sync.Mutex
	var starts []time.Time
	var wg sync.WaitGroup
	for _, l := range []*Limiter{a, b} {
		wg.Go(func() {
			ts := draw(t, l, "seedream:doubao-seedream-4-0-250828", ipm, 50)
			mu.Lock()
			starts = append(starts, ts...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if most := mostInWindow(starts, time.Second); most > 50+5 {
		t.Errorf("two limiters granted %d images within one second of a 50-a-second budget", most)
	}

	// Alone, one limiter takes the whole budget, not its half: 50 images in
	// about a second, where the static share would take two.
	t0 := time.Now()
	draw(t, a, "seedream:other-model", ipm, 50)
	if d := time.Since(t0); d > 1500*time.Millisecond {
		t.Errorf("one limiter alone took %v for a second's budget: it did not borrow the idle share", d)
	}
}

// TestFallbackWhenRedisFails: when Redis goes away mid-run, Wait goes on
// at the static share and says so once.
func TestFallbackWhenRedisFails(t *testing.T) {
	srv := redistest.Start(t)
	url := srv.URL
	var warnings []string
	l, err := Open(context.Background(), url, 4, func(msg string) { warnings = append(warnings, msg) })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	draw(t, l, "k", 2400, 3)
	srv.Stop()
	ts := draw(t, l, "k", 2400, 12) // the static share: 2400 / 4 = 10 a second
	if len(warnings) != 1 || !strings.Contains(warnings[0], "static share (1/4)") {
		t.Errorf("warnings %q, want one naming the static share", warnings)
	}
	if most := mostInWindow(ts, time.Second); most > 11 {
		t.Errorf("after the fallback %d images within one second, over the static share of 10", most)
	}
}

// TestOpenUnreachable: a Redis that does not answer is an error naming it,
// with no password in it.
func TestOpenUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Open(context.Background(), "redis://user:hunter2@"+addr+"/0", 2, nil)
	if err == nil || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open of a closed port: %v", err)
	}
	if _, err := Open(context.Background(), "http://user:hunter2@x", 2, nil); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open of a bad URL: %v", err)
	}
}
