package views

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/pipeline"
)

// JSONUIVersion is the version of the JSON-lines format. Readers must
// ignore fields they do not know, so fields can be added.
const JSONUIVersion = "1.0"

// JSON is the machine view: one JSON object per line, the first a version
// line; every later one has a "type" and, where there is one, an "address".
type JSON struct {
	// StillEvery is how often each asset in flight gets an apply_progress
	// line with its elapsed_seconds: 0 means DefaultStillEvery, negative
	// never. Set it before the apply starts.
	StillEvery time.Duration

	// Files are each planned change's current output files, by address,
	// for readers that render their own review; set before Plan.
	Files map[string][]PlanFile

	mu       sync.Mutex
	enc      *json.Encoder
	clock    clock
	progress *inFlight
}

// NewJSON starts a JSON-lines view and writes the version line.
func NewJSON(w io.Writer, version string) *JSON {
	j := &JSON{enc: json.NewEncoder(w), clock: realClock()}
	j.emit(map[string]any{"type": "version", "@message": "seedform " + version, "seedform": version, "ui": JSONUIVersion})
	return j
}

func (j *JSON) emit(m map[string]any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	m["@timestamp"] = j.clock.now().UTC().Format(time.RFC3339Nano)
	if _, ok := m["@level"]; !ok {
		m["@level"] = "info"
	}
	_ = j.enc.Encode(m) // nowhere to report a failed write to stdout
}

