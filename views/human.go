package views

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
)

// Human is the text view: a plan like Terraform's, progress lines during
// apply, and a closing summary. Colour only when Color is set (a terminal
// and no -no-color).
type Human struct {
	W     io.Writer
	Color bool
	// Width is the terminal's width, to which long attribute lines are
	// wrapped; 0 (not a terminal) keeps each line whole.
	Width int
	// StillEvery is how often each asset in flight gets a "Still
	// generating..." line: 0 means DefaultStillEvery, negative never.
	StillEvery time.Duration

	// Destroy is set for destroy: its summary says "Destroy complete!".
	Destroy bool

	// clock is the real clock unless a test set one before the apply.
	clock clock
	count progressCount

	mu       sync.Mutex
	start    time.Time
	progress *inFlight
}

const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	cyan   = "\x1b[36m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

func (h *Human) paint(code, s string) string {
	if !h.Color {
		return s
	}
	return code + s + reset
}

// symbol is the plan marker of an action.
func symbol(a pipeline.Action) (string, string) {
	switch a {
	case pipeline.Create:
		return "  +", green
	case pipeline.Replace:
		return "-/+", yellow
	case pipeline.Update, pipeline.Accept:
		return "  ~", yellow
	case pipeline.Move:
		return " ->", cyan
	case pipeline.Delete:
		return "  -", red
	case pipeline.Recover:
		return "  ^", green
	}
	return "   ", ""
}

func headline(c *pipeline.Change) string {
	switch c.Action {
	case pipeline.Create:
		return c.Addr + " will be generated"
	case pipeline.Replace:
		return c.Addr + " must be regenerated"
	case pipeline.Update:
		return c.Addr + " will be updated in place"
	case pipeline.Move:
		if prev := c.Info().PrevAddr; prev != "" {
			return prev + " has moved to " + c.Addr
		}
		return c.Addr + " will be moved"
	case pipeline.Delete:
		return c.Addr + " will be deleted"
	case pipeline.Recover:
		return c.Addr + " will be recovered from staging (already paid, no request)"
	case pipeline.Accept:
		return c.Addr + " will record its hand-edited outputs"
	}
	return c.Addr + " has changed outside seedform"
}

// Plan prints the plan.
func (h *Human) Plan(p *pipeline.Plan) {
	w := h.W
	var changed, drifted []*pipeline.Change
	for _, c := range p.Changes {
		if c.Action != pipeline.NoOp {
			changed = append(changed, c)
		} else if len(c.Info().Drift) > 0 {
			drifted = append(drifted, c)
		}
	}
	if len(drifted) > 0 {
		fmt.Fprintln(w, h.paint(bold, "Outputs changed outside seedform:"))
		fmt.Fprintln(w)
		for _, c := range drifted {
			fmt.Fprintf(w, "  # %s\n", headline(c))
			fmt.Fprintf(w, "  %s %s\n", h.paint(yellow, "!"), c.Addr)
			for _, d := range c.Info().Drift {
				fmt.Fprintf(w, "        %s was edited by hand and is left alone\n", d)
			}
			fmt.Fprintf(w, "        -replace=%s regenerates it; -refresh-only accepts the edit\n\n", c.Addr)
		}
	}
	if len(changed) == 0 {
		if len(p.OrphanTemps) > 0 {
			fmt.Fprintf(w, "%d leftover staging folder(s) from an interrupted run will be removed.\n\n", len(p.OrphanTemps))
		}
		switch {
		case len(p.Deferred) > 0:
			fmt.Fprintf(w, "%s -refresh-only looks only at outputs edited by hand; %d change(s) to the configuration are pending (%s): run plan without -refresh-only to see them.\n",
				h.paint(bold, "No changes to record."), len(p.Deferred), listSome(p.Deferred))
		case len(drifted) > 0:
			fmt.Fprintf(w, "%s %d asset(s) have outputs edited by hand, left alone (above): the outputs do not match the lock until -replace=ADDR regenerates them or -refresh-only accepts the edit.\n",
				h.paint(bold+yellow, "No changes to make."), len(drifted))
		default:
			fmt.Fprintln(w, h.paint(bold+green, "No changes.")+" The outputs match the configuration.")
		}
		return
	}
	fmt.Fprintln(w, "seedform will perform the following actions:")
	fmt.Fprintln(w)
	for _, c := range changed {
		sym, col := symbol(c.Action)
		fmt.Fprintf(w, "  # %s\n", headline(c))
		line := fmt.Sprintf("%s %s", h.paint(col, sym), c.Addr)
		if cc := c.Info().Cost; c.Action.Generates() && cc != nil {
			line += fmt.Sprintf("  (%s, %s)", cc.Text(), c.Provider)
		}
		fmt.Fprintln(w, line)
		for _, l := range h.attrLines(c) {
			for _, part := range h.wrap(l, 6) {
				fmt.Fprintf(w, "      %s\n", part)
			}
		}
		for _, l := range fileLines(c) {
			fmt.Fprintf(w, "      %s\n", l)
		}
		if c.Info().KnownAfterApply {
			fmt.Fprintln(w, "      # spec_hash = (known after apply)")
		}
		for _, r := range c.Info().Reasons {
			fmt.Fprintf(w, "      # %s\n", r)
		}
		fmt.Fprintln(w)
	}
	if len(p.OrphanTemps) > 0 {
		fmt.Fprintf(w, "%d leftover staging folder(s) from an interrupted run will be removed.\n", len(p.OrphanTemps))
	}
	fmt.Fprintln(w, h.paint(bold, SummaryLine(p.Summary())))
}

