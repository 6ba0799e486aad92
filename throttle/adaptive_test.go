package throttle

import (
	"context"
	"errors"
	"testing"
	"time"
)

// hold takes n slots of l, which must be free.
func hold(t *testing.T, l *Adaptive, n int) []Slot {
	t.Helper()
	var s []Slot
	for range n {
		sl, err := l.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		s = append(s, sl)
	}
	return s
}

func releaseAll(l *Adaptive, s []Slot, o Outcome) {
	for _, sl := range s {
		l.Release(sl, o)
	}
}

func TestAdaptiveLimitStart(t *testing.T) {
	for _, tt := range []struct{ ceiling, want int }{{1, 1}, {4, 4}, {16, 16}, {64, 16}} {
		if got := NewAdaptive(tt.ceiling).Current(); got != tt.want {
			t.Errorf("ceiling %d: starts at %d, want %d", tt.ceiling, got, tt.want)
		}
	}
}

// TestAdaptiveLimitSlowStart: successes grow the limit by one each while
// there is demand beyond it, whether the limit is full or callers wait;
// successes with room to spare do not.
func TestAdaptiveLimitSlowStart(t *testing.T) {
	l := NewAdaptive(64)
	l.Release(hold(t, l, 1)[0], Success)
	if got := l.Current(); got != 16 {
		t.Fatalf("a success with 15 slots free grew the limit to %d", got)
	}
	full := hold(t, l, 16)
	l.Release(full[0], Success) // the limit was full
	if got := l.Current(); got != 17 {
		t.Fatalf("a success at a full limit left it at %d, want 17", got)
	}
	// 15 of 17 in flight. When a round of answers comes back together,
	// each release empties a Slot before the woken waiters refill it, so
	// the limit is not full; the callers still waiting show the demand.
	// This is that moment: a caller woken by the last release, not yet
	// back in acquire.
	l.mu.Lock()
	l.waiting++
	l.mu.Unlock()
	l.Release(full[1], Success)
	if c := l.Current(); c != 18 {
		t.Fatalf("a success with a caller waiting left the limit at %d, want 18", c)
	}
	l.mu.Lock()
	l.waiting--
	l.mu.Unlock()
	l.Release(full[2], Success) // 13 of 18 in flight, no one waiting
	if c := l.Current(); c != 18 {
		t.Fatalf("a success with room to spare grew the limit to %d", c)
	}
	releaseAll(l, full[3:], Neutral)
}

// TestAdaptiveLimitCut: a 429 cuts the limit to the number of older
// requests still in flight, by at least one and at most half; a 429 of a
// request sent before the cut changes nothing.
func TestAdaptiveLimitCut(t *testing.T) {
	tests := []struct {
		name      string
		older     int // in flight, sent before the throttled one
		wantLimit int
	}{
		{name: "server full with 12 older", older: 12, wantLimit: 12},
		{name: "at most half", older: 2, wantLimit: 8},
		{name: "at least one", older: 16 - 1, wantLimit: 15},
		{name: "none older", older: 0, wantLimit: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewAdaptive(16)
			older := hold(t, l, tt.older)
			throttled := hold(t, l, 1)[0]
			younger := hold(t, l, 16-tt.older-1)
			l.Release(throttled, Throttled)
			if got := l.Current(); got != tt.wantLimit {
				t.Errorf("limit %d, want %d", got, tt.wantLimit)
			}
			// A 429 of a request sent before the cut, the youngest, finds
			// the server as full as the first did: no second cut.
			if len(younger) > 0 {
				l.Release(younger[len(younger)-1], Throttled)
				if got := l.Current(); got != tt.wantLimit {
					t.Errorf("a stale 429 moved the limit to %d", got)
				}
				younger = younger[:len(younger)-1]
			}
			releaseAll(l, append(older, younger...), Neutral)
		})
	}
}

// TestAdaptiveLimitRetryAfter: a 429 while other requests are in flight
// is retried when one of them ends, not when another 429 comes back; a
// 429 with nothing else in flight gets no channel (the caller backs off
// by the clock), and a waiter is let go when the last request leaves.
func TestAdaptiveLimitRetryAfter(t *testing.T) {
	closed := func(c <-chan struct{}) bool {
		select {
		case <-c:
			return true
		default:
			return false
		}
	}
	l := NewAdaptive(16)
	s := hold(t, l, 4)
	first := l.Release(s[0], Throttled)
	if first == nil {
		t.Fatal("no channel for a 429 with 3 requests in flight")
	}
	second := l.Release(s[1], Throttled)
	if closed(first) || second == nil {
		t.Fatal("a 429 let another 429's retry go")
	}
	l.Release(s[2], Success)
	if !closed(first) || !closed(second) {
		t.Fatal("a success did not let the retries go")
	}
	third := l.Release(s[3], Throttled)
	if third != nil {
		t.Fatal("a channel for a 429 with nothing in flight: it would never close")
	}

	s = hold(t, l, 2)
	waiting := l.Release(s[0], Throttled)
	l.Release(s[1], Throttled) // the last one leaves, as a 429 too
	if !closed(waiting) {
		t.Fatal("a retry still waits with nothing left in flight")
	}
}

