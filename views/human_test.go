package views

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
)

func TestSummaryLine(t *testing.T) {
	usd := cost.Price{Known: true, Amount: cost.MustParse("0.04"), Currency: "USD"}
	free := cost.Price{Known: true}
	sets := func(p cost.Price, n, max int) cost.Cost {
		var lines []cost.Cost
		for range n {
			lines = append(lines, cost.Line(p, 1, max))
		}
		return cost.Total(lines)
	}
	tests := []struct {
		name string
		s    pipeline.Summary
		want string
	}{
		{"design example", pipeline.Summary{Generate: 3, GenerateImages: 9, GenerateCost: sets(usd, 3, 3),
			Regenerate: 1, RegenImages: 1, RegenCost: sets(usd, 1, 1), Update: 2, Delete: 1},
			"Plan: 3 to generate (3 to 9 images, $0.12 to $0.36), 1 to regenerate (1 image, $0.04), 2 to update, 0 to move, 1 to delete."},
		{"free images show no money", pipeline.Summary{Regenerate: 1, RegenImages: 1, RegenCost: sets(free, 1, 1)},
			"Plan: 0 to generate, 1 to regenerate (1 image), 0 to update, 0 to move, 0 to delete."},
		{"unknown price is never free", pipeline.Summary{Generate: 7, GenerateImages: 7, GenerateCost: sets(cost.Price{}, 7, 1),
			Regenerate: 1, RegenImages: 4, RegenCost: sets(usd, 1, 4), Move: 1},
			"Plan: 7 to generate (7 images, price unknown), 1 to regenerate (1 to 4 images, $0.04 to $0.16), 0 to update, 1 to move, 0 to delete."},
		{"extras", pipeline.Summary{Recover: 1, Accept: 2},
			"Plan: 0 to generate, 0 to regenerate, 0 to update, 0 to move, 0 to delete. Also 1 to recover from staging, 2 to accept as edited."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SummaryLine(tt.s)); diff != "" {
				t.Errorf("SummaryLine (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorTextNamesTheAssetOnce(t *testing.T) {
	c := &pipeline.Change{Addr: `image.big["0"]`, Action: pipeline.Create, Kind: "image"}
	err := fmt.Errorf(`image.big["0"]: image 1: %w`, io.ErrUnexpectedEOF)
	var buf bytes.Buffer
	h := &Human{W: &buf, StillEvery: -1}
	h.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action, Err: err, Elapsed: 2 * time.Second})
	want := `image.big["0"]: failed after 2s: image 1: unexpected EOF` + "\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("Finished (-want +got):\n%s", diff)
	}

	// A second interrupt cancels what is in flight: not a failure.
	buf.Reset()
	err = fmt.Errorf(`image.big["0"]: image 1: %w`, context.Canceled)
	h.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action, Err: err, Elapsed: 2 * time.Second})
	want = `image.big["0"]: cancelled after 2s (interrupted; nothing recorded)` + "\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("Finished (-want +got):\n%s", diff)
	}

	buf.Reset()
	h.ApplySummary(&pipeline.ApplyResult{Results: []*pipeline.Result{{Addr: c.Addr, Action: c.Action, Err: errors.New(`image.big["0"]: bad prompt`)}}})
	if !strings.Contains(buf.String(), "  - image.big[\"0\"]: bad prompt\n") {
		t.Errorf("summary repeats the address or loses the error:\n%s", buf.String())
	}
}

// lines is a writer that hands each written line to a channel, so that a
// test waits for output to appear instead of sleeping.
type lines struct {
	mu  sync.Mutex
	all []string
	ch  chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 100)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range strings.SplitAfter(string(p), "\n") {
		if s != "" {
			l.all = append(l.all, s)
			l.ch <- s
		}
	}
	return len(p), nil
}

func (l *lines) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-l.ch:
		return s
	case <-time.After(10 * time.Second): // a failure deadline, not a wait for success
		t.Fatal("no line written")
		return ""
	}
}

// fakeClock is a clock whose time moves and whose tickers tick only when
// the test says so.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	ticks chan time.Time
	asked []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ticks: make(chan time.Time)}
}