// PlanFile is one file an asset has before a planned change: its path
// relative to the configuration directory, its content, and the path of
// its thumbnail when a review report was written.
type PlanFile struct {
	Path      string `json:"path"`
	SHA256    string `json:"sha256"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
	Thumbnail string `json:"thumbnail,omitempty"`
}

// Diagnostics writes one line per diagnostic.
func (j *JSON) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	for _, d := range diags {
		jd := NewJSONDiagnostic(d, files)
		j.emit(map[string]any{"type": "diagnostic", "@level": jd.Severity, "@message": jd.Summary, "diagnostic": jd})
	}
}

// Plan writes one planned_change line per change and the summary.
func (j *JSON) Plan(p *pipeline.Plan) {
	for _, c := range p.Changes {
		if len(c.Drift) > 0 {
			j.emit(map[string]any{"type": "resource_drift", "address": c.Addr, "@message": c.Addr + ": outputs edited by hand", "files": c.Drift})
		}
		if c.Action == pipeline.NoOp {
			continue
		}
		// The cost is also on the line itself, beside the change summary's.
		m := map[string]any{"type": "planned_change", "address": c.Addr, "@message": headline(c), "change": c, "cost": c.Cost}
		if files := j.Files[c.Addr]; len(files) > 0 {
			m["current_files"] = files
		}
		j.emit(m)
	}
	s := p.Summary()
	j.emit(map[string]any{"type": "change_summary", "@message": SummaryLine(s), "changes": map[string]int{
		"generate": s.Generate, "generate_images": s.GenerateImages, "regenerate": s.Regenerate,
		"regenerate_images": s.RegenImages, "update": s.Update, "move": s.Move, "delete": s.Delete,
		"recover": s.Recover, "accept": s.Accept, "drift": s.Drift,
	}, "cost": s.Cost, "operation": "plan"})
}

// Started implements pipeline.Hook.
func (j *JSON) Started(c *pipeline.Change) {
	j.emit(map[string]any{"type": "apply_start", "address": c.Addr, "action": c.Action, "@message": c.Addr + ": " + verbing(c.Action)})
	if c.Action.CallsProvider() {
		j.inFlight().start(c)
	}
}

// inFlight returns the ticker of assets in flight, made on first use.
func (j *JSON) inFlight() *inFlight {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.progress == nil {
		j.progress = newInFlight(j.StillEvery, j.clock, j.still)
	}
	return j.progress
}

// still reports that c is still in flight, as Terraform's apply_progress does.
func (j *JSON) still(c *pipeline.Change, elapsed time.Duration) {
	j.emit(map[string]any{"type": "apply_progress", "address": c.Addr, "action": c.Action,
		"elapsed_seconds": int(elapsed.Seconds()),
		"@message":        stillMessage(c, elapsed)})
}

// StopProgress ends every in-flight ticker; the command calls it when the
// apply returns.
func (j *JSON) StopProgress() {
	j.inFlight().stopAll()
}

// ImageReady implements pipeline.Hook.
func (j *JSON) ImageReady(c *pipeline.Change, index, width, height int) {
	j.emit(map[string]any{"type": "apply_progress", "address": c.Addr, "image_index": index, "width": width, "height": height,
		"@message": fmt.Sprintf("%s: image %d ready", c.Addr, index+1)})
}

// Finished implements pipeline.Hook. A change cut off in flight by a
// second interrupt is an apply_errored line like a failure, for readers
// that know only that type, but at warn level and with "cancelled": true,
// as the summary counts it: cancelled, not failed.
func (j *JSON) Finished(c *pipeline.Change, r *pipeline.Result) {
	j.inFlight().finish(c.Addr)
	m := map[string]any{"address": c.Addr, "action": c.Action, "elapsed_seconds": r.Elapsed.Seconds()}
	switch {
	case r.Skipped != "":
		m["type"], m["@level"], m["@message"], m["reason"] = "apply_skipped", "warn", c.Addr+": skipped", r.Skipped
	case cancelled(r):
		m["type"], m["@level"], m["@message"], m["error"] = "apply_errored", "warn", c.Addr+": cancelled (interrupted; nothing recorded)", errText(c.Addr, r.Err)
		m["cancelled"] = true
		if len(r.Outputs) > 0 {
			m["outputs"] = r.Outputs
		}
	case r.Err != nil:
		msg := errText(c.Addr, r.Err)
		m["type"], m["@level"], m["@message"], m["error"] = "apply_errored", "error", c.Addr+": "+msg, msg
		if len(r.Outputs) > 0 {
			m["outputs"] = r.Outputs
		}
	default:
		m["type"], m["@message"] = "apply_complete", c.Addr+": "+done(c.Action)
		if len(r.Outputs) > 0 {
			m["outputs"] = r.Outputs
		}
		if len(r.Failed) > 0 {
			m["failed_images"] = r.Failed
		}
	}
	if len(r.Notes) > 0 {
		m["notes"] = r.Notes
	}
	j.emit(m)
}

// Stopping implements pipeline.Hook; the engine calls it once, as soon as
// the interrupt comes.
func (j *JSON) Stopping() {
	j.emit(map[string]any{"type": "interrupt", "@level": "warn", "@message": "interrupt received: starting nothing new"})
}

// ApplySummary writes the closing summary line. Like the human view's,
// it keeps what an interrupt left undone ("not_started", "cancelled")
// apart from what failed ("failed", and "skipped" for their dependents).
func (j *JSON) ApplySummary(res *pipeline.ApplyResult) {
	o := outcomeOf(res)
	counts := map[string]int{}
	for a, n := range o.counts {
		counts[string(a)] = n
	}
	for _, r := range o.failed {
		if r.Err != nil {
			counts["failed"]++
		} else {
			counts["skipped"]++
		}
	}
	if n := len(o.notStarted); n > 0 {
		counts["not_started"] = n
	}
	if n := len(o.cancelled); n > 0 {
		counts["cancelled"] = n
	}
	msg := "apply complete"
	switch {
	case o.interrupted:
		msg = "apply interrupted"
	case len(o.failed) > 0:
		msg = "apply finished with errors"
	}
	m := map[string]any{"type": "change_summary", "operation": "apply", "changes": counts, "interrupted": o.interrupted, "@message": msg}
	if len(o.notStarted) > 0 {
		m["not_started"] = addrs(o.notStarted)
	}
	if len(o.cancelled) > 0 {
		m["cancelled"] = addrs(o.cancelled)
	}
	if b := res.Budget; b != nil {
		m["budget"] = map[string]any{"limit": b.Limit, "spent": b.Spent, "currency": b.Currency, "stopped": b.Stopped}
		if b.Stopped {
			m["@message"] = "apply stopped at the budget"
		}
	}
	j.emit(m)
}

func addrs(rs []*pipeline.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Addr
	}
	return out
}

// Message writes a free-form log line.
func (j *JSON) Message(level, msg string) {
	j.emit(map[string]any{"type": "log", "@level": level, "@message": msg})
}
