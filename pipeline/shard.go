package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
)

// Shard is one part of a saved plan applied by one job of a CI matrix:
// Index counts from 1 to Count, as in "-shard=2/4".
type Shard struct{ Index, Count int }

// ParseShard reads "I/N".
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 1 || index > count {
		return Shard{}, fmt.Errorf("-shard=%q: want I/N with 1 <= I <= N, as in -shard=1/4", s)
	}
	return Shard{Index: index, Count: count}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// AssignShards splits plan's changes over n shards and returns each
// change's shard (1..n) by address. It depends on the plan and the config
// alone, so every job of a matrix computes the same split. A connected
// group of the dependency graph stays in one shard, so that no dependent
// waits on another job; every local change (move, delete, update, accept)
// is in one group, since moves may trade paths with each other. Groups
// are placed largest first, by the images they may produce, each on the
// least loaded shard (the lowest index on a tie).
func AssignShards(plan *Plan, cfg *spec.Config, n int) map[string]int {
	groups := shardGroups(plan, cfg)
	load := make([]int, n)
	out := map[string]int{}
	for _, g := range groups {
		best := 0
		for i := 1; i < n; i++ {
			if load[i] < load[best] {
				best = i
			}
		}
		load[best] += g.images
		for _, addr := range g.addrs {
			out[addr] = best + 1
		}
	}
	return out
}

// ForShard is plan with only the changes of shard s.
func (p *Plan) ForShard(cfg *spec.Config, s Shard) *Plan {
	assigned := AssignShards(p, cfg, s.Count)
	out := *p
	out.Changes = nil
	for _, c := range p.Changes {
		if assigned[c.Addr] == s.Index {
			out.Changes = append(out.Changes, c)
		}
	}
	return &out
}

// shardGroup is a set of changes that must run in one job.
type shardGroup struct {
	addrs  []string // sorted
	images int      // the most images its changes may produce
}

// shardGroups finds the connected groups of plan's changes, largest first
// (then by first address, so that the order is total).
func shardGroups(plan *Plan, cfg *spec.Config) []shardGroup {
	parent := map[string]string{}
	var find func(string) string
	find = func(a string) string {
		if parent[a] != a {
			parent[a] = find(parent[a])
		}
		return parent[a]
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	byAddr := map[string]*spec.Asset{}
	for _, a := range cfg.Assets {
		byAddr[a.Addr] = a
	}
	var changes []*Change
	for _, c := range plan.Changes {
		if c.Action != NoOp {
			changes = append(changes, c)
			parent[c.Addr] = c.Addr
		}
	}
	local := ""
	for _, c := range changes {
		if a := byAddr[c.Addr]; a != nil {
			for _, d := range a.DependsOn {
				if _, ok := parent[d]; ok {
					union(c.Addr, d)
				}
			}
		}
		if prev := c.Info().PrevAddr; prev != "" {
			if _, ok := parent[prev]; ok {
				union(c.Addr, prev)
			}
		}
		if isLocal(c.Action) {
			if local == "" {
				local = c.Addr
			}
			union(c.Addr, local)
		}
	}
	byRoot := map[string]*shardGroup{}
	for _, c := range changes {
		r := find(c.Addr)
		g := byRoot[r]
		if g == nil {
			g = &shardGroup{}
			byRoot[r] = g
		}
		g.addrs = append(g.addrs, c.Addr)
		if c.Action.Generates() {
			g.images += max(c.Images, 1)
		}
	}
	groups := make([]shardGroup, 0, len(byRoot))
	for _, g := range byRoot {
		slices.Sort(g.addrs)
		groups = append(groups, *g)
	}
	slices.SortFunc(groups, func(a, b shardGroup) int {
		if c := cmp.Compare(b.images, a.images); c != 0 {
			return c
		}
		return cmp.Compare(a.addrs[0], b.addrs[0])
	})
	return groups
}

// isLocal reports whether an action changes files and the lock without a
// provider.
func isLocal(a Action) bool {
	switch a {
	case Move, Delete, Update, Accept:
		return true
	}
	return false
}

// ShardRun is one shard's apply of a saved plan: which shard, and the
// digest of the saved plan's bytes, which names its fragment.
type ShardRun struct {
	Shard      Shard
	PlanDigest string
	// Resumed counts the changes an earlier run of this shard had
	// already recorded in its fragment (a rerun after a failure).
	Resumed int

	// fragmentDigest is the digest of the fragment an earlier run left
	// ("" for none), which its journal applies to; journaled counts the
	// journal's records read back.
	fragmentDigest string
	journaled      int
	// addrs are the addresses the shard's changes touch.
	addrs []string
}

// FragmentsDir is where shards record, in the state directory.
func (ws *Workspace) FragmentsDir() string { return filepath.Join(ws.StateDir(), "shards") }

func (s *ShardRun) fragmentPath(ws *Workspace) string {
	return lockfile.FragmentPath(ws.FragmentsDir(), s.PlanDigest, s.Shard.Index)
}

// journalPath is the shard's journal of finished entries: it applies to
// the shard's fragment as the workspace's applies to the lock.
func (s *ShardRun) journalPath(ws *Workspace) string {
	return strings.TrimSuffix(s.fragmentPath(ws), ".json") + ".jsonl"
}

// prepare returns the shard's part of plan. What an earlier run of the
// same shard recorded (its fragment, and the journal a kill left) is read
// back into ws's lock and manifest, and the changes it finished are
// dropped: a rerun pays for nothing twice (an answer paid for but not
// recorded is in staging, and recovered from there).
func (s *ShardRun) prepare(ws *Workspace, plan *Plan) (*Plan, error) {
	manifest, err := ws.Manifest()
	if err != nil {
		return nil, err
	}
	part := plan.ForShard(ws.Config, s.Shard)
	for _, c := range part.Changes {
		s.addrs = append(s.addrs, c.Addr)
		if prev := c.Info().PrevAddr; prev != "" {
			s.addrs = append(s.addrs, prev)
		}
	}
	base := maps.Clone(ws.Lock.Assets)
	data, err := os.ReadFile(s.fragmentPath(ws))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		f, err := lockfile.ReadFragment(s.fragmentPath(ws))
		if err != nil {
			return nil, err
		}
		if f.Plan != s.PlanDigest || f.Shard != s.Shard.Index || f.Shards != s.Shard.Count {
			return nil, fmt.Errorf("%s was written by shard %d/%d of another plan: remove it", s.fragmentPath(ws), f.Shard, f.Shards)
		}
		f.Apply(ws.Lock, manifest)
		s.fragmentDigest = lockfile.FileDigest(data)
	}
	if s.journaled, err = lockfile.ReplayJournal(s.journalPath(ws), s.fragmentDigest, ws.Lock, manifest); err != nil {
		return nil, err
	}
	var todo []*Change
	for _, c := range part.Changes {
		if shardDone(c, base[c.Addr], ws.Lock.Assets[c.Addr]) {
			s.Resumed++
			continue
		}
		todo = append(todo, c)
	}
	part.Changes = todo
	return part, nil
}