func (f *fakeClock) clock() clock {
	return clock{
		now: func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t },
		ticker: func(d time.Duration) (<-chan time.Time, func()) {
			f.mu.Lock()
			f.asked = append(f.asked, d)
			f.mu.Unlock()
			return f.ticks, func() {}
		},
	}
}

// tick moves the clock by d and delivers one tick; it blocks until a
// ticker takes it.
func (f *fakeClock) tick(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	now := f.t
	f.mu.Unlock()
	f.ticks <- now
}

func TestStillGeneratingEveryInterval(t *testing.T) {
	out := newLines()
	fc := newFakeClock()
	h := &Human{W: out, clock: fc.clock()}
	c := &pipeline.Change{Addr: "image.x", Action: pipeline.Create, Kind: "image"}

	h.Started(c)
	if got := out.next(t); got != "image.x: Generating...\n" {
		t.Fatalf("start line = %q", got)
	}
	if diff := cmp.Diff([]time.Duration{DefaultStillEvery}, fc.asked); diff != "" {
		t.Errorf("ticker interval (-want +got):\n%s", diff)
	}
	fc.tick(10 * time.Second)
	if got, want := out.next(t), "image.x: Still generating... [10s elapsed]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	fc.tick(10 * time.Second)
	if got, want := out.next(t), "image.x: Still generating... [20s elapsed]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	h.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action, Elapsed: 25 * time.Second})
	if got := out.next(t); !strings.HasPrefix(got, "image.x: Generated after 25s") {
		t.Errorf("finish line = %q", got)
	}
	// Finished returns only once the ticker's goroutine is gone, so no
	// one is left to take a tick.
	select {
	case fc.ticks <- time.Time{}:
		t.Error("the ticker still runs after the asset finished")
	default:
	}
}

func TestStillGeneratingStopsWhenApplyEnds(t *testing.T) {
	out := newLines()
	fc := newFakeClock()
	h := &Human{W: out, clock: fc.clock()}
	c := &pipeline.Change{Addr: "image_set.s", Action: pipeline.Replace, Kind: "image_set"}
	h.Started(c)
	out.next(t)
	fc.tick(time.Minute)
	if got, want := out.next(t), "image_set.s: Still regenerating... [1m0s elapsed]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	h.StopProgress()
	select {
	case fc.ticks <- time.Time{}:
		t.Error("the ticker still runs after StopProgress")
	default:
	}
}

// With a real ticker at a millisecond interval, lines come while the asset
// is in flight and none after it finished.
func TestStillGeneratingRealTicker(t *testing.T) {
	out := newLines()
	h := &Human{W: out, StillEvery: time.Millisecond}
	c := &pipeline.Change{Addr: "image.x", Action: pipeline.Create, Kind: "image"}
	h.Started(c)
	out.next(t)
	if got := out.next(t); !strings.HasPrefix(got, "image.x: Still generating... [") {
		t.Errorf("got %q, want a Still generating line", got)
	}
	h.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action})
	out.mu.Lock()
	last := out.all[len(out.all)-1]
	out.mu.Unlock()
	if !strings.HasPrefix(last, "image.x: Generated after") {
		t.Errorf("last line = %q, want the finish line", last)
	}
	h.StopProgress()
	out.mu.Lock()
	defer out.mu.Unlock()
	if got := out.all[len(out.all)-1]; got != last {
		t.Errorf("a line came after the asset finished: %q", got)
	}
}

func TestJSONStillProgress(t *testing.T) {
	out := newLines()
	fc := newFakeClock()
	j := NewJSON(out, "test")
	j.clock = fc.clock()
	out.next(t) // version
	c := &pipeline.Change{Addr: "image.x", Action: pipeline.Create, Kind: "image"}
	j.Started(c)
	out.next(t)
	fc.tick(10 * time.Second)
	got := out.next(t)
	for _, want := range []string{`"type":"apply_progress"`, `"address":"image.x"`, `"elapsed_seconds":10`, `Still generating... [10s elapsed]`} {
		if !strings.Contains(got, want) {
			t.Errorf("progress line lacks %s: %s", want, got)
		}
	}
	j.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action})
	select {
	case fc.ticks <- time.Time{}:
		t.Error("the ticker still runs after the asset finished")
	default:
	}
}

