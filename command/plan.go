package command

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/planfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/review"
	"github.com/seedform/seedform/spec"
	"github.com/seedform/seedform/views"
	"github.com/seedform/seedform/views/jsonui"
)

// planFlags are the flags plan, apply and destroy share.
type planFlags struct {
	varFlags
	targets, replace multi
	refreshOnly      bool
	json, noColor    bool
	input            bool
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
	fs.BoolVar(&pf.noColor, "no-color", false, "no colours in the output (also when NO_COLOR is set)")
	fs.BoolVar(&pf.input, "input", true, "ask for input when needed; -input=false fails instead, as CI wants")
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
	color := m.color(pf.noColor)
	if pf.json {
		s.json = views.NewJSON(m.Stdout, Version)
	} else {
		s.human = &views.Human{W: m.Stdout, Color: color, Width: m.Width}
	}
	s.diag = diagWriter{m: m, json: s.json, color: color}
	return s
}

// open loads the config and the workspace; with lock set it first takes
// the process lock, held until close.
func (s *session) open(opts pipeline.Options, lock bool, lockTimeout time.Duration, holder string) bool {
	ahead := pipeline.ReadLockAhead(s.m.Dir)
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
	ws, err := pipeline.OpenWorkspaceWith(cfg, ahead)
	if err != nil {
		s.diag.errorf("%v", err)
		return false
	}
	s.ws = ws
	return true
}

// readSaved reads the saved plan at rel and puts back the values of the
// sensitive variables it withheld, from vars (apply's -var flags) or the
// environment.
func readSaved(m *Meta, rel string, vars []string) (*planfile.Plan, error) {
	f, err := planfile.Read(m.path(rel))
	if err != nil {
		return nil, err
	}
	lookup := func(name string) (string, bool) {
		v := m.Getenv(spec.EnvVarPrefix + name)
		return v, v != "" // set empty is how a job unsets it
	}
	if err := f.RestoreVars(rel, vars, lookup); err != nil {
		return nil, err
	}
	return f, nil
}

// otherRun names the seedform process holding dir's process lock, "" when
// none does. Plan does not take the lock; it only asks.
func otherRun(dir string) string {
	stateDir := filepath.Join(dir, pipeline.StateDirName)
	if _, err := os.Stat(stateDir); err != nil {
		return ""
	}
	pl, err := lockfile.Acquire(stateDir, 0, "plan")
	var locked *lockfile.LockedError
	switch {
	case err == nil:
		_ = pl.Release()
		return ""
	case !errors.As(err, &locked):
		return ""
	case locked.Holder == nil:
		return "Another seedform process"
	}
	return fmt.Sprintf("seedform %s (pid %d, since %s)", locked.Holder.Command, locked.Holder.PID, locked.Holder.Since.Format(time.RFC3339))
}