// TestAdaptiveLimitProbe: after a cut, a round of successes at a full
// limit raises it by one, and the level just found full takes
// four rounds (plateauRounds).
func TestAdaptiveLimitProbe(t *testing.T) {
	l := NewAdaptive(16)
	older := hold(t, l, 12)
	l.Release(hold(t, l, 1)[0], Throttled) // 16 -> 12, failed at 16
	releaseAll(l, older, Neutral)
	// succeed runs n requests, each with the limit full.
	succeed := func(n int) {
		for range n {
			s := hold(t, l, l.Current())
			l.Release(s[0], Success)
			releaseAll(l, s[1:], Neutral)
		}
	}
	var got []int
	// 15 to 16, the level found full, takes 4 rounds of 15: 60 successes.
	for _, n := range []int{11, 1, 13, 14, 59, 1} {
		succeed(n)
		got = append(got, l.Current())
	}
	want := []int{12, 13, 14, 15, 15, 16}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("limits %v, want %v", got, want)
		}
	}
}

func TestAdaptiveLimitCancel(t *testing.T) {
	l := NewAdaptive(2)
	s := hold(t, l, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a third request got a Slot under a limit of 2: %v", err)
	}
	if l.waiting != 0 {
		t.Errorf("waiting = %d after the caller gave up", l.waiting)
	}
	releaseAll(l, s, Neutral)
}

// TestAdaptiveLimitFailedProbe: a 429 of a probe above the level a round
// held at goes back to that level, even when fewer older requests are in
// flight; a 429 at that level itself means the server has less room, and
// the older requests decide.
func TestAdaptiveLimitFailedProbe(t *testing.T) {
	l := NewAdaptive(32)
	throttle := func(older int) int {
		t.Helper()
		o := hold(t, l, older)
		l.Release(hold(t, l, 1)[0], Throttled)
		releaseAll(l, o, Neutral)
		return l.Current()
	}
	succeed := func(n int) int {
		for range n {
			s := hold(t, l, l.Current())
			l.Release(s[0], Success)
			releaseAll(l, s[1:], Neutral)
		}
		return l.Current()
	}
	if got := throttle(12); got != 12 { // ends slow start at 16
		t.Fatalf("first cut to %d, want 12", got)
	}
	// 12, 13 and 14 take a round each; 15 and 16 four, near the level
	// found full.
	if got := succeed(12 + 13 + 14 + 4*15 + 4*16); got != 17 {
		t.Fatalf("climbed to %d, want 17", got)
	}
	if got := throttle(10); got != 16 {
		t.Errorf("a failed probe at 17 with 10 older in flight went to %d, want 16", got)
	}
	if got := throttle(10); got != 10 {
		t.Errorf("a 429 at 16, the level that held, went to %d, want 10", got)
	}
}

// TestAdaptiveKnownStart: a limit that knows what the server took starts
// there, up to the ceiling, with no slow start below it; one below a
// known overload level; and never below initialLimit on a good level
// alone, which may only say how far an earlier parallelism went.
func TestAdaptiveKnownStart(t *testing.T) {
	for _, tt := range []struct {
		name    string
		ceiling int
		known   Capacity
		want    int
	}{
		{"unknown", 64, Capacity{}, 16},
		{"parallelism below the good level", 32, Capacity{Good: 40}, 32},
		{"parallelism above the good level", 64, Capacity{Good: 20}, 20},
		{"good level below initialLimit", 64, Capacity{Good: 8}, 16},
		{"overload level below initialLimit", 64, Capacity{Good: 8, Overloaded: 9}, 8},
		{"overload level above the good level", 64, Capacity{Good: 20, Overloaded: 30}, 20},
		{"overload level alone", 64, Capacity{Overloaded: 12}, 11},
		{"small ceiling", 4, Capacity{Good: 40}, 4},
		{"overload level at or below good: dropped", 64, Capacity{Good: 20, Overloaded: 20}, 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewAdaptiveKnown(tt.ceiling, tt.known).Current(); got != tt.want {
				t.Errorf("starts at %d, want %d", got, tt.want)
			}
		})
	}
}