// listSome joins up to three addresses, and says how many more there are.
func listSome(addrs []string) string {
	if len(addrs) <= 3 {
		return strings.Join(addrs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(addrs[:3], ", "), len(addrs)-3)
}

// SummaryLine is the plan's closing line: "Plan: 3 to generate (3 to 9
// images, $0.12 to $0.36), 1 to regenerate (1 image, $0.04), 2 to update,
// 0 to move, 1 to delete." The images and their cost are given only where
// something is generated.
func SummaryLine(s pipeline.Summary) string {
	line := fmt.Sprintf("Plan: %d to generate%s, %d to regenerate%s, %d to update, %d to move, %d to delete.",
		s.Generate, costOf(s.Generate, s.GenerateCost), s.Regenerate, costOf(s.Regenerate, s.RegenCost), s.Update, s.Move, s.Delete)
	var extra []string
	if s.Recover > 0 {
		extra = append(extra, fmt.Sprintf("%d to recover from staging", s.Recover))
	}
	if s.Accept > 0 {
		extra = append(extra, fmt.Sprintf("%d to accept as edited", s.Accept))
	}
	if len(extra) > 0 {
		line += " Also " + strings.Join(extra, ", ") + "."
	}
	return line
}

// costOf is the parenthesised images and cost of n changes, "" for none.
func costOf(n int, c cost.Cost) string {
	if n == 0 {
		return ""
	}
	return " (" + c.Text() + ")"
}

// Started implements pipeline.Hook.
func (h *Human) Started(c *pipeline.Change) {
	h.mu.Lock()
	h.init()
	if h.start.IsZero() {
		h.start = h.clock.now()
	}
	p := h.progress
	requests := c.Action.CallsProvider()
	if requests {
		fmt.Fprintf(h.W, "%s: %s...\n", c.Addr, verbing(c.Action))
	}
	h.mu.Unlock()
	// Started after h.mu is released: start may wait for an earlier
	// ticker of c.Addr, whose report takes h.mu.
	if requests {
		p.start(c)
	}
}

// init sets up the clock and the in-flight ticker on first use; h.mu is held.
func (h *Human) init() {
	if h.progress != nil {
		return
	}
	if h.clock.now == nil {
		h.clock = realClock()
	}
	h.progress = newInFlight(h.StillEvery, h.clock, h.still)
}

// still prints that c is still in flight.
func (h *Human) still(c *pipeline.Change, elapsed time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintln(h.W, stillMessage(c, elapsed))
}

// StopProgress ends every "Still generating" ticker; the command calls it
// when the apply returns.
func (h *Human) StopProgress() {
	h.mu.Lock()
	p := h.progress
	h.mu.Unlock()
	if p != nil {
		p.stopAll()
	}
}

// ImageReady implements pipeline.Hook.
func (h *Human) ImageReady(c *pipeline.Change, index, width, height int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.Kind == "image_set" {
		fmt.Fprintf(h.W, "%s: image %d ready (%dx%d) [%s elapsed]\n", c.Addr, index+1, width, height, h.elapsed())
	}
}

// Retrying implements pipeline.Hook.
func (h *Human) Retrying(c *pipeline.Change, attempt int, wait time.Duration, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintln(h.W, h.paint(yellow, retryMessage(c, attempt, wait, errText(c.Addr, errors.New(reason)))))
}

// DiskFull implements pipeline.Hook.
func (h *Human) DiskFull(c *pipeline.Change, held int, dir string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintln(h.W, h.paint(yellow, diskFullMessage(c, held, dir, err, errText(c.Addr, err))))
}

// Finished implements pipeline.Hook.
func (h *Human) Finished(c *pipeline.Change, r *pipeline.Result) {
	// Stopped before taking h.mu, which the ticker's report takes.
	h.mu.Lock()
	p := h.progress
	h.mu.Unlock()
	if p != nil {
		p.finish(c.Addr)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.Skipped != "":
		fmt.Fprintf(h.W, "%s: %s (%s)\n", c.Addr, h.paint(yellow, "skipped"), r.Skipped)
	case r.Err != nil && len(r.Outputs) > 0:
		fmt.Fprintf(h.W, "%s: %s after %s: %s\n", c.Addr, h.paint(yellow, "partly done"), round(r.Elapsed), errText(c.Addr, r.Err))
	case cancelled(r):
		fmt.Fprintf(h.W, "%s: %s after %s (interrupted; nothing recorded)\n", c.Addr, h.paint(yellow, "cancelled"), round(r.Elapsed))
	case r.Err != nil:
		fmt.Fprintf(h.W, "%s: %s after %s: %s\n", c.Addr, h.paint(red, "failed"), round(r.Elapsed), errText(c.Addr, r.Err))
	default:
		d, t := h.count.finished()
		fmt.Fprintf(h.W, "%s [%s elapsed]\n", completeMessage(c, r, d, t), h.elapsed())
	}
	for _, n := range r.Notes {
		fmt.Fprintf(h.W, "%s: note: %s\n", c.Addr, n)
	}
}

// Stopping implements pipeline.Hook; the engine calls it once, as soon as
// the interrupt comes.
func (h *Human) Stopping() {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintln(h.W, h.paint(yellow, "Interrupt received: starting nothing new; requests in flight finish and are recorded. Interrupt again to stop now."))
}

// Warning implements pipeline.Hook: a warning diagnostic among the
// progress lines.
func (h *Human) Warning(summary, detail string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	WriteDiagnostics(h.W, nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: summary, Detail: detail}}, h.Color)
}

