package seedream

import (
	"context"
	"sync"
)

// adaptiveLimit bounds the requests in flight with a limit that follows
// the server, as TCP's congestion window does: it starts small and grows
// by one per success (slow start) until the first 429; a 429 cuts it to
// three quarters (multiplicative decrease); then a run of successes as
// long as the limit raises it by one (additive increase), up to the
// configured ceiling. So parallelism 64 against a server that takes 16
// settles between 12 and 16 instead of retrying storms of 429s.
type adaptiveLimit struct {
	mu       sync.Mutex
	ceiling  int
	limit    int
	inFlight int
	// slowStart is true until the first 429.
	slowStart bool
	// streak counts successes since the limit last changed.
	streak int
	// epoch counts decreases. A 429 from a request started before the
	// last decrease says nothing about the new limit, so it is not
	// allowed to halve it again.
	epoch uint64
	// wake is closed and replaced whenever a slot may have freed up.
	wake chan struct{}
}

// initialLimit is where slow start begins: low enough that a burst of
// requests does not meet a wall of 429s, high enough to reach 64 within
// three rounds of answers.
const initialLimit = 8

func newAdaptiveLimit(ceiling int) *adaptiveLimit {
	return &adaptiveLimit{
		ceiling: ceiling, limit: min(ceiling, initialLimit), slowStart: true,
		wake: make(chan struct{}),
	}
}

// acquire waits for a slot and returns the epoch to hand back to release.
func (l *adaptiveLimit) acquire(ctx context.Context) (uint64, error) {
	for {
		l.mu.Lock()
		if l.inFlight < l.limit {
			l.inFlight++
			epoch := l.epoch
			l.mu.Unlock()
			return epoch, nil
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// outcome is what a request taught the limiter.
type outcome int

const (
	outcomeNeutral   outcome = iota // failed for another reason: no signal
	outcomeSuccess                  // the server took the request
	outcomeThrottled                // 429
)

// release frees the slot taken at epoch and adjusts the limit.
func (l *adaptiveLimit) release(epoch uint64, o outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Only a limit in full use has been tested: successes while fewer
	// requests are in flight say nothing about a higher one, and growing
	// on them would let the limit drift far above what the server takes.
	saturated := l.inFlight >= l.limit
	l.inFlight--
	switch o {
	case outcomeThrottled:
		if epoch == l.epoch {
			l.limit = max(l.limit*3/4, 1)
			l.slowStart = false
			l.streak = 0
			l.epoch++
		}
	case outcomeSuccess:
		if saturated && l.limit < l.ceiling {
			if l.streak++; l.slowStart || l.streak >= l.limit {
				l.limit++
				l.streak = 0
			}
		}
	}
	close(l.wake)
	l.wake = make(chan struct{})
}

func (l *adaptiveLimit) current() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}
