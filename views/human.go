package views

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/seedform/seedform/pipeline"
)

// Human is the text view: a plan like Terraform's, progress lines during
// apply, and a closing summary. Colour only when Color is set (a terminal
// and no -no-color).
type Human struct {
	W     io.Writer
	Color bool

	mu    sync.Mutex
	start time.Time
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
		if c.PrevAddr != "" {
			return c.PrevAddr + " has moved to " + c.Addr
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
		} else if len(c.Drift) > 0 {
			drifted = append(drifted, c)
		}
	}
	if len(drifted) > 0 {
		fmt.Fprintln(w, h.paint(bold, "Outputs changed outside seedform:"))
		fmt.Fprintln(w)
		for _, c := range drifted {
			fmt.Fprintf(w, "  # %s\n", headline(c))
			fmt.Fprintf(w, "  %s %s\n", h.paint(yellow, "!"), c.Addr)
			for _, d := range c.Drift {
				fmt.Fprintf(w, "        %s was edited by hand and is left alone\n", d)
			}
			fmt.Fprintf(w, "        -replace=%s regenerates it; -refresh-only accepts the edit\n\n", c.Addr)
		}
	}
	if len(changed) == 0 {
		if len(p.OrphanTemps) > 0 {
			fmt.Fprintf(w, "%d leftover staging folder(s) from an interrupted run will be removed.\n\n", len(p.OrphanTemps))
		}
		fmt.Fprintln(w, h.paint(bold+green, "No changes.")+" The outputs match the configuration.")
		return
	}
	fmt.Fprintln(w, "seedform will perform the following actions:")
	fmt.Fprintln(w)
	for _, c := range changed {
		sym, col := symbol(c.Action)
		fmt.Fprintf(w, "  # %s\n", headline(c))
		line := fmt.Sprintf("%s %s", h.paint(col, sym), c.Addr)
		if c.Action.Generates() {
			line += fmt.Sprintf("  (%s, %s)", images(c.Images, c.Kind == "image_set"), c.Provider)
		}
		fmt.Fprintln(w, line)
		for _, d := range c.Diffs {
			fmt.Fprintf(w, "      %s %s = %s -> %s %s\n", h.paint(yellow, "~"), d.Name, short(d.Old), short(d.New),
				h.paint(red, "# forces replacement"))
		}
		for _, f := range c.ForcedBy {
			if f == "references" && !hasDiff(c, f) {
				fmt.Fprintf(w, "      %s references %s\n", h.paint(yellow, "~"), h.paint(red, "# forces replacement"))
			}
		}
		for _, mv := range c.Moves {
			fmt.Fprintf(w, "      %s -> %s\n", mv.From, mv.To)
		}
		if c.MetaChanged && c.Action != pipeline.Create && c.Action != pipeline.Replace {
			fmt.Fprintf(w, "      %s meta (manifest only)\n", h.paint(yellow, "~"))
		}
		if c.KnownAfterApply {
			fmt.Fprintln(w, "      spec_hash = (known after apply)")
		}
		for _, r := range c.Reasons {
			fmt.Fprintf(w, "      # %s\n", r)
		}
		fmt.Fprintln(w)
	}
	if len(p.OrphanTemps) > 0 {
		fmt.Fprintf(w, "%d leftover staging folder(s) from an interrupted run will be removed.\n", len(p.OrphanTemps))
	}
	fmt.Fprintln(w, h.paint(bold, SummaryLine(p.Summary())))
}

func hasDiff(c *pipeline.Change, name string) bool {
	for _, d := range c.Diffs {
		if d.Name == name {
			return true
		}
	}
	return false
}

// short keeps long prompts readable on one line.
func short(s string) string {
	if len(s) > 72 {
		return s[:60] + "…" + s[len(s)-10:]
	}
	return s
}

func images(n int, set bool) string {
	if set {
		return fmt.Sprintf("up to %d images", n)
	}
	if n == 1 {
		return "1 image"
	}
	return fmt.Sprintf("%d images", n)
}

