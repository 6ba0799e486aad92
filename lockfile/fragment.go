package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// FragmentVersion is the format of a shard's fragment.
const FragmentVersion = 1

// Fragment is what one shard of a sharded apply recorded
// (`apply -shard=I/N PLANFILE`): the lock and manifest entries of the
// addresses it changed, a null for each it removed, and the saved plan it
// carried out. Shards record into fragments rather than into the shared
// lock and manifest, so that N jobs never conflict; `shard merge` checks
// them against the plan and writes the lock and manifest once.
type Fragment struct {
	Version int `json:"version"`
	// Plan is the digest of the saved plan's bytes.
	Plan   string `json:"plan"`
	Shard  int    `json:"shard"`
	Shards int    `json:"shards"`
	// OutputDir is the lock's output directory when the shard finished.
	OutputDir string                    `json:"output_dir,omitempty"`
	Lock      map[string]*Entry         `json:"lock"`
	Manifest  map[string]*ManifestEntry `json:"manifest"`
	// Spend is what the shard's applies were billed: the merge adds it to
	// the lock's.
	Spend []*Spend `json:"spend,omitempty"`
	// Complete is set when the shard's apply ran to its end; a fragment
	// written on the way (before a file it names changed) is not.
	Complete bool `json:"complete,omitempty"`
}

// FragmentPath is where shard index of the plan with digest planDigest
// records, in dir (the state directory's "shards" folder).
func FragmentPath(dir, planDigest string, index int) string {
	return filepath.Join(dir, fmt.Sprintf("%s.%d.json", strings.TrimPrefix(planDigest, "sha256:"), index))
}

// ReadFragment reads and validates a fragment.
func ReadFragment(path string) (*Fragment, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Fragment
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: not a shard fragment: %w", path, err)
	}
	switch {
	case f.Version > FragmentVersion:
		return nil, fmt.Errorf("%s: written by a newer seedform (fragment %d): upgrade seedform", path, f.Version)
	case f.Version < 1 || f.Plan == "" || f.Shards < 1 || f.Shard < 1 || f.Shard > f.Shards:
		return nil, fmt.Errorf("%s: not a shard fragment (version, plan or shard missing)", path)
	}
	for addr, e := range f.Lock {
		if e == nil {
			continue
		}
		if err := e.Validate(addr); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		e.normalize()
	}
	if err := validateSpend(f.Spend); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for addr, m := range f.Manifest {
		if m == nil {
			continue
		}
		if err := m.Validate(addr); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		meta, err := canonicalMeta(m.Meta)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: meta: %w", path, addr, err)
		}
		m.Meta = meta
	}
	return &f, nil
}

// Apply writes what f recorded into l and m.
func (f *Fragment) Apply(l *Lock, m *Manifest) {
	for addr, e := range f.Lock {
		if e == nil {
			delete(l.Assets, addr)
		} else {
			l.Assets[addr] = e
		}
	}
	for addr, me := range f.Manifest {
		if me == nil {
			delete(m.Assets, addr)
		} else {
			m.Assets[addr] = me
		}
	}
	if f.OutputDir != "" {
		l.OutputDir = f.OutputDir
	}
	l.Spend = append(l.Spend, f.Spend...)
}

// In reports whether l already holds every lock entry f recorded (a merge
// that was done already).
func (f *Fragment) In(l *Lock) bool {
	for addr, e := range f.Lock {
		if got := l.Assets[addr]; !reflect.DeepEqual(got, e) {
			return false
		}
	}
	return true
}

// Addresses are the addresses f records, sorted.
func (f *Fragment) Addresses() []string {
	out := make([]string, 0, len(f.Lock))
	for a := range f.Lock {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// fragmentSink is a Recorder's fragment: the addresses the shard may
// change, and the fragment's head.
type fragmentSink struct {
	path  string
	head  Fragment
	addrs []string
	// spendFrom is how many of the lock's bills predate the shard: the
	// fragment carries head.Spend (earlier runs') and the ones after.
	spendFrom int
}

// UseFragment makes the Recorder write the fragment at path, holding the
// entries of addrs (the addresses the shard's changes may touch), instead
// of the lock and the manifest. Call it before the first change, and
// UseJournal after it for a journal of finished entries that applies to
// the fragment (the fragment is then written whole at Close and before a
// change that must reach it first, as the lock would be).
func (r *Recorder) UseFragment(path string, head Fragment, addrs []string) {
	head.Version = FragmentVersion
	r.fragment = &fragmentSink{path: path, head: head, addrs: slices.Clone(addrs), spendFrom: len(r.lock.Spend)}
	r.journal = nil
	r.dirty = true // written at Close even if nothing changes
}

// encodeFragment is the fragment as the lock and manifest now are,
// complete when the apply has ended. r.mu is held.
func (r *Recorder) encodeFragment(complete bool) ([]byte, error) {
	f := r.fragment.head
	f.Complete = complete
	f.OutputDir = r.lock.OutputDir
	f.Lock = make(map[string]*Entry, len(r.fragment.addrs))
	f.Manifest = make(map[string]*ManifestEntry, len(r.fragment.addrs))
	for _, a := range r.fragment.addrs {
		f.Lock[a] = r.lock.Assets[a]
		f.Manifest[a] = r.manifest.Assets[a]
	}
	if n := r.fragment.spendFrom; n <= len(r.lock.Spend) {
		f.Spend = append(slices.Clone(f.Spend), r.lock.Spend[n:]...)
	}
	return encodeJSON(&f)
}

// writeFragment writes the fragment atomically, making its folder, and
// empties the journal of finished entries, which the fragment now holds
// (the journal's records then apply to this fragment: its digest).
func (r *Recorder) writeFragment(data []byte) error {
	if err := r.writeFragmentFile(data); err != nil {
		return err
	}
	if r.journal == nil {
		return nil
	}
	return r.journal.reset(FileDigest(data))
}

func (r *Recorder) writeFragmentFile(data []byte) error {
	r.writes++
	if r.root != "" {
		if err := CheckInside(r.root, r.fragment.path); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(r.fragment.path), 0o755); err != nil {
		return err
	}
	return WriteFile(r.fragment.path, data)
}

// ReadFragments reads every fragment in dir (a missing dir holds none).
func ReadFragments(dir string) (map[string]*Fragment, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]*Fragment{}
	for _, n := range names {
		f, err := ReadFragment(n)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[n] = f
	}
	return out, nil
}