// shardDone reports whether change c is done, given its lock entry before
// the shard ran and now (after what an earlier run recorded). A
// regeneration takes the old entry out before its files change, so only
// a new entry is proof that a generation finished; an entry as it was is
// a change not yet made.
func shardDone(c *Change, before, now *lockfile.Entry) bool {
	if c.Action == Delete {
		return before != nil && now == nil
	}
	return now != nil && !reflect.DeepEqual(before, now)
}

// record makes rec write the shard's fragment, with the entries of every
// address the shard's changes may touch (prepare found them), instead of the lock and the
// manifest, with a journal of finished entries between whole writes. The
// fragment is written even when the shard has nothing to do, so that a
// merge can tell a shard that ran from one that did not.
func (s *ShardRun) record(ws *Workspace, rec *lockfile.Recorder) {
	addrs := slices.Clone(s.addrs) // every change of the shard's, done already or not
	head := lockfile.Fragment{Plan: s.PlanDigest, Shard: s.Shard.Index, Shards: s.Shard.Count}
	if f, err := lockfile.ReadFragment(s.fragmentPath(ws)); err == nil {
		addrs = append(addrs, f.Addresses()...) // what an earlier run recorded
		head.Spend = f.Spend                    // and what it was billed
	}
	slices.Sort(addrs)
	rec.UseFragment(s.fragmentPath(ws), head, slices.Compact(addrs))
	rec.UseJournal(s.journalPath(ws), s.fragmentDigest, s.journaled > 0)
}

// ShardSummary is what one shard's fragment records.
type ShardSummary struct {
	Shard    int
	File     string // relative to the config directory
	Recorded int    // addresses with an entry
	Removed  int    // addresses removed
	Images   int    // output files recorded
}

// MergeResult is what a merge did.
type MergeResult struct {
	Shards []ShardSummary // by shard
	// AlreadyMerged is set when the lock already held every fragment:
	// nothing was written.
	AlreadyMerged bool
}