// An interrupted apply ends with "Apply interrupted", lists what finished
// and what was left, and counts neither as errors; a real failure during
// the same run is still reported as one.
func TestApplySummaryInterrupted(t *testing.T) {
	res := &pipeline.ApplyResult{Stopped: true, Results: []*pipeline.Result{
		{Addr: "image.a", Action: pipeline.Create},
		{Addr: "image.b", Action: pipeline.Create, Skipped: "interrupted before it started", Interrupted: true},
		{Addr: "image.c", Action: pipeline.Create, Skipped: "dependency image.b did not complete", Interrupted: true},
		{Addr: "image.d", Action: pipeline.Create, Skipped: "dependency image.c did not complete", Interrupted: true},
		{Addr: "image.e", Action: pipeline.Create, Err: errors.New("400 InputTextSensitiveContentDetected")},
		{Addr: "image.f", Action: pipeline.Create, Skipped: "dependency image.e did not complete"},
		{Addr: "image.g", Action: pipeline.Replace, Err: fmt.Errorf("image.g: %w", context.Canceled)},
	}}
	var buf bytes.Buffer
	(&Human{W: &buf}).ApplySummary(res)
	want := `
Apply interrupted. 1 generated, 0 regenerated, 0 updated, 0 moved, 0 deleted; 3 not started, 1 cancelled in flight, 2 failed.
Finished and recorded:
  - image.a
Not started (the next apply does them):
  - image.b
  - image.c
  - image.d
Cancelled in flight, not recorded (the next apply does them):
  - image.g
Failed:
  - image.e: 400 InputTextSensitiveContentDetected
  - image.f: skipped (dependency image.e did not complete)
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("ApplySummary (-want +got):\n%s", diff)
	}

	buf.Reset()
	j := NewJSON(&buf, "test")
	buf.Reset()
	j.ApplySummary(res)
	for _, s := range []string{`"interrupted":true`, `"cancelled":["image.g"]`, `"failed":1`, `"skipped":1`, `"create":1`,
		`"@message":"Apply interrupted. `, `"not_started":["image.b","image.c","image.d"]`} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("JSON summary lacks %s: %s", s, buf.String())
		}
	}
}

// Only an interrupt leaves work "not started"; without one, a failure's
// skipped dependents are failures and the run finished with errors.
func TestApplySummaryFailureIsNotInterrupt(t *testing.T) {
	res := &pipeline.ApplyResult{Results: []*pipeline.Result{
		{Addr: "image.a", Action: pipeline.Create},
		{Addr: "image.b", Action: pipeline.Create, Err: errors.New("boom")},
		{Addr: "image.c", Action: pipeline.Create, Skipped: "dependency image.b did not complete"},
	}}
	var buf bytes.Buffer
	(&Human{W: &buf}).ApplySummary(res)
	want := `
Apply finished with errors. 1 generated, 0 regenerated, 0 updated, 0 moved, 0 deleted; 2 did not complete:
  - image.b: boom
  - image.c: skipped (dependency image.b did not complete)
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("ApplySummary (-want +got):\n%s", diff)
	}
}

func TestApplySummaryListIsBounded(t *testing.T) {
	res := &pipeline.ApplyResult{Stopped: true}
	for i := range summaryListMax + 5 {
		res.Results = append(res.Results, &pipeline.Result{Addr: fmt.Sprintf("image.n%03d", i), Action: pipeline.Create, Skipped: "interrupted before it started", Interrupted: true})
	}
	var buf bytes.Buffer
	(&Human{W: &buf}).ApplySummary(res)
	if got := strings.Count(buf.String(), "  - image.n"); got != summaryListMax {
		t.Errorf("%d addresses listed, want %d", got, summaryListMax)
	}
	if !strings.Contains(buf.String(), "  ... and 5 more\n") {
		t.Errorf("no count of the rest:\n%s", buf.String())
	}
}
