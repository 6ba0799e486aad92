package throttle

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateHeadroom is the share of images_per_minute a client uses: the
// vendor counts its own minute, and network jitter pushes a client that
// runs exactly at the limit over it in some windows (each excess image is
// a 429).
const rateHeadroom = 0.99

// Rate is an images-per-minute budget. A nil *Rate is no limit.
type Rate struct {
	mu  sync.Mutex
	lim *rate.Limiter
}

// NewRate returns the budget of imagesPerMinute, or nil when it is 0. A
// burst of a tenth of a second's worth keeps any one-second window
// within about 10% of the rate (600 IPM: 11 starts at most).
func NewRate(imagesPerMinute int) *Rate {
	if imagesPerMinute <= 0 {
		return nil
	}
	perSecond := float64(imagesPerMinute) / 60 * rateHeadroom
	return &Rate{lim: rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))}
}

// Wait takes n images from the budget. The request starts as soon as one
// image's worth is there, and the rest is taken as debt that later
// requests wait out: so a set of 5 at 10 images a second is followed by a
// pause of half a second, and no one-second window starts much more than
// the rate. Waiting for all n first would let the set and the requests
// after it start in the same second.
func (r *Rate) Wait(ctx context.Context, n int) error {
	if r == nil {
		return nil
	}
	// One request's tokens are taken in one go, not interleaved with
	// others'.
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.lim.Wait(ctx); err != nil {
		return err
	}
	now := time.Now()
	for rest := n - 1; rest > 0; {
		k := min(rest, r.lim.Burst())
		r.lim.ReserveN(now, k) // never fails: k <= burst
		rest -= k
	}
	return nil
}