// TestAdaptiveKnownSlowStart: above the known good level the limit
// slow-starts (one more per success at a full limit), and stops one
// below a known overload level, from where a level takes a round.
func TestAdaptiveKnownSlowStart(t *testing.T) {
	succeed := func(l *Adaptive, n int) int {
		for range n {
			s := hold(t, l, l.Current())
			l.Release(s[0], Success)
			releaseAll(l, s[1:], Neutral)
		}
		return l.Current()
	}
	if got := succeed(NewAdaptiveKnown(64, Capacity{Good: 20}), 5); got != 25 {
		t.Errorf("5 successes from a known 20 reached %d, want 25 (slow start)", got)
	}
	l := NewAdaptiveKnown(64, Capacity{Good: 20, Overloaded: 24})
	if got := succeed(l, 3); got != 23 {
		t.Errorf("3 successes from 20 with a 429 known at 24 reached %d, want 23", got)
	}
	// At 23 additive increase: 24, the level found full, takes
	// plateauRounds rounds of 23.
	if got := succeed(l, 4*23-1); got != 23 {
		t.Errorf("left 23 after %d successes: %d", 4*23-1, got)
	}
	if got := succeed(l, 1); got != 24 {
		t.Errorf("still at %d after %d successes at 23, want 24", got, 4*23)
	}
}

// TestAdaptiveKnownCut: a 429 cuts a limit that started from a known
// level as any other, and a failed probe above it falls back to it.
func TestAdaptiveKnownCut(t *testing.T) {
	l := NewAdaptiveKnown(32, Capacity{Good: 40})
	older := hold(t, l, 20)
	l.Release(hold(t, l, 1)[0], Throttled)
	if got := l.Current(); got != 20 {
		t.Errorf("a 429 with 20 older in flight cut 32 to %d, want 20", got)
	}
	releaseAll(l, older, Neutral)

	l = NewAdaptiveKnown(64, Capacity{Good: 20})
	s := hold(t, l, 20)
	l.Release(s[0], Success) // slow start: 21
	probe := hold(t, l, 1)[0]
	l.Release(probe, Overloaded) // 18 older still in flight
	if got := l.Current(); got != 20 {
		t.Errorf("a failed probe above a known 20 cut to %d, want 20", got)
	}
	releaseAll(l, s[1:], Neutral)
}

// TestAdaptiveLearned: what the limiter learned is the most requests in
// flight at once that all succeeded with no 429 while they were in
// flight, and the level of the last overload 429; a quota 429 tells no
// level, and a known capacity carries over what the run did not see.
func TestAdaptiveLearned(t *testing.T) {
	l := NewAdaptive(64)
	if _, ok := l.Learned(); ok {
		t.Fatal("learned something before any request")
	}
	s := hold(t, l, 12)
	releaseAll(l, s, Success) // the last sent with 11 others in flight
	if got, ok := l.Learned(); !ok || got != (Capacity{Good: 12}) {
		t.Fatalf("after 12 at once taken: %+v, %v; want Good 12", got, ok)
	}
	// 14 at once, but a 429 came back while they were in flight: the
	// server did not take them all.
	s = hold(t, l, 14)
	l.Release(s[13], Throttled)
	releaseAll(l, s[:13], Success)
	if got, _ := l.Learned(); got != (Capacity{Good: 12}) {
		t.Fatalf("successes with a 429 in flight taught %+v", got)
	}

	l = NewAdaptive(64)
	s = hold(t, l, 16)
	l.Release(s[15], Overloaded) // full with 15
	if got, _ := l.Learned(); got != (Capacity{Overloaded: 16}) {
		t.Fatalf("an overload with 15 older in flight taught %+v, want Overloaded 16", got)
	}
	releaseAll(l, s[:15], Success)
	if got, _ := l.Learned(); got != (Capacity{Overloaded: 16}) {
		t.Fatalf("successes in flight during the 429 taught %+v", got)
	}
	s = hold(t, l, 15) // the limit cut to 15
	releaseAll(l, s, Success)
	if got, _ := l.Learned(); got != (Capacity{Good: 15, Overloaded: 16}) {
		t.Fatalf("15 at once taken after the 429: %+v, want Good 15 Overloaded 16", got)
	}

	// Known levels carry over; a level taken above the known overload
	// level clears it; an overload below the known good level lowers it.
	l = NewAdaptiveKnown(64, Capacity{Good: 20, Overloaded: 24})
	l.Release(hold(t, l, 1)[0], Success)
	if got, _ := l.Learned(); got != (Capacity{Good: 20, Overloaded: 24}) {
		t.Fatalf("one request taught %+v, want the known levels", got)
	}
	l = NewAdaptiveKnown(64, Capacity{Good: 20})
	s = hold(t, l, 10)
	l.Release(s[9], Overloaded)
	if got, _ := l.Learned(); got != (Capacity{Good: 9, Overloaded: 10}) {
		t.Fatalf("an overload with 9 older in flight, known 20, taught %+v", got)
	}
	releaseAll(l, s[:9], Neutral)

	l = NewAdaptive(64)
	l.Release(hold(t, l, 1)[0], Overloaded)
	if got, ok := l.Learned(); ok || got != (Capacity{}) {
		t.Fatalf("an overload with none of ours in flight taught %+v", got)
	}
}
