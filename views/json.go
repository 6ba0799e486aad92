package views

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/views/jsonui"
)

// JSON is the machine view: one jsonui.Message per line, the first a
// version line (README "Machine-readable UI").
type JSON struct {
	// StillEvery is how often each asset in flight gets an apply_progress
	// line with its elapsed_seconds: 0 means DefaultStillEvery, negative
	// never. Set it before the apply starts.
	StillEvery time.Duration
	// Operation is what the change summaries sum up: plan, or destroy for
	// plan -destroy and destroy; apply's summary says apply or destroy.
	Operation jsonui.Operation

	// Files are each planned change's current output files, by address,
	// for readers that render their own review; set before Plan.
	Files map[string][]jsonui.CurrentFile

	mu       sync.Mutex
	enc      *json.Encoder
	clock    clock
	progress *inFlight
	count    progressCount
	started  map[string]time.Time // when each asset in flight started
	shard    *jsonui.Shard        // on every line of a sharded apply
}

// NewJSON starts a JSON-lines view and writes the version line.
func NewJSON(w io.Writer, version string) *JSON {
	j := &JSON{enc: json.NewEncoder(w), clock: realClock(), Operation: jsonui.OperationPlan}
	j.emit(jsonui.Message{Type: jsonui.TypeVersion, Message: "seedform " + version, Seedform: version, UI: jsonui.UIVersion})
	return j
}

func (j *JSON) emit(m jsonui.Message) {
	j.mu.Lock()
	defer j.mu.Unlock()
	m.Timestamp = j.clock.now().Format(time.RFC3339Nano)
	m.Module = jsonui.Module
	if m.Shard == nil {
		m.Shard = j.shard
	}
	if m.Level == "" {
		m.Level = jsonui.LevelInfo
	}
	_ = j.enc.Encode(m) // nowhere to report a failed write to stdout
}

// Diagnostics writes one line per diagnostic.
func (j *JSON) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	for _, d := range diags {
		jd := NewJSONDiagnostic(d, files)
		level := jsonui.LevelError
		if jd.Severity == "warning" {
			level = jsonui.LevelWarn
		}
		j.emit(jsonui.Message{Type: jsonui.TypeDiagnostic, Level: level, Message: jd.Summary, Diagnostic: &jd})
	}
}

// Plan writes a resource_drift line per asset edited by hand, a
// planned_change line per change and the change summary.
func (j *JSON) Plan(p *pipeline.Plan) {
	for _, c := range p.Changes {
		if len(c.Info().Drift) > 0 {
			j.emit(jsonui.Message{Type: jsonui.TypeResourceDrift, Address: c.Addr,
				Message: c.Addr + ": outputs edited by hand", Change: driftChange(c)})
		}
		if c.Action == pipeline.NoOp {
			continue
		}
		jc := jsonChange(c)
		j.emit(jsonui.Message{Type: jsonui.TypePlannedChange, Address: c.Addr, Message: headline(c), Change: jc,
			CurrentFiles: j.Files[c.Addr], Cost: jc.Cost})
	}
	js := planSummary(p, j.Operation)
	j.emit(jsonui.Message{Type: jsonui.TypeChangeSummary, Message: SummaryLine(p.Summary()), Changes: js, Cost: js.Cost})
}

// Started implements pipeline.Hook.
func (j *JSON) Started(c *pipeline.Change) {
	j.mu.Lock()
	if j.started == nil {
		j.started = map[string]time.Time{}
	}
	j.started[c.Addr] = j.clock.now()
	j.mu.Unlock()
	j.emit(jsonui.Message{Type: jsonui.TypeApplyStart, Address: c.Addr, Message: c.Addr + ": " + verbing(c.Action) + "...", Hook: hook(c)})
	if c.Action.CallsProvider() {
		j.inFlight().start(c)
	}
}

// SetTotal tells the view how many changes the apply carries out, so that
// each apply_complete line says where the apply is.
func (j *JSON) SetTotal(n int) { j.count.setTotal(n) }

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
	h := hook(c)
	h.ElapsedSeconds = seconds(elapsed)
	j.emit(jsonui.Message{Type: jsonui.TypeApplyProgress, Address: c.Addr, Message: stillMessage(c, elapsed), Hook: h})
}

// StopProgress ends every in-flight ticker; the command calls it when the
// apply returns.
func (j *JSON) StopProgress() {
	j.inFlight().stopAll()
}

// ImageReady implements pipeline.Hook.
func (j *JSON) ImageReady(c *pipeline.Change, index, width, height int) {
	h := hook(c)
	j.mu.Lock()
	h.ElapsedSeconds = seconds(j.clock.now().Sub(j.started[c.Addr]))
	j.mu.Unlock()
	h.ImageIndex, h.Width, h.Height = &index, width, height
	j.emit(jsonui.Message{Type: jsonui.TypeApplyProgress, Address: c.Addr, Hook: h,
		Message: fmt.Sprintf("%s: image %d ready (%dx%d)", c.Addr, index+1, width, height)})
}

// Retrying implements pipeline.Hook: an apply_progress line with the retry.
func (j *JSON) Retrying(c *pipeline.Change, attempt int, wait time.Duration, reason string) {
	h := hook(c)
	j.mu.Lock()
	h.ElapsedSeconds = seconds(j.clock.now().Sub(j.started[c.Addr]))
	j.mu.Unlock()
	reason = errText(c.Addr, errors.New(reason))
	h.Retry = &jsonui.Retry{Attempt: attempt, WaitSeconds: wait.Seconds(), Reason: reason}
	j.emit(jsonui.Message{Type: jsonui.TypeApplyProgress, Address: c.Addr, Level: jsonui.LevelWarn, Hook: h,
		Message: retryMessage(c, attempt, wait, reason)})
}