func (h *Human) elapsed() string {
	if h.start.IsZero() {
		return "0s"
	}
	return round(h.clock.now().Sub(h.start)).String()
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func verbing(a pipeline.Action) string {
	switch a {
	case pipeline.Create:
		return "Generating"
	case pipeline.Replace:
		return "Regenerating"
	case pipeline.Recover:
		return "Recovering from staging"
	}
	return "Working"
}

func doneVerb(a pipeline.Action) string {
	switch a {
	case pipeline.Create:
		return "Generated"
	case pipeline.Replace:
		return "Regenerated"
	case pipeline.Update:
		return "Updated"
	case pipeline.Move:
		return "Moved"
	case pipeline.Delete:
		return "Deleted"
	case pipeline.Recover:
		return "Recovered"
	case pipeline.Accept:
		return "Accepted"
	}
	return "Done"
}

// summaryListMax bounds each list in the apply summary: an interrupt of
// a large apply leaves thousands not started, and the lock says the rest.
const summaryListMax = 20

// ApplySummary prints the closing lines of an apply. An interrupted apply
// says so and lists what finished and what was left for the next apply,
// apart from what failed: an interrupt is not an error of the assets.
func (h *Human) ApplySummary(res *pipeline.ApplyResult) {
	o := outcomeOf(res)
	fmt.Fprintln(h.W)
	line := applyCounts(o)
	switch {
	case o.interrupted:
		var left []string
		if n := len(o.notStarted); n > 0 {
			left = append(left, fmt.Sprintf("%d not started", n))
		}
		if n := len(o.cancelled); n > 0 {
			left = append(left, fmt.Sprintf("%d cancelled in flight", n))
		}
		if n := len(o.failed); n > 0 {
			left = append(left, fmt.Sprintf("%d failed", n))
		}
		if len(left) > 0 {
			line += "; " + strings.Join(left, ", ")
		}
		title := "Apply interrupted."
		if res.Budget != nil && res.Budget.Stopped {
			title = "Apply stopped at the budget."
		}
		if res.DiskShort != nil {
			title = "Apply stopped: not enough free disk space."
		}
		fmt.Fprintf(h.W, "%s %s.\n", h.paint(bold+yellow, title), line)
		h.list("Finished and recorded:", o.done, func(r *pipeline.Result) string { return r.Addr })
		h.list("Not started (the next apply does them):", o.notStarted, func(r *pipeline.Result) string { return r.Addr })
		h.list("Cancelled in flight, not recorded (the next apply does them):", o.cancelled, func(r *pipeline.Result) string { return r.Addr })
		h.list("Failed:", o.failed, h.failure)
	case len(o.failed) > 0:
		fmt.Fprintf(h.W, "%s %s; %d did not complete:\n", h.paint(bold+red, "Apply finished with errors."), line, len(o.failed))
		for _, r := range o.failed {
			fmt.Fprintf(h.W, "  - %s\n", h.failure(r))
		}
	case h.Destroy:
		fmt.Fprintf(h.W, "%s %s.\n", h.paint(bold+green, "Destroy complete!"), destroyCount(o))
	default:
		fmt.Fprintf(h.W, "%s %s.\n", h.paint(bold+green, "Apply complete!"), line)
	}
	if b := res.Budget; b != nil {
		fmt.Fprintf(h.W, "Billed %s of the budget of %s.\n", cost.Format(b.Spent, b.Currency), cost.Format(b.Limit, b.Currency))
	}
}

// SetTotal tells the view how many changes the apply carries out, so that
// each finished line says where the apply is ("[3 of 26]").
func (h *Human) SetTotal(n int) { h.count.setTotal(n) }

// applyCounts is the count of what an apply did, in words.
func applyCounts(o applyOutcome) string {
	line := fmt.Sprintf("%d generated, %d regenerated, %d updated, %d moved, %d deleted",
		o.counts[pipeline.Create], o.counts[pipeline.Replace], o.counts[pipeline.Update], o.counts[pipeline.Move], o.counts[pipeline.Delete])
	if n := o.counts[pipeline.Recover]; n > 0 {
		line += fmt.Sprintf(", %d recovered", n)
	}
	if n := o.counts[pipeline.Accept]; n > 0 {
		line += fmt.Sprintf(", %d accepted", n)
	}
	return line
}

// destroyCount is what a destroy did: "3 deleted".
func destroyCount(o applyOutcome) string {
	return fmt.Sprintf("%d deleted", o.counts[pipeline.Delete])
}

// failure is one failed asset's summary line.
func (h *Human) failure(r *pipeline.Result) string {
	if r.Err != nil {
		return r.Addr + ": " + errText(r.Addr, r.Err)
	}
	return fmt.Sprintf("%s: skipped (%s)", r.Addr, r.Skipped)
}

// list prints a titled list of results, at most summaryListMax of them.
func (h *Human) list(title string, rs []*pipeline.Result, text func(*pipeline.Result) string) {
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(h.W, title)
	for i, r := range rs {
		if i == summaryListMax {
			fmt.Fprintf(h.W, "  ... and %d more\n", len(rs)-i)
			break
		}
		fmt.Fprintf(h.W, "  - %s\n", text(r))
	}
}
