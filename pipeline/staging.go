package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/seedform/seedform/lockfile"
)

// legacyURLLifetime is how long the URLs of a journal that does not say
// lasted: journals were written without urls_expire while the only
// provider whose answers held URLs kept them a day.
const legacyURLLifetime = 24 * time.Hour

const answerFile = "answer.json"

// Staging keeps what a provider returned until the asset is recorded in
// the lock: one directory per in-flight asset holding the image files as
// they arrive and answer.json, the journal of the paid answer (download
// URLs, finished files). A crash between payment and recording leaves the
// directory behind; the next plan offers to recover it with no new request.
type Staging struct {
	dir string

	mu      sync.Mutex
	answers map[string]*StagedAnswer // by address
	orphans []string                 // leftover directories with nothing to recover
	// found are the directories there were at open: only those can hold
	// anything a new answer must not mix with.
	found map[string]bool
	// prepared makes the state directory once: concurrent first answers
	// must not each write its .gitignore.
	prepared sync.Once
	prepErr  error
}

// StagedAnswer is the journal of one paid answer.
type StagedAnswer struct {
	Addr     string    `json:"address"`
	SpecHash string    `json:"spec_hash"`
	Provider string    `json:"provider"`
	Model    string    `json:"model,omitempty"`
	Created  time.Time `json:"created"`
	// URLsExpire is when the items' URLs lapse, as the provider type
	// says (schema.Schema.URLLifetime); zero when no item holds one.
	URLsExpire time.Time       `json:"urls_expire,omitempty"`
	Items      []StagedItem    `json:"items"`
	Usage      *lockfile.Usage `json:"usage,omitempty"`
	// Complete is set when every image the answer holds is on disk.
	Complete bool `json:"complete"`
	// Replaces are the files of the asset's previous generation, journaled
	// before its lock entry is taken out: the images may overwrite them,
	// and a recovery removes those the new ones do not reuse.
	Replaces []StagedFile `json:"replaces,omitempty"`
}

