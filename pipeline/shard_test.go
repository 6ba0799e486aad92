package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
)

// shardFixture is a plan of chains (each link depends on the one before),
// some independent sets of up to 4 images, and local changes.
func shardFixture() (*Plan, *spec.Config) {
	cfg := &spec.Config{}
	plan := &Plan{}
	add := func(a *spec.Asset, action Action, images int) {
		cfg.Assets = append(cfg.Assets, a)
		plan.Changes = append(plan.Changes, &Change{Addr: a.Addr, Action: action, Images: images})
	}
	for c := range 6 {
		for i := range 5 {
			a := &spec.Asset{Common: &spec.Common{}, Addr: fmt.Sprintf("image.chain%d_%d", c, i)}
			if i > 0 {
				a.DependsOn = []string{fmt.Sprintf("image.chain%d_%d", c, i-1)}
			}
			add(a, Create, 1)
		}
	}
	for s := range 7 {
		add(&spec.Asset{Common: &spec.Common{Kind: spec.KindImageSet}, Addr: fmt.Sprintf("image_set.s%d", s)}, Replace, 4)
	}
	add(&spec.Asset{Common: &spec.Common{}, Addr: "image.moved_a"}, Move, 0)
	add(&spec.Asset{Common: &spec.Common{}, Addr: "image.moved_b"}, Move, 0)
	add(&spec.Asset{Common: &spec.Common{}, Addr: "image.meta"}, Update, 0)
	add(&spec.Asset{Common: &spec.Common{}, Addr: "image.same"}, NoOp, 0)
	plan.Changes = append(plan.Changes, &Change{Addr: "image.gone", Action: Delete})
	return plan, cfg
}

func TestAssignShards(t *testing.T) {
	t.Parallel()
	plan, cfg := shardFixture()
	const n = 4
	got := AssignShards(plan, cfg, n)

	// Deterministic: the same split from the plan alone, whatever the
	// order the changes come in.
	rev := *plan
	rev.Changes = nil
	for i := len(plan.Changes) - 1; i >= 0; i-- {
		rev.Changes = append(rev.Changes, plan.Changes[i])
	}
	again := AssignShards(&rev, cfg, n)
	for addr, s := range got {
		if again[addr] != s {
			t.Errorf("%s: shard %d, then %d with the changes reversed", addr, s, again[addr])
		}
	}
	if _, ok := got["image.same"]; ok {
		t.Error("a no-op was given a shard")
	}
	// No dependency crosses a shard.
	for _, a := range cfg.Assets {
		for _, d := range a.DependsOn {
			if got[a.Addr] != got[d] {
				t.Errorf("%s (shard %d) depends on %s (shard %d)", a.Addr, got[a.Addr], d, got[d])
			}
		}
	}
	// Every local change in one shard.
	locals := map[int]bool{}
	for _, addr := range []string{"image.moved_a", "image.moved_b", "image.meta", "image.gone"} {
		locals[got[addr]] = true
	}
	if len(locals) != 1 {
		t.Errorf("local changes spread over shards %v", locals)
	}
	// Balanced by images: 30 in chains of 5, 28 in sets of 4; 58 over 4.
	load := make([]int, n+1)
	for _, c := range plan.Changes {
		if c.Action.Generates() {
			load[got[c.Addr]] += c.Images
		}
	}
	mean := 58.0 / n
	for i := 1; i <= n; i++ {
		if float64(load[i]) > mean*1.25 {
			t.Errorf("shard %d carries %d images, over 1.25 x the mean %.1f (loads %v)", i, load[i], mean, load[1:])
		}
	}
}

func TestForShardEmpty(t *testing.T) {
	t.Parallel()
	plan, cfg := shardFixture()
	total := 0
	for i := 1; i <= 40; i++ {
		total += len(plan.ForShard(cfg, Shard{Index: i, Count: 40}).Changes)
	}
	if want := len(plan.Changes) - 1; total != want {
		t.Errorf("40 shards hold %d changes, want every change but the no-op (%d) once", total, want)
	}
	if got := plan.ForShard(cfg, Shard{Index: 40, Count: 40}); len(got.Changes) != 0 {
		t.Errorf("shard 40 of 40 has %d changes, want none (more shards than groups)", len(got.Changes))
	}
}

func TestParseShard(t *testing.T) {
	t.Parallel()
	if s, err := ParseShard("2/4"); err != nil || s != (Shard{2, 4}) {
		t.Errorf("ParseShard(2/4) = %v, %v", s, err)
	}
	for _, bad := range []string{"0/4", "5/4", "1/0", "a/b", "1", "-1/2", "1/2/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) succeeded", bad)
		}
	}
}

// A rerun of a shard skips only what an earlier run finished: an entry
// as it was before the shard (a fragment holds every address of the
// shard, done or not) or one taken out for a regeneration is still to do.
func TestShardDone(t *testing.T) {
	t.Parallel()
	old := &lockfile.Entry{Kind: "image", SpecHash: "sha256:old"}
	same := &lockfile.Entry{Kind: "image", SpecHash: "sha256:old"} // read back from a fragment
	fresh := &lockfile.Entry{Kind: "image", SpecHash: "sha256:new"}
	for _, tt := range []struct {
		name        string
		action      Action
		before, now *lockfile.Entry
		want        bool
	}{
		{"create not made", Create, nil, nil, false},
		{"create made", Create, nil, fresh, true},
		{"replace not started", Replace, old, same, false},
		{"replace with its old entry taken out", Replace, old, nil, false},
		{"replace made", Replace, old, fresh, true},
		{"delete not made", Delete, old, same, false},
		{"delete made", Delete, old, nil, true},
	} {
		if got := shardDone(&Change{Action: tt.action}, tt.before, tt.now); got != tt.want {
			t.Errorf("%s: done %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A merge refuses a shard whose fragment was written on the way, not at
// the end of its apply, and a shard that recorded nothing, by number.
func TestMergeRefusesUnfinishedShards(t *testing.T) {
	t.Parallel()
	ws := &Workspace{Dir: t.TempDir()}
	const digest = "sha256:abc"
	frag := func(i int, complete bool) (string, *lockfile.Fragment) {
		return lockfile.FragmentPath(ws.FragmentsDir(), digest, i),
			&lockfile.Fragment{Plan: digest, Shard: i, Shards: 2, Complete: complete}
	}
	n1, f1 := frag(1, true)
	n2, f2 := frag(2, false)
	_, err := shardFragments(ws, map[string]*lockfile.Fragment{n1: f1, n2: f2}, digest)
	if err == nil || !strings.Contains(err.Error(), "shard 2 of 2 did not finish") {
		t.Errorf("an unfinished shard: %v", err)
	}
	_, err = shardFragments(ws, map[string]*lockfile.Fragment{n1: f1}, digest)
	if err == nil || !strings.Contains(err.Error(), "shard(s) 2 of 2 have not recorded") {
		t.Errorf("a missing shard: %v", err)
	}
	f2.Complete = true
	if got, err := shardFragments(ws, map[string]*lockfile.Fragment{n1: f1, n2: f2}, digest); err != nil || len(got) != 2 {
		t.Errorf("two finished shards: %d, %v", len(got), err)
	}
}
