package provider

import (
	"context"
	"errors"
	"testing"

	"github.com/seedform/seedform/seedream"
)

// TestMarkLost: only an answer whose every download failed for good is
// given up; anything that may work later keeps it recoverable.
func TestMarkLost(t *testing.T) {
	expired := &seedream.Error{Op: "download", StatusCode: 403, Code: "AccessDenied"}
	tooLarge := &seedream.Error{Op: "download", Message: "image too large"}
	flaky := &seedream.Error{Op: "download", StatusCode: 503, Transient: true}
	cancelled := &seedream.Error{Op: "download", Err: context.Canceled}
	wrap := func(errs ...error) error {
		return &seedream.Error{Op: "generate", Message: "downloading the images failed", Err: errors.Join(errs...)}
	}
	tests := []struct {
		name string
		err  error
		lost bool
	}{
		{"no error", nil, false},
		{"a generation error", &seedream.Error{Op: "generate", StatusCode: 400, Code: "InvalidParameter"}, false},
		{"an expired URL", wrap(expired), true},
		{"every download for good", wrap(expired, tooLarge), true},
		{"a recovery's own download", expired, true},
		{"one download may work later", wrap(expired, flaky), false},
		{"cancelled mid-download", wrap(cancelled), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markLost(tt.err)
			if lost := errors.Is(got, ErrAnswerLost); lost != tt.lost {
				t.Errorf("lost = %v, want %v", lost, tt.lost)
			}
			if tt.err != nil && got.Error() != tt.err.Error() {
				t.Errorf("message changed: %q, want %q", got, tt.err)
			}
			if tt.err != nil && !errors.Is(got, tt.err) {
				t.Errorf("the cause is no longer reachable with errors.Is")
			}
		})
	}
}
