package command

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/planfile"
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
		if p.ImagesPerMinute > 0 {
			p.ImagesPerMinute = max(1, p.ImagesPerMinute/n)
		}
	}
}

// runShard is "seedform shard merge PLANFILE".
func runShard(_ context.Context, m *Meta, args []string) int {
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
	f, err := planfile.Read(m.path(pos[0]))
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
