package lockfile

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sync"
)

// VersionError is a lock or manifest written by a newer seedform. The
// caller must stop and must not overwrite the file: this build would drop
// what it does not understand.
type VersionError struct {
	Path    string
	Version int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s: written by a newer seedform (schema %d; this build reads up to %d): upgrade seedform",
		e.Path, e.Version, SchemaVersion)
}

// NewLock returns an empty lock of the current schema.
func NewLock() *Lock {
	return &Lock{Version: SchemaVersion, Assets: map[string]*Entry{}}
}

// NewManifest returns an empty manifest of the current schema.
func NewManifest() *Manifest {
	return &Manifest{Version: SchemaVersion, Assets: map[string]*ManifestEntry{}}
}

// Read loads and validates the lock at path. A missing file is an empty
// lock: nothing has been generated yet.
func Read(path string) (*Lock, error) {
	var l *Lock
	err := withFile(path, func(data []byte, mapped bool) (err error) {
		l, err = parseLock(path, data, mapped)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return NewLock(), nil
	}
	return l, err
}

// ReadWithDigest is Read that also returns the file's digest (FileDigest),
// its bytes hashed while they are parsed; the digest is "" when there is
// no file. Unlike ReadFile and ParseLock, it does not copy the file
// onto the heap, where at 100,000 assets its 76 MB, while parsed, raised
// the collector's goal by as much again (see withFile).
func ReadWithDigest(path string) (l *Lock, digest string, err error) {
	var sum [sha256.Size]byte
	err = withFile(path, func(data []byte, mapped bool) error {
		// Hashing 8 MB at 10,000 assets takes as long as half the
		// parse: both at once, each goroutine guarding its own reads
		// of the mapping, and both done before it goes.
		var hashFault any
		var wg sync.WaitGroup
		wg.Go(func() {
			hashFault = catchFault(data, func() { sum = hashData(data, mapped) })
		})
		var err error
		fault := catchFault(data, func() { l, err = parseLock(path, data, mapped) })
		wg.Wait()
		if fault = cmp.Or(fault, hashFault); fault != nil {
			panic(fault) // withFile reads the file again
		}
		return err
	})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return NewLock(), "", nil
	case err != nil:
		return nil, "", err
	}
	return l, sumDigest(sum), nil
}

