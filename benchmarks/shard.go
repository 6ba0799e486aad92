package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seedform/seedform/benchmarks/fixture"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// shardScenario applies one saved plan of images in reference chains
// twice against a server that takes 16 requests at once: as one job with
// parallelism 16 and 2,000 images a minute, and as 4 shards at once, each
// with its share (4 and 500). It
// reports the balance of the split (the slowest shard's images over the
// mean) and both makespans: at the same total limits sharding buys time
// per job, not a shorter makespan.
func shardScenario(images, chainLen int, latency time.Duration) scenario {
	name := fmt.Sprintf("shard-%d", images)
	return scenario{
		name: name, target: "balance <= 1.10; 4 shards within 10% of 1 job",
		prepare: func(e *env) (runFunc, error) {
			return func(i int) (sample, error) {
				one, oneImages, _, err := shardRun(e, fmt.Sprintf("%s-%d-one", name, i), images, chainLen, latency, 1)
				if err != nil {
					return sample{}, err
				}
				four, perShard, rssKB, err := shardRun(e, fmt.Sprintf("%s-%d-four", name, i), images, chainLen, latency, 4)
				if err != nil {
					return sample{}, err
				}
				most, total := 0, 0
				for _, n := range perShard {
					most, total = max(most, n), total+n
				}
				return sample{wall: four, requests: total, rssKB: rssKB, extra: map[string]float64{
					"1 job s":   one.Seconds(),
					"balance":   float64(most) / (float64(total) / float64(len(perShard))),
					"4/1":       four.Seconds() / one.Seconds(),
					"1 job req": float64(oneImages[0]),
				}}, nil
			}, nil
		},
		check: func(r row) string {
			if b := r.extra["balance"]; b > 1.10 {
				return fmt.Sprintf("balance %.3f", b)
			}
			if q := r.extra["4/1"]; q > 1.10 {
				return fmt.Sprintf("4 shards take %.2f x one job", q)
			}
			return ""
		},
	}
}

// shardRun plans the chains config in a fresh directory and applies it as
// n shards at once in n copies, returning the makespan and each shard's
// requests.
func shardRun(e *env, name string, images, chainLen int, latency time.Duration, n int) (time.Duration, []int, int64, error) {
	srv := seedreamtest.New()
	defer srv.Close()
	srv.SetLatency(latency)
	srv.SetMaxInFlight(16)
	base, err := e.dir(name)
	if err != nil {
		return 0, nil, 0, err
	}
	defer os.RemoveAll(base)
	if err := os.WriteFile(filepath.Join(base, "main.sf.hcl"), []byte(chainsConfig(srv.BaseURL(), images/chainLen, chainLen)), 0o644); err != nil {
		return 0, nil, 0, err
	}
	if _, err := e.seedform(base, filepath.Join(e.work, name+"-plan.log"), []string{"plan", "-no-color", "-out=plan.sfplan"}); err != nil {
		return 0, nil, 0, err
	}
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = fmt.Sprintf("%s-job%d", base, i+1)
		if err := copyDir(base, dirs[i]); err != nil {
			return 0, nil, 0, err
		}
		defer os.RemoveAll(dirs[i])
	}
	start := time.Now()
	errs := make([]error, n)
	rss := make([]int64, n) // each job's peak RSS, KiB
	var wg sync.WaitGroup
	for i := range dirs {
		args := []string{"apply", "-no-color", "plan.sfplan"}
		if n > 1 {
			args = append(args, fmt.Sprintf("-shard=%d/%d", i+1, n))
		}
		wg.Go(func() {
			r, err := e.seedform(dirs[i], filepath.Join(e.work, fmt.Sprintf("%s-%d.log", name, i+1)), args)
			errs[i], rss[i] = err, r.rssKB
		})
	}
	wg.Wait()
	wall := time.Since(start)
	per := make([]int, n)
	for i, d := range dirs {
		if errs[i] != nil {
			return 0, nil, 0, errs[i]
		}
		per[i] = countFiles(d, ".jpeg")
	}
	if got := srv.Count(); got != images {
		return 0, nil, 0, fmt.Errorf("%d requests for %d images", got, images)
	}
	return wall, per, slices.Max(rss), nil
}

func chainsConfig(baseURL string, chains, length int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `provider "seedream" {
  base_url          = %q
  api_key_env       = %q
  parallelism       = 16
  images_per_minute = 2000
}

locals {
  chains = [for c in range(%d) : format("c%%03d", c)]
}

image "link0" {
  for_each = toset(local.chains)
  model    = %q
  prompt   = "Chain ${each.key}, panel 0"
  size     = "1K"
  path     = "${each.key}/0.jpeg"
}
`, baseURL, fixture.APIKeyEnv, chains, chainModel)
	for i := 1; i < length; i++ {
		fmt.Fprintf(&b, `
image "link%d" {
  for_each   = toset(local.chains)
  model      = %q
  prompt     = "Chain ${each.key}, panel %d"
  size       = "1K"
  references = [image.link%d[each.key].file]
  path       = "${each.key}/%d.jpeg"
}
`, i, chainModel, i, i-1, i)
	}
	return b.String()
}

// chainModel takes references (3.0 t2i, the cheapest, does not).
const chainModel = "doubao-seedream-4-0-250828"

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if d.Name() == "lock" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
}

func countFiles(dir, suffix string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, suffix) {
			n++
		}
		return nil
	})
	return n
}