// DiskFull implements pipeline.Hook: an apply_progress line at warn level.
func (j *JSON) DiskFull(c *pipeline.Change, held int, dir string, err error) {
	h := hook(c)
	j.mu.Lock()
	h.ElapsedSeconds = seconds(j.clock.now().Sub(j.started[c.Addr]))
	j.mu.Unlock()
	reason := errText(c.Addr, err)
	h.DiskFull = &jsonui.DiskFull{HeldImages: held, Dir: dir, Error: reason}
	j.emit(jsonui.Message{Type: jsonui.TypeApplyProgress, Address: c.Addr, Level: jsonui.LevelWarn, Hook: h,
		Message: diskFullMessage(c, held, dir, err, reason)})
}

// Finished implements pipeline.Hook. A failure, a skip and a change cut
// off in flight by a second interrupt are each an apply_errored line, the
// last two at warn level with skipped or cancelled set, as the summary
// counts them: skipped or cancelled, not failed.
func (j *JSON) Finished(c *pipeline.Change, r *pipeline.Result) {
	j.inFlight().finish(c.Addr)
	h := hook(c)
	h.ElapsedSeconds = seconds(r.Elapsed)
	h.Outputs = outputs(r)
	m := jsonui.Message{Type: jsonui.TypeApplyErrored, Address: c.Addr, Hook: h}
	var diag *jsonui.Diagnostic
	switch {
	case r.Skipped != "":
		m.Level, m.Message, h.Skipped = jsonui.LevelWarn, c.Addr+": skipped ("+r.Skipped+")", r.Skipped
	case cancelled(r):
		m.Level, m.Message, h.Error = jsonui.LevelWarn, c.Addr+": cancelled (interrupted; nothing recorded)", errText(c.Addr, r.Err)
		h.Cancelled = true
	case r.Err != nil:
		h.Error = errText(c.Addr, r.Err)
		m.Level, m.Message = jsonui.LevelError, c.Addr+": "+h.Error
		// As Terraform's: the error itself is a diagnostic of its own.
		diag = &jsonui.Diagnostic{Severity: "error", Summary: h.Error, Address: c.Addr}
	default:
		h.Done, h.Total = j.count.finished()
		m.Type, m.Message = jsonui.TypeApplyComplete, completeMessage(c, r, h.Done, h.Total)
		for _, f := range r.Failed {
			h.FailedImages = append(h.FailedImages, jsonui.FailedImage{Index: f.Index, Code: f.Code, Message: f.Message})
		}
	}
	h.Notes = r.Notes
	j.emit(m)
	if diag != nil {
		j.emit(jsonui.Message{Type: jsonui.TypeDiagnostic, Level: jsonui.LevelError, Address: c.Addr, Message: diag.Summary, Diagnostic: diag})
	}
}

// Stopping implements pipeline.Hook; the engine calls it once, as soon as
// the interrupt comes.
func (j *JSON) Stopping() {
	j.Message("warn", "interrupt received: starting nothing new")
}

// Warning implements pipeline.Hook: a diagnostic line of severity
// "warning".
func (j *JSON) Warning(summary, detail string) {
	j.Diagnostics(nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: summary, Detail: detail}})
}

// ApplySummary writes the closing summary line. Like the human view's,
// it keeps what an interrupt left undone ("not_started", "cancelled")
// apart from what failed ("failed", and "skipped" for their dependents).
func (j *JSON) ApplySummary(res *pipeline.ApplyResult) {
	o := outcomeOf(res)
	op := jsonui.OperationApply
	if j.Operation == jsonui.OperationDestroy {
		op = jsonui.OperationDestroy
	}
	s := &jsonui.ChangeSummary{Operation: op, Interrupted: o.interrupted,
		NotStarted: addrs(o.notStarted), Cancelled: addrs(o.cancelled)}
	countActions(s, func(a pipeline.Action) int { return o.counts[a] })
	for _, r := range o.failed {
		if r.Err != nil {
			s.Failed++
		} else {
			s.Skipped++
		}
	}
	msg := "Apply complete!"
	switch {
	case o.interrupted:
		msg = "Apply interrupted."
		if res.Budget != nil && res.Budget.Stopped {
			msg = "Apply stopped at the budget."
		}
		if res.DiskShort != nil {
			msg = "Apply stopped: not enough free disk space."
		}
	case len(o.failed) > 0:
		msg = "Apply finished with errors."
	case op == jsonui.OperationDestroy:
		j.emit(jsonui.Message{Type: jsonui.TypeChangeSummary, Message: "Destroy complete! " + destroyCount(o) + ".", Changes: s})
		return
	}
	m := jsonui.Message{Type: jsonui.TypeChangeSummary, Message: msg + " " + applyCounts(o) + ".", Changes: s}
	if b := res.Budget; b != nil {
		m.Budget = &jsonui.Budget{Currency: b.Currency, Limit: json.Number(b.Limit.String()),
			Spent: json.Number(b.Spent.String()), Stopped: b.Stopped}
	}
	j.emit(m)
}

func addrs(rs []*pipeline.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Addr)
	}
	return out
}

// Message writes a free-form log line; level is info, warn or error.
func (j *JSON) Message(level, msg string) {
	j.emit(jsonui.Message{Type: jsonui.TypeLog, Level: jsonui.Level(level), Message: msg})
}

func seconds(d time.Duration) *int {
	n := int(d.Seconds())
	return &n
}
