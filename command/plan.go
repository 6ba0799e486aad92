package command

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/review"
	"github.com/seedform/seedform/spec"
	"github.com/seedform/seedform/views"
)

// planFlags are the flags plan, apply and destroy share.
type planFlags struct {
	varFlags
	targets, replace multi
	refreshOnly      bool
	json, noColor    bool
	lockTimeout      time.Duration
	maxCost          budgetFlag
}

func (pf *planFlags) register(fs *flag.FlagSet, withReplace bool) {
	pf.varFlags.register(fs)
	fs.Var(&pf.targets, "target", "limit the plan to `ADDR` and what it depends on (repeatable)")
	if withReplace {
		fs.Var(&pf.replace, "replace", "regenerate `ADDR` even if it is up to date (repeatable)")
		fs.BoolVar(&pf.refreshOnly, "refresh-only", false, "only accept outputs edited by hand into the lock")
	}
	fs.BoolVar(&pf.json, "json", false, "print JSON lines instead of text")
	fs.BoolVar(&pf.noColor, "no-color", false, "no colours in the output")
	fs.DurationVar(&pf.lockTimeout, "lock-timeout", 0, "wait this long for another seedform process to finish")
	fs.Var(&pf.maxCost, "max-cost", "refuse a plan that may cost more than `AMOUNT` (optionally with a currency: \"5 USD\"); apply stops starting requests before crossing it")
}

func (pf *planFlags) options(destroy bool) pipeline.Options {
	return pipeline.Options{
		Targets: pf.targets, Replace: pf.replace, RefreshOnly: pf.refreshOnly, Destroy: destroy,
		Vars: pf.vars, VarFiles: pf.files, VarArgs: pf.args,
	}
}

// session is one plan/apply/destroy run: its view and what it loaded.
type session struct {
	m      *Meta
	human  *views.Human
	json   *views.JSON
	diag   diagWriter
	files  map[string]*hcl.File
	cfg    *spec.Config
	ws     *pipeline.Workspace
	unlock func()
}

func newSession(m *Meta, pf *planFlags) *session {
	s := &session{m: m}
	color := m.Terminal && !pf.noColor
	if pf.json {
		s.json = views.NewJSON(m.Stdout, Version)
	} else {
		s.human = &views.Human{W: m.Stdout, Color: color}
	}
	s.diag = diagWriter{m: m, json: s.json, color: color}
	return s
}

// open loads the config and the workspace; with lock set it first takes
// the process lock, held until close.
func (s *session) open(opts pipeline.Options, lock bool, lockTimeout time.Duration, holder string) bool {
	cfg, loader, diags := load(s.m, opts.VarArgs, opts.Vars, opts.VarFiles)
	s.files = loader.Files()
	s.diag.write(s.files, diags)
	if diags.HasErrors() {
		return false
	}
	s.cfg = cfg
	if lock {
		pl, err := lockfile.Acquire(filepath.Join(cfg.Dir, pipeline.StateDirName), lockTimeout, holder)
		if err != nil {
			s.diag.errorf("%v", err)
			return false
		}
		s.unlock = func() { _ = pl.Release() }
	}
	ws, err := pipeline.OpenWorkspace(cfg)
	if err != nil {
		s.diag.errorf("%v", err)
		return false
	}
	s.ws = ws
	return true
}

func (s *session) close() {
	if s.unlock != nil {
		s.unlock()
	}
}

func (s *session) plan(opts pipeline.Options) *pipeline.Plan {
	plan, diags := pipeline.MakePlan(s.ws, opts)
	s.diag.write(s.files, diags)
	if diags.HasErrors() {
		return nil
	}
	return plan
}

func (s *session) showPlan(p *pipeline.Plan) {
	if s.json != nil {
		s.json.Files = currentFiles(s.ws, p)
		s.json.Plan(p)
	} else {
		s.human.Plan(p)
	}
}

func runPlan(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "plan")
	var pf planFlags
	pf.register(fs, true)
	out := fs.String("out", "", "save the plan to `FILE` for apply")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none")
	requireApproval := fs.Bool("require-approval", false, "fail while an output whose content is new since -base lacks an approval ("+review.FileName+")")
	base := fs.String("base", "HEAD", "the git `REF` -require-approval compares with")
	if _, ok := parseArgs(m, fs, args, 0, ""); !ok {
		return 1
	}
	if !*requireApproval && flagGiven(fs, "base") {
		fmt.Fprintln(m.Stderr, "Error: -base is the revision -require-approval compares with: add -require-approval (or, to see what changed, run seedform report -base=REF)")
		return 1
	}
	s := newSession(m, &pf)
	opts := pf.options(false)
	if !s.open(opts, false, 0, "plan") {
		return 1
	}
	plan := s.plan(opts)
	if plan == nil {
		return 1
	}
	s.showPlan(plan)
	s.warnStaleCards(plan)
	if _, ok := s.checkBudget(plan, pf.maxCost.b); !ok {
		return 1
	}
	if err := s.ws.Stat.Save(); err != nil {
		s.diag.write(nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Could not save the stat cache", Detail: err.Error()}})
	}
	if *out != "" {
		if err := pipeline.WritePlanFile(m.path(*out), plan); err != nil {
			s.diag.errorf("saving the plan: %v", err)
			return 1
		}
		if s.human != nil {
			// The path is relative to -chdir, so the command to copy has it too.
			cmd := "seedform"
			if m.Dir != "." {
				cmd += " " + shellQuote("-chdir="+m.Dir)
			}
			fmt.Fprintf(m.Stdout, "\nSaved the plan to %s. To apply exactly this plan: %s apply %s\n", *out, cmd, shellQuote(*out))
		}
	}
	if *requireApproval && !s.checkApprovals(ctx, *base) {
		return 1
	}
	// Hand-edited outputs change nothing, but they no longer match the
	// lock: the CI check must not pass over them.
	if *detailed && (plan.HasChanges() || plan.Drifted()) {
		return 2
	}
	return 0
}

