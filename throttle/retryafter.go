package throttle

import (
	"net/http"
	"strconv"
	"time"
)

// RetryAfter is how long an answer asks the client to wait before trying
// again: the retry-after-ms header some servers send, else Retry-After as
// seconds (whole or not) or an HTTP date. 0 when it asks nothing, or a
// date already past.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("retry-after-ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := h.Get("Retry-After")
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(max(secs, 0) * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
