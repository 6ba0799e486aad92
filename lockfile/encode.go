package lockfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Marshal encodes l deterministically: assets sorted by address, fields in
// struct order, two-space indent, a trailing newline, and no HTML escaping
// (a prompt's "&" stays readable in a diff). It panics only if l holds a
// value JSON cannot represent (invalid meta), which Validate rejects.
func (l *Lock) Marshal() []byte {
	b, err := l.encode(nil)
	if err != nil {
		panic(err)
	}
	return b
}

// encode is Marshal with the error returned, for writers that must not
// panic, reusing and refilling cache (nil for none).
func (l *Lock) encode(cache *fragments[Entry]) ([]byte, error) {
	return bufferDoc(cache, func(w io.Writer) error { return l.encodeTo(w, cache) })
}

// encodeTo writes what encode returns to w.
func (l *Lock) encodeTo(w io.Writer, cache *fragments[Entry]) error {
	head := Lock{Version: l.Version, OutputDir: l.OutputDir, Spend: l.Spend}
	return encodeDoc(w, &head, l.Assets, cache, func(e *Entry) any {
		if e.Outputs == nil {
			// "outputs": [] rather than null: an empty set reads the same
			// whether it was built in memory or decoded.
			c := *e
			c.Outputs = []Output{}
			return &c
		}
		return e
	})
}

// Digest is "sha256:<hex>" of l's encoding: a saved plan records it to
// refuse being applied to a lock that changed since.
func (l *Lock) Digest() string {
	return FileDigest(l.Marshal())
}

// Marshal encodes m deterministically, like Lock.Marshal.
func (m *Manifest) Marshal() []byte {
	b, err := m.encode(nil)
	if err != nil {
		panic(err)
	}
	return b
}

func (m *Manifest) encode(cache *fragments[ManifestEntry]) ([]byte, error) {
	return bufferDoc(cache, func(w io.Writer) error { return m.encodeTo(w, cache) })
}

// encodeTo writes what encode returns to w.
func (m *Manifest) encodeTo(w io.Writer, cache *fragments[ManifestEntry]) error {
	head := Manifest{Version: m.Version}
	return encodeDoc(w, &head, m.Assets, cache, func(e *ManifestEntry) any {
		if e.Files == nil || string(e.Meta) == "null" {
			c := *e
			if c.Files == nil {
				c.Files = []Output{}
			}
			if string(c.Meta) == "null" {
				c.Meta = nil
			}
			return &c
		}
		return e
	})
}

// bufferDoc runs encodeTo into a buffer the size of cache's last document.
func bufferDoc[T any](cache *fragments[T], encodeTo func(io.Writer) error) ([]byte, error) {
	var out bytes.Buffer
	if cache != nil {
		out.Grow(cache.size)
	}
	if err := encodeTo(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// fragments caches the encoding of each asset's entry by the entry's
// address in memory, so that rewriting a lock of n assets after one
// changed encodes one entry, not n. It relies on what the Recorder
// requires of its callers: an entry is replaced to change it, never
// edited in place.
type fragments[T any] struct {
	by map[string]fragment[T]
	// size is the length of the last document, to allocate the next.
	size int
}

// fragment is an entry's line in the assets map: key, colon and value.
type fragment[T any] struct {
	entry *T
	data  []byte
}

// assetIndent is the indent of an entry's fields: inside the document's
// object and its "assets" object.
const assetIndent = "    "

// encodeDoc writes head, a Lock or Manifest whose last field is its
// "assets" map, with assets as that map, to w exactly as encodeJSON would
// encode the whole: the head is encoded with no assets and each entry (as
// shown by view) on its own, then they are joined.
func encodeDoc[T any](w io.Writer, head any, assets map[string]*T, cache *fragments[T], view func(*T) any) error {
	frame, err := encodeJSON(head)
	if err != nil {
		return err
	}
	// The head ends `"assets": null` + "\n}\n": the map goes in its place.
	const tail = "null\n}\n"
	if !bytes.HasSuffix(frame, []byte(tail)) {
		return fmt.Errorf("encoding %T: unexpected layout", head)
	}
	frame = frame[:len(frame)-len(tail)]
	if len(assets) == 0 {
		_, err := w.Write(append(frame, "{}\n}\n"...))
		return err
	}
	keys := make([]string, 0, len(assets))
	for k := range assets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var next map[string]fragment[T]
	if cache != nil {
		next = make(map[string]fragment[T], len(assets))
	}
	out := &docWriter{w: w}
	enc := newEntryEncoder()
	out.write(frame)
	out.write([]byte("{\n"))
	for i, k := range keys {
		e := assets[k]
		f, ok := fragment[T]{}, false
		if cache != nil {
			f, ok = cache.by[k]
		}
		if !ok || f.entry != e {
			var v any = e
			if e != nil {
				v = view(e)
			}
			data, err := enc.encode(k, v)
			if err != nil {
				return fmt.Errorf("encoding %s: %w", k, err)
			}
			f = fragment[T]{entry: e, data: data}
		}
		if next != nil {
			next[k] = f
		}
		out.write(f.data)
		if i < len(keys)-1 {
			out.write([]byte(",\n"))
		} else {
			out.write([]byte("\n"))
		}
	}
	out.write([]byte("  }\n}\n"))
	if out.err != nil {
		return out.err
	}
	if cache != nil {
		cache.by, cache.size = next, out.n
	}
	return nil
}

// docWriter counts what it writes and keeps the first error.
type docWriter struct {
	w   io.Writer
	n   int
	err error
}

func (d *docWriter) write(p []byte) {
	if d.err == nil {
		var n int
		n, d.err = d.w.Write(p)
		d.n += n
	}
}

// entryEncoder encodes entries as they appear in the assets map of an
// indented document, reusing its buffers from one entry to the next.
type entryEncoder struct {
	compact bytes.Buffer
	enc     *json.Encoder
}

func newEntryEncoder() *entryEncoder {
	e := &entryEncoder{}
	e.enc = json.NewEncoder(&e.compact)
	e.enc.SetEscapeHTML(false)
	return e
}

// encode returns the line of key and v: indented key, colon, and v
// indented under it. The result is the caller's to keep.
func (e *entryEncoder) encode(key string, v any) ([]byte, error) {
	e.compact.Reset()
	if err := e.enc.Encode(key); err != nil {
		return nil, err
	}
	k := len(e.compact.Bytes()) - 1 // Encode ends each value with "\n"
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	c := e.compact.Bytes()
	b := bytes.NewBuffer(make([]byte, 0, len(c)*2))
	b.WriteString(assetIndent)
	b.Write(c[:k])
	b.WriteString(": ")
	if err := json.Indent(b, c[k+1:len(c)-1], assetIndent, "  "); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
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