// SummaryLine is the plan's closing line.
func SummaryLine(s pipeline.Summary) string {
	line := fmt.Sprintf("Plan: %d to generate (up to %d images), %d to regenerate (up to %d images), %d to update, %d to move, %d to delete.",
		s.Generate, s.GenerateImages, s.Regenerate, s.RegenImages, s.Update, s.Move, s.Delete)
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

// Started implements pipeline.Hook.
func (h *Human) Started(c *pipeline.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.start.IsZero() {
		h.start = time.Now()
	}
	if c.Action.Generates() || c.Action == pipeline.Recover {
		fmt.Fprintf(h.W, "%s: %s...\n", c.Addr, verbing(c.Action))
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

// Finished implements pipeline.Hook.
func (h *Human) Finished(c *pipeline.Change, r *pipeline.Result) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.Skipped != "":
		fmt.Fprintf(h.W, "%s: %s (%s)\n", c.Addr, h.paint(yellow, "skipped"), r.Skipped)
	case r.Err != nil && len(r.Outputs) > 0:
		fmt.Fprintf(h.W, "%s: %s after %s: %v\n", c.Addr, h.paint(yellow, "partly done"), round(r.Elapsed), r.Err)
	case r.Err != nil:
		fmt.Fprintf(h.W, "%s: %s after %s: %v\n", c.Addr, h.paint(red, "failed"), round(r.Elapsed), r.Err)
	default:
		msg := fmt.Sprintf("%s: %s after %s", c.Addr, done(c.Action), round(r.Elapsed))
		if len(r.Outputs) > 0 && (c.Action.Generates() || c.Action == pipeline.Recover) {
			msg += fmt.Sprintf(" (%d file(s))", len(r.Outputs))
		}
		for _, f := range r.Failed {
			msg += fmt.Sprintf("; image %d failed: %s", f.Index+1, f.Code)
		}
		fmt.Fprintf(h.W, "%s [%s elapsed]\n", msg, h.elapsed())
	}
}

// Stopping implements pipeline.Hook.
func (h *Human) Stopping() {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintln(h.W, h.paint(yellow, "Interrupt received: starting nothing new; requests in flight finish and are recorded. Interrupt again to stop now."))
}

func (h *Human) elapsed() string {
	if h.start.IsZero() {
		return "0s"
	}
	return round(time.Since(h.start)).String()
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

func done(a pipeline.Action) string {
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

// ApplySummary prints the closing lines of an apply.
func (h *Human) ApplySummary(res *pipeline.ApplyResult) {
	counts := map[pipeline.Action]int{}
	var failed []*pipeline.Result
	for _, r := range res.Results {
		if r.Err != nil || r.Skipped != "" {
			failed = append(failed, r)
			continue
		}
		counts[r.Action]++
	}
	fmt.Fprintln(h.W)
	line := fmt.Sprintf("%d generated, %d regenerated, %d updated, %d moved, %d deleted",
		counts[pipeline.Create], counts[pipeline.Replace], counts[pipeline.Update], counts[pipeline.Move], counts[pipeline.Delete])
	if n := counts[pipeline.Recover]; n > 0 {
		line += fmt.Sprintf(", %d recovered", n)
	}
	if n := counts[pipeline.Accept]; n > 0 {
		line += fmt.Sprintf(", %d accepted", n)
	}
	switch {
	case len(failed) > 0:
		fmt.Fprintf(h.W, "%s %s; %d did not complete:\n", h.paint(bold+red, "Apply finished with errors."), line, len(failed))
		for _, r := range failed {
			if r.Err != nil {
				fmt.Fprintf(h.W, "  - %s: %v\n", r.Addr, r.Err)
			} else {
				fmt.Fprintf(h.W, "  - %s: skipped (%s)\n", r.Addr, r.Skipped)
			}
		}
	case res.Stopped:
		fmt.Fprintf(h.W, "%s %s.\n", h.paint(bold+yellow, "Apply interrupted."), line)
	default:
		fmt.Fprintf(h.W, "%s %s.\n", h.paint(bold+green, "Apply complete!"), line)
	}
}
