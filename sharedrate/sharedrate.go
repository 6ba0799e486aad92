package sharedrate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// keyPrefix namespaces seedform's keys in a Redis shared with others.
const keyPrefix = "seedform:ipm:"

// Limiter draws images from budgets shared through Redis.
type Limiter struct {
	rdb    *redis.Client
	lim    *redis_rate.Limiter
	shares int // the number of processes sharing each budget, for the fallback
	warn   func(string)

	mu       sync.Mutex
	down     bool // Redis failed: every budget is its static share from now on
	fallback map[string]*rate.Limiter
}

// Open connects to the Redis at url (redis://[user:password@]host:port/db)
// and checks that it answers. shares is how many processes split each
// budget when Redis fails; warn is told, once, that it did.
func Open(ctx context.Context, url string, shares int, warn func(string)) (*Limiter, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("rate_limit: redis_url: %w", redactURL(err, url))
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second
	// A failure falls back at once rather than after a round of redials.
	opts.MaxRetries = -1
	quietOnce.Do(func() { redis.SetLogger(quiet{}) })
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("rate_limit: redis at %s: %w", opts.Addr, err)
	}
	return &Limiter{rdb: rdb, lim: redis_rate.NewLimiter(rdb), shares: max(1, shares), warn: warn, fallback: map[string]*rate.Limiter{}}, nil
}

// quiet keeps go-redis's own log lines (its pool's dial failures) out of
// seedform's output: a failure reaches the user once, through warn.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...interface{}) {}

var quietOnce sync.Once

// Close closes the connection.
func (l *Limiter) Close() error { return l.rdb.Close() }

// Wait takes n images from the budget of imagesPerMinute named by key
// (the provider instance and the model), waiting as long as it must. A
// budget of 0 or less is no limit.
func (l *Limiter) Wait(ctx context.Context, key string, imagesPerMinute, n int) error {
	if imagesPerMinute <= 0 {
		return nil
	}
	// A burst of a tenth of a second's worth, as the client's own budget:
	// any one-second window stays within about 10% of the rate.
	limit := redis_rate.Limit{Rate: imagesPerMinute, Period: time.Minute, Burst: max(1, imagesPerMinute/600)}
	for range n {
		if err := l.waitOne(ctx, key, limit); err != nil {
			return err
		}
	}
	return nil
}

func (l *Limiter) waitOne(ctx context.Context, key string, limit redis_rate.Limit) error {
	for {
		if l.isDown() {
			return l.local(key, limit).Wait(ctx)
		}
		res, err := l.lim.Allow(ctx, keyPrefix+key, limit)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			l.fail(err)
			continue
		case res.Allowed > 0:
			return nil
		}
		t := time.NewTimer(res.RetryAfter)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (l *Limiter) isDown() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.down
}

// fail switches every budget to its static share, and says so once.
func (l *Limiter) fail(err error) {
	l.mu.Lock()
	first := !l.down
	l.down = true
	l.mu.Unlock()
	if first && l.warn != nil {
		l.warn(fmt.Sprintf("the shared rate limit in Redis failed (%v): each budget is this process's static share (1/%d) from now on", err, l.shares))
	}
}

// local is key's static share.
func (l *Limiter) local(key string, limit redis_rate.Limit) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.fallback[key]
	if r == nil {
		perSecond := float64(limit.Rate) / limit.Period.Seconds() / float64(l.shares)
		r = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))
		l.fallback[key] = r
	}
	return r
}

// redactURL keeps a password in url out of err's text.
func redactURL(err error, url string) error {
	msg := err.Error()
	if i := strings.Index(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j >= 0 && j < i {
			msg = strings.ReplaceAll(msg, url[j+3:i], "REDACTED")
		}
	}
	return fmt.Errorf("%s", msg)
}