// hashData is the sha256 of data; when data is a mapping, the pages
// hashed are given back as it goes (see scanner.releaseRead).
func hashData(data []byte, mapped bool) [sha256.Size]byte {
	if !mapped {
		return sha256.Sum256(data)
	}
	h := sha256.New()
	for done := 0; done < len(data); {
		n := min(len(data)-done, releaseStep)
		h.Write(data[done : done+n])
		done += n
		releaseMapped(data, done-n, done)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// ParseLock decodes and validates a lock read from path (named in errors).
func ParseLock(path string, data []byte) (*Lock, error) {
	return parseLock(path, data, false)
}

// parseLock is ParseLock of data that may be a mapping of the file
// (see scanner.mapped).
func parseLock(path string, data []byte, mapped bool) (*Lock, error) {
	l, ok := fastDecodeLock(data, mapped)
	if !ok {
		doc, err := decode[*Entry](path, data)
		if err != nil {
			return nil, err
		}
		l = Lock{Version: doc.Version, OutputDir: doc.OutputDir, Assets: doc.Assets}
		if len(doc.Spend) > 0 {
			if err := json.Unmarshal(doc.Spend, &l.Spend); err != nil {
				return nil, jsonError(path, data, err)
			}
		}
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, e := range l.Assets {
		e.normalize()
	}
	return &l, nil
}

// ReadManifest loads and validates the manifest at path. A missing file is
// an empty manifest.
func ReadManifest(path string) (*Manifest, error) {
	return ReadManifestOf(path, nil)
}

// ReadManifestOf is ReadManifest for the manifest of l (nil for none):
// an entry whose files are the outputs l records for the same address
// shares l's list instead of holding a copy, as apply's entries do. That
// is every entry when nothing changed: at 100,000 assets, 20 MB.
func ReadManifestOf(path string, l *Lock) (*Manifest, error) {
	var m *Manifest
	err := withFile(path, func(data []byte, mapped bool) (err error) {
		m, err = parseManifest(path, data, l, mapped)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return NewManifest(), nil
	}
	return m, err
}

// ParseManifest decodes and validates a manifest read from path (named in errors).
func ParseManifest(path string, data []byte) (*Manifest, error) {
	return parseManifest(path, data, nil, false)
}

// parseManifest is ReadManifestOf's parse of data, which may be a mapping
// of the file (see scanner.mapped).
func parseManifest(path string, data []byte, l *Lock, mapped bool) (*Manifest, error) {
	var lock map[string]*Entry
	if l != nil {
		lock = l.Assets
	}
	if m, ok := fastDecodeManifest(data, lock, mapped); ok {
		// Its meta is compact already.
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &m, nil
	}
	doc, err := decode[*ManifestEntry](path, data)
	if err != nil {
		return nil, err
	}
	m := Manifest{Version: doc.Version, Assets: doc.Assets}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for addr, e := range m.Assets {
		meta, err := canonicalMeta(e.Meta)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: meta: %w", path, addr, err)
		}
		e.Meta = meta
	}
	return &m, nil
}

// document is what a lock and a manifest share: a version and assets
// keyed by address (and the lock's output directory).
type document[E any] struct {
	Version   int
	OutputDir string
	Spend     json.RawMessage // the lock's; a manifest has none
	Assets    map[string]E
}

// decode reads a lock or manifest document.
func decode[E any](path string, data []byte) (document[E], error) {
	var none document[E]
	var doc struct {
		Version   *int            `json:"version"`
		OutputDir string          `json:"output_dir"`
		Spend     json.RawMessage `json:"spend"`
		Assets    map[string]E    `json:"assets"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		// A newer schema may no longer fit this build's types: report it
		// as newer rather than as whatever field changed.
		var head struct {
			Version int `json:"version"`
		}
		if json.Unmarshal(data, &head) == nil && head.Version > SchemaVersion {
			return none, &VersionError{Path: path, Version: head.Version}
		}
		return none, jsonError(path, data, err)
	}
	switch {
	case doc.Version == nil:
		return none, fmt.Errorf("%s: not a seedform file: \"version\" is missing", path)
	case *doc.Version > SchemaVersion:
		return none, &VersionError{Path: path, Version: *doc.Version}
	case *doc.Version < 1:
		return none, fmt.Errorf("%s: unknown schema version %d", path, *doc.Version)
	case doc.Assets == nil:
		return none, fmt.Errorf("%s: \"assets\" is missing", path)
	}
	return document[E]{Version: *doc.Version, OutputDir: doc.OutputDir, Spend: doc.Spend, Assets: doc.Assets}, nil
}

// jsonError names the file and, where encoding/json knows it, the line and
// column of the problem.
func jsonError(path string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		if syntax.Offset >= int64(len(data)) {
			line, col := position(data, syntax.Offset)
			return fmt.Errorf("%s:%d:%d: file is truncated or empty: %v", path, line, col, err)
		}
		// Offset counts the offending byte: point at it, not after it.
		line, col := position(data, syntax.Offset-1)
		return fmt.Errorf("%s:%d:%d: invalid JSON: %v", path, line, col, err)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "the top level"
		}
		return fmt.Errorf("%s:%d:%d: %s must be %s, not %s", path, line, col, field, jsonKind(typ.Type), typ.Value)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// canonicalMeta compacts meta so that a file read and written again is
// unchanged byte for byte; JSON null and absent are the same thing.
func canonicalMeta(meta json.RawMessage) (json.RawMessage, error) {
	if len(meta) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, meta); err != nil {
		return nil, err
	}
	if buf.String() == "null" {
		return nil, nil
	}
	return buf.Bytes(), nil
}

// normalize makes the empty optional lists and maps nil, as they are
// after an omitempty round trip, so that entries compare equal however
// they were written.
func (e *Entry) normalize() {
	if len(e.Upstream) == 0 {
		e.Upstream = nil
	}
	if len(e.Failed) == 0 {
		e.Failed = nil
	}
}