func runApply(ctx context.Context, m *Meta, args []string) int {
	return apply(ctx, m, args, false)
}

func runDestroy(ctx context.Context, m *Meta, args []string) int {
	return apply(ctx, m, args, true)
}

func apply(ctx context.Context, m *Meta, args []string, destroy bool) int {
	name := "apply"
	if destroy {
		name = "destroy"
	}
	fs := newFlags(m, name)
	var pf planFlags
	pf.register(fs, !destroy)
	autoApprove := fs.Bool("auto-approve", false, "do not ask for confirmation")
	parallelism := fs.Int("parallelism", 10, "bound on provider calls in flight")
	maxArgs := 1
	if destroy {
		maxArgs = 0
	}
	pos, ok := parseArgs(m, fs, args, maxArgs, "a plan file")
	if !ok {
		return 1
	}
	s := newSession(m, &pf)
	defer s.close()

	opts := pf.options(destroy)
	var saved *pipeline.Plan
	if len(pos) == 1 {
		var err error
		if saved, err = pipeline.ReadPlanFile(m.path(pos[0])); err != nil {
			s.diag.errorf("%v", err)
			return 1
		}
		if len(pf.vars)+len(pf.files)+len(pf.targets)+len(pf.replace) > 0 || pf.refreshOnly {
			s.diag.errorf("a saved plan is applied exactly as planned: -var, -var-file, -target, -replace and -refresh-only belong to plan")
			return 1
		}
		opts = saved.Options
	}
	if !s.open(opts, true, pf.lockTimeout, name) {
		return 1
	}
	plan := s.plan(opts)
	if plan == nil {
		return 1
	}
	if saved != nil {
		if err := pipeline.CheckSaved(saved, plan); err != nil {
			s.diag.errorf("%v", err)
			return 1
		}
	} else {
		s.showPlan(plan)
	}
	if !plan.HasChanges() {
		return 0
	}
	s.warnStaleCards(plan)
	budget, ok := s.checkBudget(plan, pf.maxCost.b)
	if !ok {
		return 1
	}
	if saved == nil && !*autoApprove && !s.confirm(name) {
		return 1
	}
	providers, err := buildProviders(s.cfg, plan, m)
	if err != nil {
		s.diag.errorf("%v", err)
		return 1
	}
	var hook interface {
		pipeline.Hook
		StopProgress()
	} = s.human
	if s.json != nil {
		hook = s.json
	} else {
		fmt.Fprintln(m.Stdout)
	}
	res, err := pipeline.Apply(ctx, s.ws, plan, pipeline.ApplyOptions{
		Parallelism: *parallelism, Providers: providers, Stop: m.Stop, Hook: hook, Budget: budget,
	})
	// Nothing is in flight any more: no "Still generating" line may follow
	// the summary, even for an asset the engine gave up on unreported.
	hook.StopProgress()
	if err != nil {
		s.diag.errorf("%v", err)
	}
	if res != nil {
		if s.json != nil {
			s.json.ApplySummary(res)
		} else {
			s.human.ApplySummary(res)
		}
	}
	if err != nil || res == nil || res.Failed() > 0 || res.Stopped || ctx.Err() != nil {
		return 1
	}
	return 0
}

// confirm asks for "yes" on a terminal; without one, apply needs -auto-approve.
func (s *session) confirm(name string) bool {
	if !s.m.Interactive || s.json != nil {
		s.diag.errorf("%s needs confirmation: run it in a terminal, or pass -auto-approve (or apply a saved plan)", name)
		return false
	}
	fmt.Fprintf(s.m.Stdout, "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
	line, _ := bufio.NewReader(s.m.Stdin).ReadString('\n') // EOF reads as "no"
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintf(s.m.Stdout, "\n%s cancelled.\n", strings.ToUpper(name[:1])+name[1:])
		return false
	}
	return true
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that need no quoting, so that a command shown to copy works
// with a path that has spaces in it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@%+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
