package views

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/seedform/seedform/pipeline"
)

// DefaultStillEvery is how often an asset in flight is reported as still
// running. A Seedream request takes tens of seconds to minutes; like
// Terraform's "Still creating... [10s elapsed]", a line every 10 s shows
// that apply is not stuck without flooding the log.
const DefaultStillEvery = 10 * time.Second

// clock is where the views read the time and get their tickers: the real
// clock in use, a fake one in tests so that they never wait on time.
type clock struct {
	now    func() time.Time
	ticker func(time.Duration) (<-chan time.Time, func())
}

func realClock() clock {
	return clock{now: time.Now, ticker: func(d time.Duration) (<-chan time.Time, func()) {
		t := time.NewTicker(d)
		return t.C, t.Stop
	}}
}

// inFlight runs one ticker per asset in flight and calls report at each
// tick with the time since the asset started, until the asset finishes or
// stopAll is called.
type inFlight struct {
	every  time.Duration
	clock  clock
	report func(c *pipeline.Change, elapsed time.Duration)

	mu      sync.Mutex
	flights map[string]*flight
}

type flight struct {
	stop chan struct{} // closed to end the ticker
	done chan struct{} // closed when the ticker's goroutine has returned
}

// newInFlight makes a view's ticker of assets in flight; every is the
// view's StillEvery: 0 means DefaultStillEvery, negative never.
func newInFlight(every time.Duration, c clock, report func(c *pipeline.Change, elapsed time.Duration)) *inFlight {
	if every == 0 {
		every = DefaultStillEvery
	}
	return &inFlight{every: every, clock: c, report: report}
}

// start begins reporting c; every <= 0 reports nothing.
func (f *inFlight) start(c *pipeline.Change) {
	if f.every <= 0 {
		return
	}
	fl := &flight{stop: make(chan struct{}), done: make(chan struct{})}
	f.mu.Lock()
	if f.flights == nil {
		f.flights = map[string]*flight{}
	}
	if old := f.flights[c.Addr]; old != nil {
		f.mu.Unlock()
		f.end(old)
		f.mu.Lock()
	}
	f.flights[c.Addr] = fl
	f.mu.Unlock()

	begun := f.clock.now()
	ticks, stopTicker := f.clock.ticker(f.every)
	go func() {
		defer close(fl.done)
		defer stopTicker()
		for {
			select {
			case <-fl.stop:
				return
			case <-ticks:
				// A tick and a stop may both be ready; select picks at
				// random, and a finished asset must not be "still" running.
				select {
				case <-fl.stop:
					return
				default:
				}
				f.report(c, f.clock.now().Sub(begun))
			}
		}
	}()
}

// finish stops reporting addr. When it returns, no further report for
// addr is made, so the caller's "finished" line comes after the last
// "still" line. It must not be called while holding a lock that report
// takes.
func (f *inFlight) finish(addr string) {
	f.mu.Lock()
	fl := f.flights[addr]
	delete(f.flights, addr)
	f.mu.Unlock()
	if fl != nil {
		f.end(fl)
	}
}

// stopAll stops every ticker: the apply is over.
func (f *inFlight) stopAll() {
	f.mu.Lock()
	fls := f.flights
	f.flights = nil
	f.mu.Unlock()
	for _, fl := range fls {
		f.end(fl)
	}
}

func (f *inFlight) end(fl *flight) {
	close(fl.stop)
	<-fl.done
}

// stillMessage says that c is still in flight, as both views word it:
// "image.x: Still generating... [10s elapsed]".
func stillMessage(c *pipeline.Change, elapsed time.Duration) string {
	return fmt.Sprintf("%s: Still %s... [%s elapsed]", c.Addr, strings.ToLower(verbing(c.Action)), stillElapsed(elapsed))
}

// retryMessage says that c's request failed and is tried again, when and
// why: "image.x: HTTP 429 ...; retrying in 2s (attempt 2)".
func retryMessage(c *pipeline.Change, attempt int, wait time.Duration, reason string) string {
	when := "retrying as soon as a request in flight ends"
	if wait > 0 {
		when = "retrying in " + round(wait).String()
	}
	return fmt.Sprintf("%s: %s; %s (attempt %d)", c.Addr, reason, when, attempt)
}

// diskFullMessage says that c's paid answer waits for room on the disk.
func diskFullMessage(c *pipeline.Change, held int, dir string, err error, reason string) string {
	what := fmt.Sprintf("holding %d paid image(s) of %s in memory", held, c.Addr)
	if held == 0 {
		what = "waiting to journal the paid answer of " + c.Addr
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Sprintf("disk full: %s; free space on %s (%s)", what, dir, reason)
	}
	// Not a lack of space, which frees on its own or by a cleanup: a
	// read-only or unwritable folder waits for someone to fix it.
	return fmt.Sprintf("cannot write to %s: %s until it can be written; make it writable, or interrupt twice to give up the paid answer (%s)", dir, what, reason)
}

// stillElapsed formats the time an asset has been in flight: whole
// seconds as Terraform shows them ("10s", "1m0s"); milliseconds below a
// second, which only tests' short intervals produce.
func stillElapsed(d time.Duration) string {
	if d >= time.Second {
		return d.Truncate(time.Second).String()
	}
	return d.Round(time.Millisecond).String()
}

// progressCount counts finished changes for "N of M".
type progressCount struct {
	mu          sync.Mutex
	done, total int
}

func (p *progressCount) setTotal(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = n
}

// finished counts one more change done and returns where the apply is.
func (p *progressCount) finished() (done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	return p.done, p.total
}

// completeMessage is the line of a finished change: what was done, how
// long it took, what a set returned, and where the apply is.
func completeMessage(c *pipeline.Change, r *pipeline.Result, done, total int) string {
	msg := fmt.Sprintf("%s: %s after %s", c.Addr, doneVerb(c.Action), round(r.Elapsed))
	if c.Kind == "image_set" && c.Action.CallsProvider() {
		msg += fmt.Sprintf(" (%d of up to %d images)", len(r.Outputs), c.Images)
	}
	for _, f := range r.Failed {
		msg += fmt.Sprintf("; image %d failed: %s", f.Index+1, f.Code)
	}
	if total > 0 {
		msg += fmt.Sprintf(" [%d of %d]", done, total)
	}
	return msg
}
