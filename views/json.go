package views

import (
	"encoding/json"
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
	mu  sync.Mutex
	enc *json.Encoder
	now func() time.Time
}

// NewJSON starts a JSON-lines view and writes the version line.
func NewJSON(w io.Writer, version string) *JSON {
	j := &JSON{enc: json.NewEncoder(w), now: time.Now}
	j.emit(map[string]any{"type": "version", "@message": "seedform " + version, "seedform": version, "ui": JSONUIVersion})
	return j
}

func (j *JSON) emit(m map[string]any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	m["@timestamp"] = j.now().UTC().Format(time.RFC3339Nano)
	if _, ok := m["@level"]; !ok {
		m["@level"] = "info"
	}
	_ = j.enc.Encode(m) // nowhere to report a failed write to stdout
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
		j.emit(map[string]any{"type": "planned_change", "address": c.Addr, "@message": headline(c), "change": c})
	}
	s := p.Summary()
	j.emit(map[string]any{"type": "change_summary", "@message": SummaryLine(s), "changes": map[string]int{
		"generate": s.Generate, "generate_images": s.GenerateImages, "regenerate": s.Regenerate,
		"regenerate_images": s.RegenImages, "update": s.Update, "move": s.Move, "delete": s.Delete,
		"recover": s.Recover, "accept": s.Accept, "drift": s.Drift,
	}, "operation": "plan"})
}

// Started implements pipeline.Hook.
func (j *JSON) Started(c *pipeline.Change) {
	j.emit(map[string]any{"type": "apply_start", "address": c.Addr, "action": c.Action, "@message": c.Addr + ": " + verbing(c.Action)})
}

// ImageReady implements pipeline.Hook.
func (j *JSON) ImageReady(c *pipeline.Change, index, width, height int) {
	j.emit(map[string]any{"type": "apply_progress", "address": c.Addr, "image_index": index, "width": width, "height": height,
		"@message": c.Addr + ": image ready"})
}

// Finished implements pipeline.Hook.
func (j *JSON) Finished(c *pipeline.Change, r *pipeline.Result) {
	m := map[string]any{"address": c.Addr, "action": c.Action, "elapsed_seconds": r.Elapsed.Seconds()}
	switch {
	case r.Skipped != "":
		m["type"], m["@level"], m["@message"], m["reason"] = "apply_skipped", "warn", c.Addr+": skipped", r.Skipped
	case r.Err != nil:
		m["type"], m["@level"], m["@message"], m["error"] = "apply_errored", "error", r.Err.Error(), r.Err.Error()
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
	j.emit(m)
}

// Stopping implements pipeline.Hook.
func (j *JSON) Stopping() {
	j.emit(map[string]any{"type": "interrupt", "@level": "warn", "@message": "interrupt received: starting nothing new"})
}

// ApplySummary writes the closing summary line.
func (j *JSON) ApplySummary(res *pipeline.ApplyResult) {
	counts := map[string]int{}
	for _, r := range res.Results {
		switch {
		case r.Skipped != "":
			counts["skipped"]++
		case r.Err != nil:
			counts["failed"]++
		default:
			counts[string(r.Action)]++
		}
	}
	j.emit(map[string]any{"type": "change_summary", "operation": "apply", "changes": counts, "interrupted": res.Stopped,
		"@message": "apply finished"})
}

// Message writes a free-form log line.
func (j *JSON) Message(level, msg string) {
	j.emit(map[string]any{"type": "log", "@level": level, "@message": msg})
}
