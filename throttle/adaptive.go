package throttle

import (
	"context"
	"sync"
)

// Adaptive bounds the requests in flight with a limit that follows
// the server, as TCP's congestion window does: it grows by one per
// success (slow start, doubling each round of answers) until the first
// 429; a 429 cuts it (decrease); then a run of successes as long as the
// limit raises it by one (additive increase), up to the configured
// ceiling. So parallelism 64 against a server that takes 16 settles at 16
// to 17 instead of retrying storms of 429s.
//
// A 429 says the server was full with the requests sent before the
// throttled one that are still in flight, so the limit is cut to their
// number: by at least one and at most half, and a failed probe no lower
// than the level it probed from. The cut is not TCP's fixed
// half: a 429 costs nothing and comes back at once, and against a server
// of fixed capacity a deep cut leaves it under-used for the many rounds
// additive increase takes to climb back.
type Adaptive struct {
	mu      sync.Mutex
	ceiling int
	limit   int
	// inFlight holds the sequence numbers of the requests in flight.
	inFlight map[uint64]struct{}
	next     uint64
	// waiting counts callers blocked in acquire: demand above the limit.
	waiting int
	// slowStart is true until the first 429.
	slowStart bool
	// streak counts successes since the limit last changed.
	streak int
	// failedAt is the limit the last 429 cut. Climbing back to it takes
	// plateauRounds rounds of successes instead of one: it was just
	// found full, and probing it every round would draw a 429 a round.
	failedAt int
	// good is the limit a full round of successes last held at, before
	// additive increase probed one above it; 0 when there is none.
	good int
	// epoch counts decreases. A 429 from a request started before the
	// last decrease says nothing about the new limit, so it is not
	// allowed to cut it again.
	epoch uint64
	// wake is closed and replaced whenever a Slot may have freed up.
	wake chan struct{}
	// freed is closed and replaced when a request the server held ends
	// (any answer but a 429), or when none is left in flight.
	freed chan struct{}
}

// initialLimit is where slow start begins: a parallelism up to it is used
// from the first request, and a larger one is probed for, so that the
// first burst against a server that takes less meets at most this many
// 429s.
const initialLimit = 16

const plateauRounds = 4

// NewAdaptive returns a limit that never lets more than ceiling requests
// be in flight.
func NewAdaptive(ceiling int) *Adaptive {
	return &Adaptive{
		ceiling: ceiling, limit: min(ceiling, initialLimit), slowStart: true,
		inFlight: map[uint64]struct{}{},
		wake:     make(chan struct{}), freed: make(chan struct{}),
	}
}

// Slot is a request's place under the limit, handed back to Release.
type Slot struct {
	seq   uint64 // order of acquisition
	epoch uint64 // the decreases before it
}

// acquire waits for a Slot.
func (l *Adaptive) Acquire(ctx context.Context) (Slot, error) {
	for {
		l.mu.Lock()
		if len(l.inFlight) < l.limit {
			s := Slot{seq: l.next, epoch: l.epoch}
			l.next++
			l.inFlight[s.seq] = struct{}{}
			l.mu.Unlock()
			return s, nil
		}
		wake := l.wake
		l.waiting++
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
		}
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return Slot{}, err
		}
	}
}

// Outcome is what a request taught the limiter.
type Outcome int

const (
	Neutral   Outcome = iota // failed for another reason: no signal
	Success                  // the server took the request
	Throttled                // 429
)

// Release frees s and adjusts the limit. For a 429 while other requests
// are in flight it returns a channel closed when one of them ends: the
// server was full with them, so that is when the retry may find room,
// and it needs no timer on top. With none in flight it returns nil.
func (l *Adaptive) Release(s Slot, o Outcome) (retryAfter <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Only a limit that holds requests back is worth raising: successes
	// while there is no demand beyond it say nothing about a higher one,
	// and growing on them would let the limit drift far above what the
	// server takes. Demand is a full limit or a caller waiting; the
	// waiters matter when a round of answers comes back together, since
	// each release empties a Slot before the waiters refill it.
	saturated := len(l.inFlight) >= l.limit || l.waiting > 0
	delete(l.inFlight, s.seq)
	switch o {
	case Throttled:
		older := 0
		for seq := range l.inFlight {
			if seq < s.seq {
				older++
			}
		}
		if s.epoch == l.epoch {
			floor := l.limit / 2
			if l.limit > l.good {
				// A probe above the level a round held at failed: back to
				// that level, even when the older requests still in flight
				// are fewer (some finished just before the probe was sent).
				// A 429 at or below it means the server has less room now,
				// and the older requests decide.
				floor = max(floor, l.good)
			}
			l.failedAt = l.limit
			l.limit = max(min(older, l.limit-1), floor, 1)
			l.slowStart = false
			l.streak = 0
			l.epoch++
		}
		if len(l.inFlight) > 0 {
			retryAfter = l.freed
		}
	case Success:
		if saturated && l.limit < l.ceiling {
			round := l.limit
			if l.limit+1 >= l.failedAt {
				round *= plateauRounds
			}
			if l.streak++; l.slowStart || l.streak >= round {
				if !l.slowStart {
					l.good = l.limit
				}
				l.limit++
				l.streak = 0
			}
		}
	}
	close(l.wake)
	l.wake = make(chan struct{})
	// A 429 does not free room at the server: it must not wake the
	// retries of other 429s, or they would only meet it full again.
	if o != Throttled || len(l.inFlight) == 0 {
		close(l.freed)
		l.freed = make(chan struct{})
	}
	return retryAfter
}

// Current is the limit now.
func (l *Adaptive) Current() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}
