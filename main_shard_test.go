package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/seedream/seedreamtest"
	"github.com/seedform/seedform/sharedrate/redistest"
)

// shardChains and shardChainLen shape the sharding test's config: chains
// of images, each referencing the one before it.
const (
	shardChains   = 60
	shardChainLen = 5
	shardKeyEnv   = "SEEDFORM_SHARD_TEST_KEY"
)

func shardConfig(baseURL string) string { return shardConfigOf(baseURL, shardChains, shardChainLen) }

// shardConfigOf is chains chains of length images each.
func shardConfigOf(baseURL string, chains, length int) string {
	return fmt.Sprintf(`provider "seedream" {
  base_url          = %q
  api_key_env       = %q
  parallelism       = 16
  images_per_minute = 100000
}

locals {
  chains = [for c in range(%d) : format("c%%02d", c)]
}

image "first" {
  for_each = toset(local.chains)
  model    = "doubao-seedream-4-0-250828"
  prompt   = "Chain ${each.key}, the first panel"
  size     = "1K"
  path     = "${each.key}/0.jpeg"
}
`, baseURL, shardKeyEnv, chains) + shardLinks(length)
}

// shardLinks are image blocks link1..link(length-1), each referencing the
// previous link of the same chain.
func shardLinks(length int) string {
	var b strings.Builder
	prev := "image.first[each.key].file"
	for i := 1; i < length; i++ {
		fmt.Fprintf(&b, `
image "link%d" {
  for_each   = toset(local.chains)
  model      = "doubao-seedream-4-0-250828"
  prompt     = "Chain ${each.key}, panel %d"
  size       = "1K"
  references = [%s]
  path       = "${each.key}/%d.jpeg"
}
`, i, i, prev, i)
		prev = fmt.Sprintf("image.link%d[each.key].file", i)
	}
	return b.String()
}

// seedformIn runs the CLI in-process in dir and returns its exit code and
// output.
func seedformIn(dir string, args ...string) (int, string) {
	var out bytes.Buffer
	code := run(append([]string{"-chdir=" + dir}, args...), strings.NewReader(""), &out, &out)
	return code, out.String()
}

// copyTree copies src into dst (files and folders; no links in these trees).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if d.Name() == "lock" && filepath.Base(filepath.Dir(p)) == ".seedform" {
			return nil // a process lock is not part of a checkout
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// lockWithoutTimes is the lock's entries with what differs from run to
// run cleared: creation times and the server's request ids.
func lockWithoutTimes(t *testing.T, dir string) map[string]*lockfile.Entry {
	t.Helper()
	l, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Assets {
		e.CreatedAt = time.Time{}
		if e.Usage != nil {
			e.Usage.RequestID = ""
		}
	}
	return l.Assets
}

