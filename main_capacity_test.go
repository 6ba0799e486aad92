package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// capacityConfig is n images on one seedream provider of the given
// parallelism; var.round changes every prompt, so each round regenerates.
func capacityConfig(baseURL string, n, parallelism int) string {
	return fmt.Sprintf(`provider "seedream" {
  base_url          = %q
  api_key_env       = %q
  parallelism       = %d
  images_per_minute = 1000000
}

variable "round" {
  default = "1"
}

image "tile" {
  count  = %d
  model  = "doubao-seedream-3-0-t2i-250415"
  prompt = "Tile ${count.index}, round ${var.round}"
  size   = "512x512"
  path   = "tiles/${count.index}.jpeg"
}
`, baseURL, shardKeyEnv, parallelism, n)
}

// TestApplyStartsAtKnownCapacity: the first apply against a server that
// takes 32 at once slow-starts from 16 and remembers in .seedform that
// the server took 32; the next apply with parallelism 32 sends all 32 in
// its first round, with no 429. A damaged memo is a warning, and the
// apply slow-starts as if it had none.
func TestApplyStartsAtKnownCapacity(t *testing.T) {
	const (
		n, parallelism = 96, 32
		latency        = 400 * time.Millisecond
	)
	srv := seedreamtest.New()
	defer srv.Close()
	srv.SetMaxInFlight(parallelism)
	srv.SetLatency(latency)
	t.Setenv(shardKeyEnv, "k")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.sf.hcl"), []byte(capacityConfig(srv.BaseURL(), n, parallelism)), 0o644); err != nil {
		t.Fatal(err)
	}
	seen := 0
	apply := func(round string) ([]seedreamtest.Recorded, string) {
		t.Helper()
		code, out := seedformIn(dir, "apply", "-auto-approve", "-no-color", "-parallelism=100", "-var", "round="+round)
		if code != 0 {
			t.Fatalf("apply round %s exited %d:\n%s", round, code, out)
		}
		reqs := srv.Requests()[seen:]
		seen += len(reqs)
		return reqs, out
	}

	reqs, _ := apply("1")
	if got := seedreamtest.FirstRound(reqs, latency); got != 16 {
		t.Errorf("first apply: %d requests in its first round, want 16 (slow start)", got)
	}
	// One server, named by the provider type, the host and a digest of
	// the rest of the base URL.
	data, _ := os.ReadFile(filepath.Join(dir, ".seedform", lockfile.CapacityFileName))
	var memo struct {
		Servers map[string]lockfile.ServerCapacity `json:"servers"`
	}
	if err := json.Unmarshal(data, &memo); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.BaseURL(), "http://")
	host, _, _ = strings.Cut(host, "/")
	for name, got := range memo.Servers {
		if len(memo.Servers) != 1 || !strings.HasPrefix(name, "seedream http://"+host+" #") || got.Good != parallelism || got.ObservedAt.IsZero() {
			t.Fatalf("the memo holds %+v for %q, want one server at %s, good %d:\n%s", got, name, host, parallelism, data)
		}
	}

	reqs, _ = apply("2")
	if got := seedreamtest.FirstRound(reqs, latency); got != parallelism {
		t.Errorf("second apply: %d requests in its first round, want %d", got, parallelism)
	}
	for _, r := range reqs {
		if r.Status == 429 {
			t.Errorf("second apply: a 429 at %v", r.Time)
		}
	}

	if err := os.WriteFile(filepath.Join(dir, ".seedform", lockfile.CapacityFileName), []byte("{not a memo"), 0o644); err != nil {
		t.Fatal(err)
	}
	reqs, out := apply("3")
	if !strings.Contains(out, "Ignored the capacity memo") {
		t.Errorf("no warning of the damaged memo:\n%s", out)
	}
	if got := seedreamtest.FirstRound(reqs, latency); got != 16 {
		t.Errorf("apply with a damaged memo: %d requests in its first round, want 16", got)
	}
	if _, err := lockfile.LoadCapacities(filepath.Join(dir, ".seedform")); err != nil {
		t.Errorf("the memo after that apply: %v", err)
	}
}