// setDestroy makes the views speak of a destroy.
func (s *session) setDestroy() {
	if s.json != nil {
		s.json.Operation = jsonui.OperationDestroy
	} else {
		s.human.Destroy = true
	}
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
	destroy := fs.Bool("destroy", false, "plan to delete every recorded asset's files and lock entry (or the -target ones)")
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
	if *destroy && (len(pf.replace) > 0 || pf.refreshOnly) {
		s.diag.errorf("plan -destroy deletes assets: -replace and -refresh-only do not go with it")
		return 1
	}
	if *destroy {
		s.setDestroy()
	}
	opts := pf.options(*destroy)
	if !s.open(opts, false, 0, "plan") {
		return 1
	}
	plan := s.plan(opts)
	if plan == nil {
		return 1
	}
	if who := otherRun(s.cfg.Dir); who != "" {
		// Its staging is in use, not left over from an interrupted run.
		plan.OrphanTemps = nil
		s.diag.write(nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Another seedform process is running here",
			Detail: who + " holds this directory's lock: its staging is in use, and this plan shows the outputs as they are before it finishes. Plan again once it has."}})
	}
	s.showPlan(plan)
	s.diag.write(s.files, missingKeys(s.cfg, plan, m))
	s.warnStaleCards(plan)
	if _, ok := s.checkBudget(plan, pf.maxCost.b); !ok {
		return 1
	}
	if err := errors.Join(s.ws.Stat.Save(), s.ws.RememberManifest()); err != nil {
		s.diag.write(nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Could not save the stat cache", Detail: err.Error()}})
	}
	if *out != "" {
		saved := planfile.FromPlan(plan)
		withheld := saved.WithholdVars(s.cfg.SensitiveVars)
		if err := planfile.Write(m.path(*out), saved); err != nil {
			s.diag.errorf("saving the plan: %v", err)
			return 1
		}
		if len(withheld) > 0 {
			s.diag.write(nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Give the sensitive variables again when you apply",
				Detail: fmt.Sprintf("%s does not keep the value of the sensitive %s %s set with -var, only a hash to check it by: "+
					"apply it with the same -var flags, or with the values in SEEDFORM_VAR_<name>.",
					*out, map[bool]string{true: "variable", false: "variables"}[len(withheld) == 1], strings.Join(withheld, ", "))}})
		}
		if s.human != nil {
			s.savedHint(*out)
		}
	} else if s.human != nil && plan.HasChanges() && !m.inAutomation() {
		fmt.Fprintln(m.Stdout, "\nNote: this plan was not saved (-out=FILE), so seedform cannot promise to take exactly these actions if you run \"seedform apply\" now.")
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

// savedHint says where the plan was saved and, for a person, what to type
// to apply it; in automation the pipeline knows what comes next.
func (s *session) savedHint(out string) {
	if s.m.inAutomation() {
		fmt.Fprintf(s.m.Stdout, "\nSaved the plan to %s.\n", out)
		return
	}
	// The path is relative to -chdir, so the command to copy has it too.
	cmd := "seedform"
	if s.m.Dir != "." {
		cmd += " " + shellQuote("-chdir="+s.m.Dir)
	}
	fmt.Fprintf(s.m.Stdout, "\nSaved the plan to %s. To apply exactly this plan: %s apply %s\n", out, cmd, shellQuote(out))
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
	shardFlag := ""
	if !destroy {
		fs.StringVar(&shardFlag, "shard", "", "apply shard I of N of a saved plan (I counts from 1), recording into .seedform/shards")
	}
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
	if *parallelism < 1 {
		s.diag.errorf("-parallelism=%d: at least one request must be allowed in flight; use -parallelism=1 to generate one asset at a time", *parallelism)
		return 1
	}
	if destroy {
		s.setDestroy()
	}

	opts := pf.options(destroy)
	var saved *pipeline.Plan
	if len(pos) == 1 {
		if len(pf.files)+len(pf.targets)+len(pf.replace) > 0 || pf.refreshOnly {
			s.diag.errorf("a saved plan is applied exactly as planned: -var, -var-file, -target, -replace and -refresh-only belong to plan")
			return 1
		}
		f, err := readSaved(m, pos[0], pf.vars)
		if err != nil {
			s.diag.errorf("%v", err)
			return 1
		}
		saved = f.Pipeline()
		if saved.Options.Destroy {
			s.setDestroy()
		}
		opts = saved.Options
	}
	var shard *pipeline.ShardRun
	paceShard := func(_ string, p provider.Provider) provider.Provider { return p }
	if shardFlag != "" {
		if shard, ok = parseShardRun(s, shardFlag, pos); !ok {
			return 1
		}
	}
	if !s.open(opts, true, pf.lockTimeout, name) {
		return 1
	}
	plan := s.plan(opts)
	if plan == nil {
		return 1
	}
	switch {
	case shard != nil:
		// A shard applies the saved plan itself: the outputs may differ
		// from it by what an earlier run of this shard did.
		if err := pipeline.CheckSavedInputs(saved, plan); err != nil {
			s.diag.errorf("%v", err)
			return 1
		}
		plan = saved
		wrap, closeRate := shareRate(ctx, s, shard.Shard.Count)
		defer closeRate()
		paceShard = wrap
		if s.json != nil {
			s.json.SetShard(shard.Shard.Index, shard.Shard.Count)
		}
	case saved != nil:
		if err := pipeline.CheckSaved(saved, plan); err != nil {
			s.diag.errorf("%v", err)
			return 1
		}
	default:
		s.showPlan(plan)
	}
	if !plan.HasChanges() && shard == nil {
		return 0
	}
	s.warnStaleCards(plan)
	budget, ok := s.checkBudget(plan, pf.maxCost.b)
	if !ok {
		return 1
	}
	if shard != nil && budget != nil {
		budget = shardBudget(budget, plan, s.cfg, shard.Shard)
	}
	if saved == nil && !*autoApprove && !s.confirm(name, pf.input) {
		return 1
	}
	providers, err := buildProviders(s.cfg, s.ws, plan, m)
	if err != nil {
		s.diag.errorf("%v", err)
		return 1
	}
	for addr, p := range providers {
		providers[addr] = paceShard(addr, p)
	}
	var hook interface {
		pipeline.Hook
		StopProgress()
		SetTotal(int)
	} = s.human
	if s.json != nil {
		hook = s.json
	} else {
		fmt.Fprintln(m.Stdout)
	}
	total := 0
	for _, c := range plan.Changes {
		if c.Action != pipeline.NoOp {
			total++
		}
	}
	hook.SetTotal(total)
	plan.DropAttrs() // shown: apply reads none of them
	res, err := pipeline.Apply(ctx, s.ws, plan, pipeline.ApplyOptions{
		Parallelism: *parallelism, Providers: providers, Stop: m.Stop, Hook: hook, Budget: budget, Shard: shard,
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

// confirm asks for "yes" on a terminal, or reads it from a pipe as
// Terraform does (`echo yes | seedform apply`). With -input=false, -json or
// nothing to read from, apply needs -auto-approve.
func (s *session) confirm(name string, input bool) bool {
	switch {
	case !input:
		s.diag.errorf("%s needs confirmation, and -input=false forbids asking: pass -auto-approve, or apply a plan saved with plan -out", name)
		return false
	case s.json != nil:
		s.diag.errorf("%s -json cannot ask for confirmation: pass -auto-approve, or apply a plan saved with plan -out", name)
		return false
	case !s.m.Interactive && !s.m.Piped:
		s.diag.errorf("%s needs confirmation: run it in a terminal, pipe \"yes\" to it, or pass -auto-approve (or apply a saved plan)", name)
		return false
	}
	if name == "destroy" {
		fmt.Fprintf(s.m.Stdout, "\nDo you really want to destroy these assets?\n  seedform will delete the files and lock entries shown above. Generated images\n  cannot be made again identically: a new apply pays for new, different images.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
	} else {
		fmt.Fprintf(s.m.Stdout, "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
	}
	line, err := bufio.NewReader(s.m.Stdin).ReadString('\n')
	if err != nil && line == "" && !s.m.Interactive {
		// A pipe with nothing in it: a CI job that forgot -auto-approve.
		fmt.Fprintln(s.m.Stdout)
		s.diag.errorf("%s needs confirmation, and standard input ended without an answer: pipe \"yes\" to it, or pass -auto-approve (or apply a saved plan)", name)
		return false
	}
	if strings.TrimSpace(line) != "yes" { // EOF on a terminal reads as "no"
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
