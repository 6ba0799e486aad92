package throttle

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 9, 10, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		retryAfter, ms string
		want           time.Duration
	}{
		{"", "", 0},
		{"3", "", 3 * time.Second},
		{"1.5", "", 1500 * time.Millisecond},
		{"-1", "", 0},
		{"Wed, 10 Sep 2025 12:00:07 GMT", "", 7 * time.Second},
		{"Wed, 10 Sep 2025 11:00:00 GMT", "", 0},
		{"soon", "", 0},
		{"3", "250", 250 * time.Millisecond},
	} {
		h := http.Header{}
		if tt.retryAfter != "" {
			h.Set("Retry-After", tt.retryAfter)
		}
		if tt.ms != "" {
			h.Set("retry-after-ms", tt.ms)
		}
		if got := RetryAfter(h, now); got != tt.want {
			t.Errorf("Retry-After %q, retry-after-ms %q: %v, want %v", tt.retryAfter, tt.ms, got, tt.want)
		}
	}
}
