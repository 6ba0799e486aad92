package seedream

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBackoff checks the schedule with the jitter at both ends of its
// range: the wait doubles from the minimum, stops at the cap, never
// falls below half of it, and a longer Retry-After wins.
func TestBackoff(t *testing.T) {
	const minWait, maxWait = 500 * time.Millisecond, 8 * time.Second
	none := func(time.Duration) time.Duration { return 0 }
	most := func(n time.Duration) time.Duration { return n - 1 }
	var low, high []time.Duration
	for attempt := 1; attempt <= 7; attempt++ {
		low = append(low, backoff(attempt, 0, minWait, maxWait, none))
		high = append(high, backoff(attempt, 0, minWait, maxWait, most))
	}
	ms := time.Millisecond
	if diff := cmp.Diff([]time.Duration{250 * ms, 500 * ms, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}, low); diff != "" {
		t.Errorf("least jitter (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{500 * ms, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}, high); diff != "" {
		t.Errorf("most jitter (-want +got):\n%s", diff)
	}

	// The jitter is drawn over the upper half, inclusive.
	var asked []time.Duration
	backoff(3, 0, minWait, maxWait, func(n time.Duration) time.Duration { asked = append(asked, n); return 0 })
	if diff := cmp.Diff([]time.Duration{time.Second + 1}, asked); diff != "" {
		t.Errorf("jitter range asked (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		retryAfter, want time.Duration
	}{
		{3 * time.Second, 3 * time.Second}, // longer than the backoff: honoured
		{100 * ms, 500 * ms},               // shorter: the backoff still applies
		{time.Minute, time.Minute},         // beyond the cap: still honoured
	} {
		if got := backoff(2, tt.retryAfter, minWait, maxWait, none); got != tt.want {
			t.Errorf("Retry-After %v: waited %v, want %v", tt.retryAfter, got, tt.want)
		}
	}
}

// TestBackoffJitterSpread checks the real random source: every wait is in
// the upper half of the backoff, and the waits differ.
func TestBackoffJitterSpread(t *testing.T) {
	c, err := NewClient(Config{BaseURL: "https://ark.example.com/api/v3", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[time.Duration]bool{}
	for range 200 {
		d := backoff(3, 0, time.Second, time.Minute, c.jitter)
		if d < 2*time.Second || d > 4*time.Second {
			t.Fatalf("waited %v, want within [2s, 4s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct waits in 200: no jitter", len(seen))
	}
}

// TestConfigDefaults checks what a zero Config resolves to.
func TestConfigDefaults(t *testing.T) {
	if DefaultMaxImageBytes != 64<<20 {
		t.Errorf("DefaultMaxImageBytes = %d, want 64 MiB", DefaultMaxImageBytes)
	}
	tests := []struct {
		name string
		in   Config
		want Config
	}{
		{"zero", Config{}, Config{
			Parallelism: 4, MaxRetries: 4, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second,
			Timeout: 10 * time.Minute, ResponseFormat: FormatURL, MaxImageBytes: 64 << 20,
		}},
		{"no retries, own limits", Config{MaxRetries: NoRetries, MaxImageBytes: 1000, Parallelism: 3, Timeout: time.Second}, Config{
			Parallelism: 3, MaxRetries: 0, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second,
			Timeout: time.Second, ResponseFormat: FormatURL, MaxImageBytes: 1000,
		}},
	}
	for _, tt := range tests {
		in, want := tt.in, tt.want
		in.BaseURL, in.APIKey = "https://ark.example.com/api/v3", "k"
		want.BaseURL, want.APIKey = in.BaseURL, in.APIKey
		c, err := NewClient(in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, c.cfg); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestNoResponseHeaderTimeout: the API may send headers only once the
// first image is done, so nothing but Config.Timeout may bound the wait.
func TestNoResponseHeaderTimeout(t *testing.T) {
	c, err := NewClient(Config{BaseURL: "https://ark.example.com/api/v3", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.http.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T", c.http.Transport)
	}
	if tr.ResponseHeaderTimeout != 0 || c.http.Timeout != 0 {
		t.Errorf("header time-out %v, client time-out %v: both must be 0", tr.ResponseHeaderTimeout, c.http.Timeout)
	}
}

// TestErrorString checks each part of the printed error.
func TestErrorString(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Op: "generate", StatusCode: 400, Code: "InvalidParameter", Message: "bad size", Param: "size", RequestID: "r1"},
			"seedream generate: HTTP 400: InvalidParameter: bad size (param size) (request id r1)"},
		{Error{Op: "generate", StatusCode: 400, Code: "InvalidParameter", Message: "bad size. Request ID: r1", Param: "size", RequestID: "r1"},
			"seedream generate: HTTP 400: InvalidParameter: bad size. Request ID: r1 (param size)"},
		{Error{Op: "download", StatusCode: 503, Message: "busy", RequestID: "r2", Attempts: 3},
			"seedream download: HTTP 503: busy (request id r2) (after 3 attempts)"},
		{Error{Op: "generate", Message: "connection failed", Err: http.ErrHandlerTimeout, Attempts: 1},
			"seedream generate: connection failed: http: Handler timeout"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}