// MergeShards writes the fragments of the saved plan with digest
// planDigest into the lock and the manifest, once. It refuses fragments of
// another plan, two fragments of one shard, a missing shard, an address
// recorded by two shards, a fragment's image that is not on disk with its
// recorded content, and a lock that changed since the plan was made,
// naming each; merging again what is merged already changes nothing. The
// caller holds the process lock.
func MergeShards(ws *Workspace, planDigest string, plan *Plan) (*MergeResult, error) {
	frags, err := lockfile.ReadFragments(ws.FragmentsDir())
	if err != nil {
		return nil, err
	}
	mine, err := shardFragments(ws, frags, planDigest)
	if err != nil {
		return nil, err
	}
	res := &MergeResult{}
	for i, f := range mine {
		sum := ShardSummary{Shard: i + 1, File: ws.rel(lockfile.FragmentPath(ws.FragmentsDir(), planDigest, i+1))}
		for addr, e := range f.Lock {
			if e == nil {
				sum.Removed++
				continue
			}
			sum.Recorded++
			sum.Images += len(e.Outputs)
			for _, o := range e.Outputs {
				name := ws.OutputPath(o.Path)
				if f.OutputDir != "" {
					name = filepath.Join(ws.Dir, filepath.FromSlash(f.OutputDir), filepath.FromSlash(o.Path))
				}
				if !ws.hasHash(name, o.SHA256) {
					return nil, fmt.Errorf("shard %d recorded %s for %s, which is not here with the content it recorded: bring shard %d's images into this checkout before merging",
						i+1, ws.rel(name), addr, i+1)
				}
			}
		}
		res.Shards = append(res.Shards, sum)
	}
	if ws.LockDigest != plan.LockDigest {
		for i, f := range mine {
			if !f.In(ws.Lock) {
				return nil, fmt.Errorf("%w: %s changed since the plan was made and does not hold shard %d's changes: make a new plan", ErrStalePlan, lockfile.FileName, i+1)
			}
		}
		res.AlreadyMerged = true
		return res, nil
	}
	manifest, err := ws.Manifest()
	if err != nil {
		return nil, err
	}
	for _, f := range mine {
		f.Apply(ws.Lock, manifest)
	}
	rec := lockfile.NewRecorder(ws.LockPath(), ws.ManifestPath(), ws.Lock, manifest)
	rec.Confine(ws.Dir)
	// One whole write of both files; the fragments stay, so that a merge
	// run again finds them merged and changes nothing.
	err = rec.Update(func(*lockfile.Lock, *lockfile.Manifest) {})
	return res, errors.Join(err, rec.Close())
}

// shardFragments picks the fragments of the plan with digest planDigest,
// by shard, and refuses any set that is not exactly one per shard.
func shardFragments(ws *Workspace, frags map[string]*lockfile.Fragment, planDigest string) ([]*lockfile.Fragment, error) {
	var foreign []string
	byShard := map[int]string{}
	count := 0
	for name, f := range frags {
		if f.Plan != planDigest {
			foreign = append(foreign, ws.rel(name))
			continue
		}
		if count != 0 && f.Shards != count {
			return nil, fmt.Errorf("%s and %s split the plan %d and %d ways: remove the fragments of the wrong run", ws.rel(name), ws.rel(byShard[1]), f.Shards, count)
		}
		count = f.Shards
		if other, ok := byShard[f.Shard]; ok {
			return nil, fmt.Errorf("%s and %s both record shard %d: keep the one of the run that finished", ws.rel(other), ws.rel(name), f.Shard)
		}
		if name != lockfile.FragmentPath(ws.FragmentsDir(), planDigest, f.Shard) {
			return nil, fmt.Errorf("%s records shard %d under another shard's name: remove it", ws.rel(name), f.Shard)
		}
		byShard[f.Shard] = name
	}
	slices.Sort(foreign)
	if len(foreign) > 0 {
		return nil, fmt.Errorf("%s: made from another plan (stale, or not this repository's): remove them, or merge with the plan they were made from", strings.Join(foreign, ", "))
	}
	if count == 0 {
		return nil, fmt.Errorf("no shard has recorded anything of this plan in %s: run apply -shard=I/N with it first, and bring each shard's %s here", ws.rel(ws.FragmentsDir()), ws.rel(ws.FragmentsDir()))
	}
	var missing []string
	out := make([]*lockfile.Fragment, count)
	owner := map[string]int{}
	for i := 1; i <= count; i++ {
		name, ok := byShard[i]
		if !ok {
			missing = append(missing, strconv.Itoa(i))
			continue
		}
		if !frags[name].Complete {
			return nil, fmt.Errorf("shard %d of %d did not finish (%s was written on the way): run apply -shard=%d/%d again where it ran, and bring its fragment here",
				i, count, ws.rel(name), i, count)
		}
		out[i-1] = frags[name]
		for _, addr := range frags[name].Addresses() {
			if j, ok := owner[addr]; ok {
				return nil, fmt.Errorf("%s is recorded by shards %d and %d: the fragments are not of one split; make a new plan", addr, j, i)
			}
			owner[addr] = i
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shard(s) %s of %d have not recorded: run them (apply -shard=I/%d) and bring their fragments here", strings.Join(missing, ", "), count, count)
	}
	return out, nil
}

// rel is name relative to the config directory, for messages.
func (ws *Workspace) rel(name string) string {
	if r, err := filepath.Rel(ws.Dir, name); err == nil && filepath.IsLocal(r) {
		return filepath.ToSlash(r)
	}
	return name
}