// StagedFile is a file relative to the config directory and the sha256
// the lock recorded for it.
type StagedFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// StagedItem is one slot of a staged answer.
type StagedItem struct {
	Index int `json:"index"`
	// URL is where the image can still be downloaded (url answers).
	URL string `json:"url,omitempty"`
	// File is the finished image's name inside the staging directory.
	File   string `json:"file,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Format string `json:"format,omitempty"`
	// ErrorCode and ErrorMessage are set for a slot that failed.
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
}

// OpenStaging reads the staging directory, sorting what it finds into
// recoverable answers and orphans.
func OpenStaging(dir string) (*Staging, error) {
	s := &Staging{dir: dir, answers: map[string]*StagedAnswer{}, found: map[string]bool{}}
	// A link (a hostile clone's) would put paid images and their journals
	// wherever it points.
	if err := lockfile.CheckStateDir(dir); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading staging: %w", err)
	}
	for _, ent := range ents {
		sub := filepath.Join(dir, ent.Name())
		s.found[sub] = true
		if !ent.IsDir() {
			// A file or a link is nothing staging wrote: removed (a link
			// itself, never what it points to), never read or written.
			s.orphans = append(s.orphans, sub)
			continue
		}
		ans, err := ReadJournal(filepath.Join(sub, answerFile))
		if err != nil || ans == nil || ent.Name() != stageName(ans.Addr) || ans.expired() {
			s.orphans = append(s.orphans, sub)
			continue
		}
		s.answers[ans.Addr] = ans
	}
	sort.Strings(s.orphans)
	return s, nil
}

// ReadJournal reads a journal Journal wrote: its last complete record.
func ReadJournal(path string) (*StagedAnswer, error) {
	b, err := lockfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	// The whole file last: an earlier seedform wrote one indented record.
	lines = append([][]byte{b}, lines...)
	for i := len(lines) - 1; i >= 0; i-- {
		// A line a crash cut short does not decode; the one before it,
		// synced before it was begun, does.
		var ans StagedAnswer
		if json.Unmarshal(lines[i], &ans) == nil && ans.Addr != "" {
			return &ans, nil
		}
	}
	return nil, fmt.Errorf("%s holds no complete record", path)
}

// expired reports whether the answer still needs URLs that have lapsed.
func (a *StagedAnswer) expired() bool {
	if a.Complete {
		return false
	}
	deadline := a.URLsExpire
	if deadline.IsZero() {
		deadline = a.Created.Add(legacyURLLifetime)
	}
	if !time.Now().After(deadline) {
		return false
	}
	for _, it := range a.Items {
		if it.URL != "" && it.SHA256 == "" {
			return true
		}
	}
	return false
}

// stageName is the directory name for an address: addresses hold quotes
// and brackets, so the name is a hash.
func stageName(addr string) string {
	sum := sha256.Sum256([]byte(addr))
	return hex.EncodeToString(sum[:12])
}

// isStageName reports whether name is one stageName could return.
func isStageName(name string) bool {
	_, err := hex.DecodeString(name)
	return err == nil && len(name) == 24
}

// Has reports whether a recoverable answer for addr made from hash exists.
func (s *Staging) Has(addr, hash string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.answers[addr]
	return a != nil && a.SpecHash == hash
}

// Answer returns the staged answer for addr, or nil.
func (s *Staging) Answer(addr string) *StagedAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers[addr]
}

// Orphans lists leftover staging directories with nothing to recover:
// temp files of an interrupted run, or answers whose URLs have expired.
func (s *Staging) Orphans() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.orphans...)
}

// Begin returns the staging directory for addr, creating it empty (any
// previous content was not recoverable for this spec).
func (s *Staging) Begin(addr string) (string, error) {
	sub := s.Dir(addr)
	s.mu.Lock()
	delete(s.answers, addr)
	found := s.found[sub]
	delete(s.found, sub)
	s.mu.Unlock()
	if found {
		if err := os.RemoveAll(sub); err != nil {
			return "", err
		}
	}
	s.prepared.Do(func() { s.prepErr = ensureStateDir(filepath.Dir(s.dir)) })
	if s.prepErr != nil {
		return "", s.prepErr
	}
	return sub, os.MkdirAll(sub, 0o755)
}

// Journal durably records ans in its staging directory. The journal is
// append-only: each call appends the whole answer as one line and syncs
// it, and ReadJournal takes the last complete line. An append a crash cuts
// short leaves the lines before it whole, so a record needs no temp file,
// rename and directory sync, as an atomic replace would: only the first,
// which makes the file, syncs the directory.
func (s *Staging) Journal(ans *StagedAnswer) error {
	b, err := json.Marshal(ans)
	if err != nil {
		return err
	}
	if err := appendSynced(filepath.Join(s.Dir(ans.Addr), answerFile), append(b, '\n')); err != nil {
		return fmt.Errorf("journaling the answer for %s: %w", ans.Addr, err)
	}
	rec := *ans
	rec.Items = append([]StagedItem(nil), ans.Items...)
	s.mu.Lock()
	s.answers[ans.Addr] = &rec
	s.mu.Unlock()
	return nil
}

// appendSynced appends data to the file at path, creating it, and
// returns once data and, for a new file, its directory entry are durable.
func appendSynced(path string, data []byte) error {
	// O_NOFOLLOW: a journal that is a link would append wherever it points.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL|lockfile.NoFollow, 0o644)
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|lockfile.NoFollow, 0)
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && created {
		err = lockfile.SyncDir(filepath.Dir(path))
	}
	return err
}

// Dir is addr's staging directory.
func (s *Staging) Dir(addr string) string { return filepath.Join(s.dir, stageName(addr)) }

// Path returns the path of a file inside addr's staging directory.
func (s *Staging) Path(addr, name string) string {
	return filepath.Join(s.Dir(addr), name)
}

// Done removes addr's staging directory once the asset is recorded.
func (s *Staging) Done(addr string) error {
	s.mu.Lock()
	delete(s.answers, addr)
	s.mu.Unlock()
	return os.RemoveAll(s.Dir(addr))
}

// Remove deletes leftover staging directories a plan listed; it refuses
// any path that is not a directory directly inside staging.
func (s *Staging) Remove(dirs []string) error {
	var errs []error
	for _, d := range dirs {
		// Exactly a staging directory's name: a saved plan is input, and
		// "<staging>/.." also has staging as its Dir.
		if filepath.Dir(d) != s.dir || !isStageName(filepath.Base(d)) {
			errs = append(errs, fmt.Errorf("refusing to remove %s: not a staging directory", d))
			continue
		}
		errs = append(errs, os.RemoveAll(d))
	}
	return errors.Join(errs...)
}
