package views

import (
	"context"
	"errors"
	"strings"

	"github.com/seedform/seedform/pipeline"
)

// applyOutcome sorts an apply's results for its summary. An interrupt is
// not an error: what it kept from starting is "not started", and what a
// second interrupt cut off in flight is "cancelled"; both are done by the
// next apply.
type applyOutcome struct {
	interrupted bool
	counts      map[pipeline.Action]int
	done        []*pipeline.Result // finished and recorded
	failed      []*pipeline.Result // errors, and the skips they caused
	notStarted  []*pipeline.Result
	cancelled   []*pipeline.Result
}

func outcomeOf(res *pipeline.ApplyResult) applyOutcome {
	o := applyOutcome{interrupted: res.Stopped, counts: map[pipeline.Action]int{}}
	for _, r := range res.Results {
		switch {
		case r.Err == nil && r.Skipped == "":
			o.done = append(o.done, r)
			o.counts[r.Action]++
		case !r.Interrupted && !cancelled(r):
			o.failed = append(o.failed, r)
		case r.Err != nil:
			o.cancelled = append(o.cancelled, r)
			o.interrupted = true
		default:
			o.notStarted = append(o.notStarted, r)
			o.interrupted = true
		}
	}
	return o
}

// cancelled reports whether r was cut off in flight: only a second
// interrupt cancels the apply's context, so this is the user's doing, not
// the asset's failure. Every view says so, and the summaries count it as
// "cancelled", not "failed".
func cancelled(r *pipeline.Result) bool {
	return errors.Is(r.Err, context.Canceled)
}

// errText is the message of an asset's error without a leading address:
// every view line names the asset already, and an error that names it
// again reads `image.a: image.a: ...`.
func errText(addr string, err error) string {
	msg := err.Error()
	for strings.HasPrefix(msg, addr+": ") {
		msg = strings.TrimPrefix(msg, addr+": ")
	}
	return msg
}
