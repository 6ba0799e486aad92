package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/seedform/seedform/lockfile"
)

// FileName is the review file's name in the configuration directory.
const FileName = "seedform.review.json"

// FormatVersion is the review format this build reads and writes. A file
// of a higher version is refused, never overwritten.
const FormatVersion = 1

// Verdict is what a reviewer decided about one content.
type Verdict string

const (
	Approved Verdict = "approved"
	Rejected Verdict = "rejected"
)

// Approval is one reviewer's verdict on one content. Address is where the
// content was when it was reviewed: it is there for people reading the
// file, and does not limit the approval to that address.
type Approval struct {
	Address string  `json:"address"`
	Verdict Verdict `json:"verdict"`
	Note    string  `json:"note,omitempty"`
}

// File is seedform.review.json: approvals keyed by the sha256 (64
// lowercase hex digits) of the content they judge.
type File struct {
	Version   int                 `json:"version"`
	Approvals map[string]Approval `json:"approvals"`
}

// New returns an empty review file of the current format.
func New() *File {
	return &File{Version: FormatVersion, Approvals: map[string]Approval{}}
}

// Read loads the review file at path; a missing file is an empty one.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and checks a review file read from path (named in errors).
func Parse(path string, data []byte) (*File, error) {
	if line := conflictLine(data); line > 0 {
		return nil, fmt.Errorf("%s:%d: unresolved merge conflict: keep the lines of both sides (each approval is one line) and remove the markers", path, line)
	}
	var doc struct {
		Version   *int                `json:"version"`
		Approvals map[string]Approval `json:"approvals"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s is not a seedform review file: %v", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s is not a seedform review file: data after the JSON object", path)
	}
	switch {
	case doc.Version == nil:
		return nil, fmt.Errorf("%s: no \"version\": not a seedform review file", path)
	case *doc.Version > FormatVersion:
		return nil, fmt.Errorf("%s: written by a newer seedform (review format %d; this build reads up to %d): upgrade seedform", path, *doc.Version, FormatVersion)
	case *doc.Version < 1:
		return nil, fmt.Errorf("%s: invalid version %d", path, *doc.Version)
	}
	f := &File{Version: FormatVersion, Approvals: doc.Approvals}
	if f.Approvals == nil {
		f.Approvals = map[string]Approval{}
	}
	for sha, a := range f.Approvals {
		if err := check(sha, a); err != nil {
			return nil, fmt.Errorf("%s: approvals[%q]: %w", path, sha, err)
		}
	}
	return f, nil
}

// conflictLine returns the 1-based line of the first git conflict marker
// in data, or 0.
func conflictLine(data []byte) int {
	for i, line := range strings.Split(string(data), "\n") {
		for _, m := range []string{"<<<<<<< ", "=======", ">>>>>>> "} {
			if strings.HasPrefix(line, m) {
				return i + 1
			}
		}
	}
	return 0
}

func check(sha string, a Approval) error {
	if !ValidSHA256(sha) {
		return fmt.Errorf("the key must be a sha256 of 64 lowercase hex digits")
	}
	if a.Address == "" {
		return fmt.Errorf("no address")
	}
	if a.Verdict != Approved && a.Verdict != Rejected {
		return fmt.Errorf("verdict must be %q or %q, got %q", Approved, Rejected, a.Verdict)
	}
	return nil
}

// ValidSHA256 reports whether s is a sha256 as seedform writes them: 64
// lowercase hex digits.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Record sets the verdict on one content, replacing an earlier one.
func (f *File) Record(sha string, a Approval) error {
	if err := check(sha, a); err != nil {
		return err
	}
	f.Approvals[sha] = a
	return nil
}

// Merge records every approval of other over f's.
func (f *File) Merge(other *File) {
	for sha, a := range other.Approvals {
		f.Approvals[sha] = a
	}
}

// IsApproved reports whether the content sha256 has an approving verdict.
func (f *File) IsApproved(sha string) bool {
	a, ok := f.Approvals[sha]
	return ok && a.Verdict == Approved
}

// Encode returns the file's canonical bytes: two-space indent, approvals
// sorted by content and one to a line, a trailing newline. Adding an
// approval adds one line, so two branches' approvals merge cleanly.
func (f *File) Encode() []byte {
	shas := make([]string, 0, len(f.Approvals))
	for sha := range f.Approvals {
		shas = append(shas, sha)
	}
	sort.Strings(shas)
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"version\": %d,\n  \"approvals\": {", FormatVersion)
	for i, sha := range shas {
		line, err := json.Marshal(f.Approvals[sha])
		if err != nil {
			panic(err) // strings only
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n    %q: %s", sha, spaced(line))
	}
	if len(shas) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("}\n}\n")
	return b.Bytes()
}

// spaced puts a space after each key's colon and each comma between
// fields of a compact JSON object of strings, for reading.
func spaced(obj []byte) []byte {
	var out bytes.Buffer
	inString, escaped := false, false
	for _, c := range obj {
		out.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ':' || c == ','):
			out.WriteByte(' ')
		}
	}
	return out.Bytes()
}

// Write saves f at path atomically.
func (f *File) Write(path string) error {
	return lockfile.WriteFile(path, f.Encode())
}
