package command

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/sharedrate"
	"github.com/seedform/seedform/spec"
)

// planDigest is "sha256:<hex>" of a saved plan file's bytes: what names a
// shard's fragment and ties it to the plan.
func planDigest(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// shareLimits gives one shard of n its share of every provider's limits,
// so that n shards at once stay within the account's: parallelism / n and
// images_per_minute / n, each at least 1.
func shareLimits(cfg *spec.Config, n int) {
	for _, p := range cfg.Providers {
		p.Parallelism = max(1, p.Parallelism/n)
		// images_per_minute is a setting of the API providers' own.
		if ipm := p.Settings.Int("images_per_minute"); ipm != nil && *ipm > 0 {
			if err := p.Settings.Set("images_per_minute", max(1, *ipm/int64(n))); err != nil {
				panic(err) // a number always encodes
			}
		}
	}
}

// runShard is "seedform shard merge PLANFILE".
func runShard(_ context.Context, m *Meta, args []string) int {
	if len(args) > 0 && isHelpFlag(args[0]) {
		args = append([]string{"merge"}, args...) // merge is the one subcommand
	}
	if len(args) == 0 || args[0] != "merge" {
		fmt.Fprintln(m.Stderr, "Usage: seedform shard merge [-lock-timeout=D] PLANFILE\n\n"+
			"  Writes what every shard of a sharded apply (apply -shard=I/N PLANFILE) recorded\n"+
			"  in .seedform/shards into the lock and the manifest, once.")
		return 1
	}
	fs := newFlags(m, "shard merge")
	var pf planFlags
	pf.register(fs, false)
	pos, ok := parseArgs(m, fs, args[1:], 1, "a plan file")
	if !ok {
		return 1
	}
	s := newSession(m, &pf)
	defer s.close()
	if len(pos) != 1 {
		s.diag.errorf("shard merge needs the saved plan the shards applied: seedform shard merge PLANFILE")
		return 1
	}
	f, err := readSaved(m, pos[0], pf.vars)
	if err != nil {
		s.diag.errorf("%v", err)
		return 1
	}
	saved := f.Pipeline()
	digest, err := planDigest(m.path(pos[0]))
	if err != nil {
		s.diag.errorf("%v", err)
		return 1
	}
	if !s.open(saved.Options, true, pf.lockTimeout, "shard merge") {
		return 1
	}
	res, err := pipeline.MergeShards(s.ws, digest, saved)
	if err != nil {
		s.diag.errorf("%v", err)
		return 1
	}
	if s.json != nil {
		s.json.ShardMerge(res)
	} else {
		s.human.ShardMerge(res)
	}
	return 0
}

// parseShardRun reads -shard=I/N, which needs a saved plan.
func parseShardRun(s *session, flag string, pos []string) (*pipeline.ShardRun, bool) {
	sh, err := pipeline.ParseShard(flag)
	if err != nil {
		s.diag.errorf("%v", err)
		return nil, false
	}
	if len(pos) != 1 {
		s.diag.errorf("-shard applies a saved plan: seedform plan -out=plan.sfplan once, then seedform apply -shard=%s plan.sfplan in each job", sh)
		return nil, false
	}
	digest, err := planDigest(s.m.path(pos[0]))
	if err != nil {
		s.diag.errorf("%v", err)
		return nil, false
	}
	return &pipeline.ShardRun{Shard: sh, PlanDigest: digest}, true
}

// pacedProvider waits on the shared rate limit before each request.
type pacedProvider struct {
	provider.Provider
	wait func(ctx context.Context, req *provider.Request) error
}

func (p *pacedProvider) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	if err := p.wait(ctx, req); err != nil {
		return nil, err
	}
	return p.Provider.Generate(ctx, req)
}

// Unwrap is the provider paced, so that the engine finds what its client
// learned of the server (provider.PacedOf).
func (p *pacedProvider) Unwrap() provider.Provider { return p.Provider }

// pacedDownloader is a pacedProvider that also downloads a recovered
// answer's images (downloads are not generations: they are not paced).
type pacedDownloader struct {
	*pacedProvider
	provider.Downloader
}

// shareRate sets up how a shard of count keeps within every provider's
// images_per_minute together with the other shards: through the Redis of
// the seedform block's rate_limit when it answers, each request then
// waiting on the budget of its provider instance and model, which every
// shard draws from; else each shard takes its static share. It returns
// a function that wraps a provider accordingly, and one to call at the end.
func shareRate(ctx context.Context, s *session, count int) (wrap func(addr string, p provider.Provider) provider.Provider, closeFn func()) {
	none := func(_ string, p provider.Provider) provider.Provider { return p }
	if s.cfg.RateLimit == nil {
		shareLimits(s.cfg, count)
		return none, func() {}
	}
	warn := func(msg string) { s.diag.warnf("%s", msg) }
	lim, err := sharedrate.Open(ctx, s.cfg.RateLimit.RedisURL, count, warn)
	if err != nil {
		warn(fmt.Sprintf("%v: this shard takes its static share (1/%d) of each provider's limits", err, count))
		shareLimits(s.cfg, count)
		return none, func() {}
	}
	ipm := map[string]int{}
	for _, p := range s.cfg.Providers {
		if n := p.Settings.Int("images_per_minute"); n != nil {
			ipm[p.Addr] = int(*n)
		}
		p.Parallelism = max(1, p.Parallelism/count) // in flight stays this shard's own
	}
	wrap = func(addr string, p provider.Provider) provider.Provider {
		paced := &pacedProvider{Provider: p, wait: func(ctx context.Context, req *provider.Request) error {
			n := 1
			if req.Asset.Kind == spec.KindImageSet {
				n = req.Asset.MaxImages
			}
			return lim.Wait(ctx, addr+":"+req.Asset.Model, ipm[addr], n)
		}}
		if d, ok := p.(provider.Downloader); ok {
			return &pacedDownloader{paced, d}
		}
		return paced
	}
	return wrap, func() { lim.Close() }
}

// shardBudget is one shard's running budget: its share of the plan's
// (cost.Share), so that the shards together never spend more than the
// budget, however each one's answers are billed.
func shardBudget(whole *cost.Gate, plan *pipeline.Plan, cfg *spec.Config, sh pipeline.Shard) *cost.Gate {
	all, _ := plan.Cost()
	part, _ := plan.ForShard(cfg, sh).Cost()
	if all.Max == nil || part.Max == nil {
		return whole // a plan CheckBudget passed has a bound
	}
	return cost.NewGate(cost.Share(whole.Limit(), *part.Max, *all.Max))
}
