package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
)

// JournalName is the name, in the state directory, of the journal of
// finished entries: what an apply recorded since it last wrote the lock
// and the manifest whole.
//
// Rewriting a lock of n entries for every finished asset costs O(n) bytes
// per asset (40 GB over an apply of 100,000). Instead, each change of an
// entry (a new asset's files, a regeneration taking the old entry out, a
// move, a manifest update, a delete) is appended to the journal and
// synced; the lock and the manifest are written whole once, when the apply
// ends. A run that dies leaves the journal: every reader that plans or
// shows replays it (ReplayJournal, ReadRecorded), so a record is as good as
// a write of the lock, and the next apply writes it into the lock and
// removes it.
const JournalName = "recorded.jsonl"

// journalVersion is the journal's format; its first line names it.
// Version 2 adds records that only forget addresses (no "lock").
const journalVersion = 2

// journalHeader is the journal's first line: the digest of the lock file
// its records apply to ("" for no lock file yet).
type journalHeader struct {
	Version int    `json:"seedform_journal"`
	Lock    string `json:"lock"`
}

// journalRecord is one change: the addresses in drop are forgotten (a
// renamed asset's old address, a deleted asset), and then addr gets its
// lock entry and, when set, its manifest entry. A record without a lock
// entry only forgets.
type journalRecord struct {
	Addr     string          `json:"addr"`
	Drop     []string        `json:"drop,omitempty"`
	Lock     json.RawMessage `json:"lock,omitempty"`
	Manifest json.RawMessage `json:"manifest,omitempty"`
}

// StaleJournalError is a journal whose records were made on another lock
// than the one on disk, and are not all in it: the lock was replaced
// (a checkout, a merge) after an apply was interrupted.
type StaleJournalError struct {
	Path    string
	Records int
}

func (e *StaleJournalError) Error() string {
	return fmt.Sprintf("%s: an interrupted apply recorded %d asset(s) here, on a lock that has since been replaced: "+
		"restore the lock it was made on (git checkout seedform.lock.json) and run apply to write them into it, "+
		"or delete this file to forget them (their images stay on disk)", e.Path, e.Records)
}

// ReplayJournal applies the journal at path to l and m, the lock and
// manifest as read from disk (lockDigest is the lock file's digest, "" when
// there is none), and returns how many records it applied. A missing
// journal applies nothing. A record cut short by a crash (the last line
// without its newline) was never acknowledged, and is ignored. A journal
// made on another lock is applied only if everything it holds is already
// in l (a crash between writing the lock and removing the journal);
// otherwise it is a *StaleJournalError.
func ReplayJournal(path, lockDigest string, l *Lock, m *Manifest) (int, error) {
	data, err := ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	head, recs, err := parseJournal(path, data)
	if err != nil {
		return 0, err
	}
	if head.Lock != lockDigest {
		if !inLock(l, recs) {
			return 0, &StaleJournalError{Path: path, Records: len(recs)}
		}
		return 0, nil
	}
	for _, r := range recs {
		for _, d := range r.drop {
			delete(l.Assets, d)
			delete(m.Assets, d)
		}
		if r.entry != nil {
			l.Assets[r.addr] = r.entry
			if r.manifest != nil {
				m.Assets[r.addr] = r.manifest
			}
		}
	}
	return len(recs), nil
}

// inLock reports whether l already says what recs say: each address's
// last record is in it, and each address a record forgot and none set
// again is absent.
func inLock(l *Lock, recs []replayed) bool {
	last := map[string]*Entry{}
	for _, r := range recs {
		for _, d := range r.drop {
			last[d] = nil
		}
		if r.entry != nil {
			last[r.addr] = r.entry
		}
	}
	for addr, e := range last {
		if !reflect.DeepEqual(l.Assets[addr], e) {
			return false
		}
	}
	return true
}

// ReadRecorded is Read with the journal at journalPath replayed: what an
// apply recorded, even one that was interrupted before writing the lock.
func ReadRecorded(lockPath, journalPath string) (*Lock, error) {
	l, digest, err := ReadWithDigest(lockPath)
	if err != nil {
		return nil, err
	}
	if _, err := ReplayJournal(journalPath, digest, l, NewManifest()); err != nil {
		return nil, err
	}
	return l, nil
}

// replayed is a journal record decoded and validated.
type replayed struct {
	addr     string
	drop     []string
	entry    *Entry
	manifest *ManifestEntry
}

func parseJournal(path string, data []byte) (journalHeader, []replayed, error) {
	var head journalHeader
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) == 0 || !bytes.HasSuffix(lines[0], []byte("\n")) {
		return head, nil, nil // the header itself was cut short: nothing was acknowledged
	}
	if err := json.Unmarshal(lines[0], &head); err != nil || head.Version == 0 {
		return head, nil, fmt.Errorf("%s: line 1: not a seedform journal", path)
	}
	if head.Version > journalVersion {
		return head, nil, fmt.Errorf("%s: written by a newer seedform (journal %d): upgrade seedform", path, head.Version)
	}
	var recs []replayed
	for i, line := range lines[1:] {
		if !bytes.HasSuffix(line, []byte("\n")) {
			break
		}
		r, err := decodeRecord(line)
		if err != nil {
			return head, nil, fmt.Errorf("%s: line %d: %w", path, i+2, err)
		}
		recs = append(recs, r)
	}
	return head, recs, nil
}

func decodeRecord(line []byte) (replayed, error) {
	var rec journalRecord
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return replayed{}, err
	}
	r := replayed{addr: rec.Addr, drop: rec.Drop}
	if len(rec.Lock) == 0 {
		if len(rec.Drop) == 0 || len(rec.Manifest) > 0 {
			return r, fmt.Errorf("%s: a record without a lock entry only forgets addresses", rec.Addr)
		}
		return r, nil
	}
	if err := strictUnmarshal(rec.Lock, &r.entry); err != nil || r.entry == nil {
		return r, fmt.Errorf("%s: the lock entry: %v", rec.Addr, err)
	}
	if err := r.entry.Validate(rec.Addr); err != nil {
		return r, err
	}
	r.entry.normalize()
	if len(rec.Manifest) > 0 {
		if err := strictUnmarshal(rec.Manifest, &r.manifest); err != nil || r.manifest == nil {
			return r, fmt.Errorf("%s: the manifest entry: %v", rec.Addr, err)
		}
		if err := r.manifest.Validate(rec.Addr); err != nil {
			return r, err
		}
		meta, err := canonicalMeta(r.manifest.Meta)
		if err != nil {
			return r, fmt.Errorf("%s: meta: %w", rec.Addr, err)
		}
		r.manifest.Meta = meta
	}
	return r, nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// encodeRecord is the journal line of one change, newline included.
func encodeRecord(enc *entryEncoder, addr string, drop []string, e *Entry, m *ManifestEntry) ([]byte, error) {
	rec := journalRecord{Addr: addr, Drop: drop}
	var err error
	if e != nil {
		if rec.Lock, err = enc.compactJSON(e); err != nil {
			return nil, fmt.Errorf("encoding %s: %w", addr, err)
		}
	}
	if m != nil {
		if rec.Manifest, err = enc.compactJSON(m); err != nil {
			return nil, fmt.Errorf("encoding %s: %w", addr, err)
		}
	}
	return enc.compactJSON(&rec)
}

// compactJSON is v as one line of JSON ending in a newline, HTML left
// unescaped as in the lock. The result is the caller's to keep.
func (e *entryEncoder) compactJSON(v any) ([]byte, error) {
	e.compact.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(e.compact.Bytes()), nil
}
