package views

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/pipeline"
)

// A change that a second interrupt cut off in flight is cancelled, not
// failed, in the JSON view as in the human view and both summaries: its
// apply_errored line is at warn level and says "cancelled"; a real
// failure stays at error level.
func TestJSONCancelledIsNotAnError(t *testing.T) {
	c := &pipeline.Change{Addr: "image.g", Action: pipeline.Replace, Kind: "image"}
	tests := []struct {
		name string
		err  error
		want map[string]any
	}{
		{"cancelled", fmt.Errorf("image.g: %w", context.Canceled), map[string]any{
			"type": "apply_errored", "@level": "warn", "@message": "image.g: cancelled (interrupted; nothing recorded)",
			"cancelled": true, "error": "context canceled",
		}},
		{"failed", errors.New("image.g: 400 InputTextSensitiveContentDetected"), map[string]any{
			"type": "apply_errored", "@level": "error", "@message": "image.g: 400 InputTextSensitiveContentDetected",
			"cancelled": nil, "error": "400 InputTextSensitiveContentDetected",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			j := NewJSON(&buf, "test")
			buf.Reset()
			j.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action, Err: tt.err, Elapsed: time.Second})
			// The first line is the apply_errored line; a failure's
			// error follows as a diagnostic, as in Terraform.
			var line map[string]any
			first, rest, _ := bytes.Cut(buf.Bytes(), []byte("\n"))
			if err := json.Unmarshal(first, &line); err != nil {
				t.Fatalf("%v: %s", err, buf.String())
			}
			if got, want := bytes.Contains(rest, []byte(`"type":"diagnostic"`)), tt.name == "failed"; got != want {
				t.Errorf("a diagnostic follows: %v, want %v:\n%s", got, want, buf.String())
			}
			hook, _ := line["hook"].(map[string]any)
			got := map[string]any{}
			for k := range tt.want {
				got[k] = line[k]
				if k == "cancelled" || k == "error" {
					got[k] = hook[k]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Finished (-want +got):\n%s", diff)
			}

			var human bytes.Buffer
			(&Human{W: &human, StillEvery: -1}).Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action, Err: tt.err, Elapsed: time.Second})
			if got, want := strings.Contains(human.String(), "cancelled"), tt.name == "cancelled"; got != want {
				t.Errorf("human view says %q; JSON view cancelled = %v", human.String(), want)
			}
		})
	}
}

// Started again for an asset whose earlier ticker is reporting must not
// wait for that ticker while holding the lock its report takes.
func TestStartedAgainWhileStillReporting(t *testing.T) {
	fc := newFakeClock()
	clk := fc.clock()
	var ticked chan struct{} // closed by the ticker's reading of the time
	now := clk.now
	clk.now = func() time.Time {
		if ticked != nil {
			close(ticked)
			ticked = nil
		}
		return now()
	}
	starts := 0
	var w writerFunc
	h := &Human{W: &w, clock: clk}
	w = func(p []byte) {
		if strings.HasSuffix(string(p), ": Generating...\n") {
			if starts++; starts == 2 {
				// The first ticker takes this tick and, once it reads the
				// time, reports it: while Started holds the view's lock.
				ch := make(chan struct{})
				ticked = ch
				fc.tick(10 * time.Second)
				<-ch
			}
		}
	}
	c := &pipeline.Change{Addr: "image.x", Action: pipeline.Create, Kind: "image"}
	h.Started(c)
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Started(c)
		h.Finished(c, &pipeline.Result{Addr: c.Addr, Action: c.Action})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a failure deadline, not a wait for success
		t.Fatal("Started deadlocked with the ticker's report")
	}
}

type writerFunc func(p []byte)

func (f *writerFunc) Write(p []byte) (int, error) { (*f)(p); return len(p), nil }

// TestDiskFullIsReported: a paid answer waiting for room on the disk is
// a warning in both views naming the held images, the asset and the
// directory to free space on; and an apply stopped for want of space
// says so in its summary.
func TestDiskFullIsReported(t *testing.T) {
	c := &pipeline.Change{Addr: "image.big", Action: pipeline.Create, Kind: "image"}
	diskErr := fmt.Errorf("image 1: writing to disk: %w", syscall.ENOSPC)
	want := "disk full: holding 2 paid image(s) of image.big in memory; free space on /repo/.seedform/staging (image 1: writing to disk: no space left on device)"

	// Not a want of space: the way out is another.
	var ro bytes.Buffer
	(&Human{W: &ro, StillEvery: -1}).DiskFull(c, 2, "/repo/.seedform/staging", fmt.Errorf("image 1: writing to disk: %w", syscall.EROFS))
	if got, want := strings.TrimSpace(ro.String()), "cannot write to /repo/.seedform/staging: holding 2 paid image(s) of image.big in memory until it can be written; make it writable, or interrupt twice to give up the paid answer (image 1: writing to disk: read-only file system)"; got != want {
		t.Errorf("human view of a read-only disk:\n%s\nwant\n%s", got, want)
	}

	var human bytes.Buffer
	(&Human{W: &human, StillEvery: -1}).DiskFull(c, 2, "/repo/.seedform/staging", diskErr)
	if got := strings.TrimSpace(human.String()); got != want {
		t.Errorf("human view:\n%s\nwant\n%s", got, want)
	}

	var buf bytes.Buffer
	j := NewJSON(&buf, "test")
	buf.Reset()
	j.DiskFull(c, 2, "/repo/.seedform/staging", diskErr)
	var line struct {
		Level   string `json:"@level"`
		Message string `json:"@message"`
		Type    string `json:"type"`
		Hook    struct {
			DiskFull map[string]any `json:"disk_full"`
		} `json:"hook"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	wantHook := map[string]any{"held_images": 2.0, "dir": "/repo/.seedform/staging", "error": diskErr.Error()}
	if line.Level != "warn" || line.Type != "apply_progress" || line.Message != want || !cmp.Equal(wantHook, line.Hook.DiskFull) {
		t.Errorf("JSON view: %s", buf.String())
	}

	res := &pipeline.ApplyResult{Stopped: true, DiskShort: &pipeline.DiskShortError{Addr: "image.big", Dir: "/repo/.seedform/staging", Free: 1 << 20, Need: 9 << 20},
		Results: []*pipeline.Result{{Addr: "image.big", Action: pipeline.Create, Skipped: "not started: not enough free disk space to keep its answer", Interrupted: true}}}
	human.Reset()
	(&Human{W: &human}).ApplySummary(res)
	buf.Reset()
	j.ApplySummary(res)
	for view, out := range map[string]string{"human": human.String(), "JSON": buf.String()} {
		if !strings.Contains(out, "Apply stopped: not enough free disk space.") {
			t.Errorf("%s summary: %s", view, out)
		}
	}
}
