package lockfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Marshal encodes l deterministically: assets sorted by address, fields in
// struct order, two-space indent, a trailing newline, and no HTML escaping
// (a prompt's "&" stays readable in a diff). It panics only if l holds a
// value JSON cannot represent (invalid meta), which Validate rejects.
func (l *Lock) Marshal() []byte {
	b, err := l.encode()
	if err != nil {
		panic(err)
	}
	return b
}

// encode is Marshal with the error returned, for writers that must not panic.
func (l *Lock) encode() ([]byte, error) {
	out := Lock{Version: l.Version, OutputDir: l.OutputDir, Assets: make(map[string]*Entry, len(l.Assets))}
	for addr, e := range l.Assets {
		if e != nil && e.Outputs == nil {
			// "outputs": [] rather than null: an empty set reads the same
			// whether it was built in memory or decoded.
			c := *e
			c.Outputs = []Output{}
			e = &c
		}
		out.Assets[addr] = e
	}
	return encodeJSON(&out)
}

// Digest is "sha256:<hex>" of l's encoding: a saved plan records it to
// refuse being applied to a lock that changed since.
func (l *Lock) Digest() string {
	sum := sha256.Sum256(l.Marshal())
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Marshal encodes m deterministically, like Lock.Marshal.
func (m *Manifest) Marshal() []byte {
	b, err := m.encode()
	if err != nil {
		panic(err)
	}
	return b
}

func (m *Manifest) encode() ([]byte, error) {
	out := Manifest{Version: m.Version, Assets: make(map[string]*ManifestEntry, len(m.Assets))}
	for addr, e := range m.Assets {
		if e != nil && (e.Files == nil || string(e.Meta) == "null") {
			c := *e
			if c.Files == nil {
				c.Files = []Output{}
			}
			if string(c.Meta) == "null" {
				c.Meta = nil
			}
			e = &c
		}
		out.Assets[addr] = e
	}
	return encodeJSON(&out)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	return buf.Bytes(), nil
}