// TestShardedApply plans 300 assets in chains once, applies the plan as 4
// shards in 4 copies of the repository at once (as a CI matrix would),
// brings their images and fragments into one checkout and merges them.
// Every asset is generated exactly once, no chain crosses shards, the
// merged lock is the lock an unsharded apply of the same plan writes (but
// for times), merging again changes nothing, and the next plan is a no-op.
func TestShardedApply(t *testing.T) {
	srv := seedreamtest.New()
	defer srv.Close()
	t.Setenv(shardKeyEnv, "sk-shard-test")
	root := t.TempDir()
	base := filepath.Join(root, "base")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "main.sf.hcl"), []byte(shardConfig(srv.BaseURL())), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := seedformIn(base, "plan", "-out=plan.sfplan", "-no-color"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	const n = 4
	assets := shardChains * shardChainLen
	jobs := make([]string, n)
	for i := range jobs {
		jobs[i] = filepath.Join(root, fmt.Sprintf("job%d", i+1))
		copyTree(t, base, jobs[i])
	}
	var wg sync.WaitGroup
	outs := make([]string, n)
	codes := make([]int, n)
	for i := range jobs {
		wg.Go(func() {
			codes[i], outs[i] = seedformIn(jobs[i], "apply", fmt.Sprintf("-shard=%d/%d", i+1, n), "-no-color", "plan.sfplan")
		})
	}
	wg.Wait()
	for i := range jobs {
		if codes[i] != 0 {
			t.Fatalf("shard %d/%d: exit %d\n%s", i+1, n, codes[i], outs[i])
		}
	}
	if got := srv.Count(); got != assets {
		t.Errorf("the shards made %d generation requests for %d assets", got, assets)
	}

	// The merge job: the checkout, plus every shard's images and fragment.
	merge := filepath.Join(root, "merge")
	copyTree(t, base, merge)
	for _, j := range jobs {
		copyTree(t, filepath.Join(j, ".seedform", "shards"), filepath.Join(merge, ".seedform", "shards"))
		for c := range shardChains {
			if dir := filepath.Join(j, fmt.Sprintf("c%02d", c)); dirExists(dir) {
				copyTree(t, dir, filepath.Join(merge, fmt.Sprintf("c%02d", c)))
			}
		}
	}
	// No chain crosses shards: each chain's folder is written by one job.
	for c := range shardChains {
		writers := 0
		for _, j := range jobs {
			if _, err := os.Stat(filepath.Join(j, fmt.Sprintf("c%02d", c), "0.jpeg")); err == nil {
				writers++
				for i := 1; i < shardChainLen; i++ {
					if _, err := os.Stat(filepath.Join(j, fmt.Sprintf("c%02d", c), fmt.Sprintf("%d.jpeg", i))); err != nil {
						t.Errorf("chain c%02d: %s has its first image but not image %d", c, j, i)
					}
				}
			}
		}
		if writers != 1 {
			t.Errorf("chain c%02d was generated by %d jobs", c, writers)
		}
	}
	// Balanced: the chains are equal, so each job has a quarter of them.
	for _, j := range jobs {
		chains := 0
		for c := range shardChains {
			if dirExists(filepath.Join(j, fmt.Sprintf("c%02d", c))) {
				chains++
			}
		}
		if chains != shardChains/n {
			t.Errorf("%s generated %d chains, want %d of %d", filepath.Base(j), chains, shardChains/n, shardChains)
		}
	}
	if code, out := seedformIn(merge, "shard", "merge", "-no-color", "plan.sfplan"); code != 0 || !strings.Contains(out, "Merge complete!") {
		t.Fatalf("shard merge: exit %d\n%s", code, out)
	}
	lockAfterMerge, _ := os.ReadFile(filepath.Join(merge, lockfile.FileName))
	if code, out := seedformIn(merge, "shard", "merge", "-no-color", "plan.sfplan"); code != 0 || !strings.Contains(out, "merged already") {
		t.Errorf("a second merge: exit %d\n%s", code, out)
	}
	if again, _ := os.ReadFile(filepath.Join(merge, lockfile.FileName)); !bytes.Equal(again, lockAfterMerge) {
		t.Error("merging twice changed the lock")
	}
	if code, out := seedformIn(merge, "plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Errorf("the plan after the merge is not a no-op: exit %d\n%s", code, out)
	}

	// The same plan applied unsharded writes the same lock, but for times.
	whole := filepath.Join(root, "whole")
	copyTree(t, base, whole)
	if code, out := seedformIn(whole, "apply", "-no-color", "plan.sfplan"); code != 0 {
		t.Fatalf("unsharded apply: exit %d\n%s", code, out)
	}
	if diff := cmp.Diff(lockWithoutTimes(t, whole), lockWithoutTimes(t, merge)); diff != "" {
		t.Errorf("merged lock differs from an unsharded apply's (-unsharded +merged):\n%s", diff)
	}
}

// TestShardKilledAndRerun: a shard SIGKILLed mid-run and run again alone
// loses nothing and pays for nothing twice; the merge then records every
// asset and the next plan is a no-op.
func TestShardKilledAndRerun(t *testing.T) {
	bin, err := exec.LookPath("seedform")
	if err != nil {
		t.Fatalf("the seedform command is not on PATH (TestMain installs it): %v", err)
	}
	srv := seedreamtest.New()
	defer srv.Close()
	srv.SetLatency(150 * time.Millisecond)
	t.Setenv(shardKeyEnv, "sk-shard-test")
	const chains, length = 12, 3
	root := t.TempDir()
	base := filepath.Join(root, "base")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "main.sf.hcl"), []byte(shardConfigOf(srv.BaseURL(), chains, length)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := seedformIn(base, "plan", "-out=plan.sfplan", "-no-color"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	job1, job2, merge := filepath.Join(root, "job1"), filepath.Join(root, "job2"), filepath.Join(root, "merge")
	for _, d := range []string{job1, job2, merge} {
		copyTree(t, base, d)
	}

	cmd := exec.Command(bin, "-chdir="+job1, "apply", "-shard=1/2", "-no-color", "plan.sfplan")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for srv.Count() < 12 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	atKill := srv.Count()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if atKill < 12 {
		t.Fatalf("shard 1 sent %d requests in 30s:\n%s", atKill, out.String())
	}
	if code, out := seedformIn(job1, "apply", "-shard=1/2", "-no-color", "plan.sfplan"); code != 0 {
		t.Fatalf("shard 1 run again: exit %d\n%s", code, out)
	}
	if code, out := seedformIn(job2, "apply", "-shard=2/2", "-no-color", "plan.sfplan"); code != 0 {
		t.Fatalf("shard 2: exit %d\n%s", code, out)
	}
	// Shard 1 had 8 requests in flight at most (16 / 2): those whose
	// answers the kill lost are the only ones paid for twice.
	assets := chains * length
	if got := srv.Count(); got > assets+8 {
		t.Errorf("%d requests for %d assets with at most 8 in flight at the kill", got, assets)
	}
	t.Logf("%d requests for %d assets; %d sent when shard 1 was killed", srv.Count(), assets, atKill)
	for _, j := range []string{job1, job2} {
		copyTree(t, filepath.Join(j, ".seedform", "shards"), filepath.Join(merge, ".seedform", "shards"))
		for c := range chains {
			if dir := filepath.Join(j, fmt.Sprintf("c%02d", c)); dirExists(dir) {
				copyTree(t, dir, filepath.Join(merge, fmt.Sprintf("c%02d", c)))
			}
		}
	}
	if code, out := seedformIn(merge, "shard", "merge", "-no-color", "plan.sfplan"); code != 0 {
		t.Fatalf("shard merge: exit %d\n%s", code, out)
	}
	if got := len(lockWithoutTimes(t, merge)); got != assets {
		t.Errorf("the merged lock records %d assets, want %d", got, assets)
	}
	if code, out := seedformIn(merge, "plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Errorf("the plan after the merge is not a no-op: exit %d\n%s", code, out)
	}
}

// TestShardsShareTheRateLimit: 4 shards at once against one server stay
// within the provider's images_per_minute together: each with its static
// quarter, and through a shared Redis. With Redis, one shard running alone
// borrows the others' idle headroom; with Redis unreachable, a shard says
// so and takes its static share.
func TestShardsShareTheRateLimit(t *testing.T) {
	const ipm, n = 1200, 4 // 20 starts a second in all, 5 per shard
	t.Setenv(shardKeyEnv, "sk-shard-test")
	t.Run("static", func(t *testing.T) {
		starts, _ := runRateShards(t, "", ipm, n, []int{1, 2, 3, 4}, 60)
		checkRate(t, starts, ipm/60+n)
	})
	t.Run("redis", func(t *testing.T) {
		url := redistest.Start(t).URL
		starts, _ := runRateShards(t, url, ipm, n, []int{1, 2, 3, 4}, 60)
		checkRate(t, starts, ipm/60+n)
		// Alone, shard 1 of 4 runs at the whole rate, not its quarter.
		alone, _ := runRateShards(t, url, ipm, n, []int{1}, 60)
		if most := mostInSecond(alone); most <= ipm/60/n+1 {
			t.Errorf("shard 1 alone started at most %d in a second: it did not borrow the idle shards' headroom", most)
		}
	})
	t.Run("redis unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "redis://" + ln.Addr().String() + "/0"
		ln.Close()
		starts, outs := runRateShards(t, url, ipm, n, []int{1, 2, 3, 4}, 60)
		checkRate(t, starts, ipm/60+n)
		if !strings.Contains(outs[0], "static share (1/4)") {
			t.Errorf("shard 1 did not say it fell back to its static share:\n%s", outs[0])
		}
	})
}

