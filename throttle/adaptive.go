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
	// throttles counts every 429: a success is evidence of the server's
	// room only if no 429 came back while it was in flight.
	throttles uint64
	// learned is what the server has shown it takes: the Capacity the
	// limiter started from, updated by every clean success and every cut;
	// observed is set once this run taught anything.
	learned  Capacity
	observed bool
	// wake is closed and replaced whenever a Slot may have freed up.
	wake chan struct{}
	// freed is closed and replaced when a request the server held ends
	// (any answer but a 429), or when none is left in flight.
	freed chan struct{}
}

// initialLimit is where slow start begins against a server of unknown
// capacity: a parallelism up to it is used from the first request, and a
// larger one is probed for, so that the first burst against a server that
// takes less meets at most this many 429s. A server that has shown it
// takes more starts higher (NewAdaptiveKnown).
const initialLimit = 16

const plateauRounds = 4

// NewAdaptive returns a limit that never lets more than ceiling requests
// be in flight, knowing nothing of the server: it slow-starts from
// initialLimit.
func NewAdaptive(ceiling int) *Adaptive { return NewAdaptiveKnown(ceiling, Capacity{}) }

// Capacity is what a server has shown it takes, in requests in flight at
// once, as a limiter learns it (Adaptive.Learned) and as the next run
// starts from (NewAdaptiveKnown). A zero field is unknown.
type Capacity struct {
	// Good is the most requests the server has held at once with every
	// one taken: a request sent with Good-1 others in flight succeeded,
	// and no 429 came back while it was in flight.
	Good int
	// Overloaded is the number in flight at which the server last
	// answered 429, when that was above Good: the level a climb meets a
	// 429 at again.
	Overloaded int
}

// NewAdaptiveKnown returns a limit that never lets more than ceiling
// requests be in flight and starts from what the server has shown it
// takes, as Linux caches a route's ssthresh: no slow start below the
// known good level, so an apply whose parallelism the server has taken
// before sends all of it in its first round. Above it, slow start as in
// NewAdaptive, but ending one below a known overload level, from where
// additive increase probes with care. A 429 still cuts the limit: a known
// level is a starting point, not a promise.
func NewAdaptiveKnown(ceiling int, known Capacity) *Adaptive {
	known.Good, known.Overloaded = max(known.Good, 0), max(known.Overloaded, 0)
	if known.Overloaded > 0 && known.Overloaded <= known.Good {
		known.Overloaded = 0 // inconsistent: the server took more since
	}
	start := max(initialLimit, known.Good)
	if known.Overloaded > 0 {
		start = min(start, known.Overloaded-1)
	}
	l := &Adaptive{
		ceiling: ceiling, limit: max(min(ceiling, start), 1), slowStart: true,
		failedAt: known.Overloaded, learned: known,
		inFlight: map[uint64]struct{}{},
		wake:     make(chan struct{}), freed: make(chan struct{}),
	}
	if known.Good > 0 {
		// A round held there: a failed probe above it falls back to it.
		l.good = min(known.Good, l.limit)
	}
	l.endSlowStart()
	return l
}

// endSlowStart ends slow start one below a known overload level: doubling
// into it would only draw a round of 429s.
func (l *Adaptive) endSlowStart() {
	if l.slowStart && l.failedAt > 0 && l.limit >= l.failedAt-1 {
		l.slowStart = false
	}
}

// Learned is what the server has shown it takes, the known Capacity the
// limiter started from updated by this run, and whether this run taught
// anything (a request taken with no 429 in flight, or a cut).
func (l *Adaptive) Learned() (Capacity, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.learned, l.observed
}

// Slot is a request's place under the limit, handed back to Release.
type Slot struct {
	seq   uint64 // order of acquisition
	epoch uint64 // the decreases before it
	// depth is the requests in flight when it was acquired, itself
	// included; throttles is Adaptive.throttles then.
	depth     int
	throttles uint64
}

// acquire waits for a Slot.
func (l *Adaptive) Acquire(ctx context.Context) (Slot, error) {
	for {
		l.mu.Lock()
		if len(l.inFlight) < l.limit {
			s := Slot{seq: l.next, epoch: l.epoch, depth: len(l.inFlight) + 1, throttles: l.throttles}
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
	// Overloaded is a 429 that says the server is full with requests (as
	// opposed to an account's quota): it is a Throttled that also tells
	// the level the server is full at (Capacity.Overloaded).
	Overloaded
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
	throttled := o == Throttled || o == Overloaded
	switch {
	case throttled:
		older := 0
		for seq := range l.inFlight {
			if seq < s.seq {
				older++
			}
		}
		l.throttles++
		if s.epoch == l.epoch {
			if o == Overloaded {
				l.learnOverload(older)
			}
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
	case o == Success:
		if s.throttles == l.throttles {
			// No 429 while it was in flight: the server held s.depth
			// requests at once and took them all.
			l.observed = true
			if s.depth > l.learned.Good {
				l.learned.Good = s.depth
				if l.learned.Overloaded <= s.depth {
					l.learned.Overloaded = 0
				}
			}
		}
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
				l.endSlowStart()
			}
		}
	}
	close(l.wake)
	l.wake = make(chan struct{})
	// A 429 does not free room at the server: it must not wake the
	// retries of other 429s, or they would only meet it full again.
	if !throttled || len(l.inFlight) == 0 {
		close(l.freed)
		l.freed = make(chan struct{})
	}
	return retryAfter
}

// learnOverload notes a 429 that cut the limit and said the server was
// full, with older of the client's requests, sent before the refused one,
// still in flight. l.mu is held, and the cut is still to be made.
func (l *Adaptive) learnOverload(older int) {
	level := older + 1
	if l.good > 0 && l.limit > l.good && level <= l.good {
		// A failed probe above the level a round held at: some older
		// requests ended just before it was sent (as for the cut's
		// floor), and it is the probed level the server refused.
		level = l.limit
	}
	if level < 2 {
		// Full with none of ours: with others' requests, which says
		// nothing of what it takes from us.
		return
	}
	l.observed = true
	l.learned.Overloaded = level
	l.learned.Good = min(l.learned.Good, level-1)
}

// Current is the limit now.
func (l *Adaptive) Current() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}