// runRateShards plans assets independent images and applies the shards
// listed (of n) at once, each in its own copy, with redisURL in a
// rate_limit block when set. It returns the server's request start times
// and each shard's output.
func runRateShards(t *testing.T, redisURL string, ipm, n int, shards []int, assets int) ([]time.Time, []string) {
	t.Helper()
	srv := seedreamtest.New()
	defer srv.Close()
	root := t.TempDir()
	base := filepath.Join(root, "base")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`provider "seedream" {
  base_url          = %q
  api_key_env       = %q
  parallelism       = 16
  images_per_minute = %d
}

image "tile" {
  for_each = toset([for i in range(%d) : format("t%%02d", i)])
  model    = "doubao-seedream-3-0-t2i-250415"
  prompt   = "Tile ${each.key}"
  size     = "512x512"
  path     = "tiles/${each.key}.jpeg"
}
`, srv.BaseURL(), shardKeyEnv, ipm, assets)
	if redisURL != "" {
		config += fmt.Sprintf("\nseedform {\n  rate_limit {\n    redis_url = %q\n  }\n}\n", redisURL)
	}
	if err := os.WriteFile(filepath.Join(base, "main.sf.hcl"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := seedformIn(base, "plan", "-out=plan.sfplan", "-no-color"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	var wg sync.WaitGroup
	codes := make([]int, len(shards))
	outs := make([]string, len(shards))
	for k, i := range shards {
		job := filepath.Join(root, fmt.Sprintf("job%d", i))
		copyTree(t, base, job)
		wg.Go(func() {
			codes[k], outs[k] = seedformIn(job, "apply", fmt.Sprintf("-shard=%d/%d", i, n), "-no-color", "plan.sfplan")
		})
	}
	wg.Wait()
	for k, i := range shards {
		if codes[k] != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, codes[k], outs[k])
		}
	}
	var starts []time.Time
	for _, r := range srv.Requests() {
		starts = append(starts, r.Time)
	}
	return starts, outs
}

// mostInSecond is the most starts within any one-second window.
func mostInSecond(starts []time.Time) int {
	starts = slices.Clone(starts)
	slices.SortFunc(starts, time.Time.Compare)
	most, j := 0, 0
	for i := range starts {
		for starts[i].Sub(starts[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// checkRate fails if more than limit requests started within one second.
// The limit allows one start per shard that a scheduling hiccup brings
// to the server early or late.
func checkRate(t *testing.T, starts []time.Time, limit int) {
	t.Helper()
	most := mostInSecond(starts)
	if most > limit {
		t.Errorf("%d requests started within one second, over %d", most, limit)
	}
	t.Logf("%d requests, at most %d in any 1 s window", len(starts), most)
}
