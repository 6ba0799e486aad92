package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Member is one attribute of a Values: its name and its value as
// canonical JSON (compact, HTML characters unescaped, numbers in Go's
// shortest form).
type Member struct {
	Name  string
	Value json.RawMessage
}

// Values is an ordered attribute map. An attribute that is not set is
// absent: null, the empty string and the empty list are not values, so
// that a map reads the same however an unset attribute was written. It
// encodes as a JSON object in its order.
//
// A Values holds that object itself, canonical: compact, each name and
// value canonical JSON, exactly what MarshalJSON writes. A config holds
// one per asset and a lock one per entry, and a slice of members, each a
// name and a value of its own, took more than twice the room of the text.
// The bytes are never modified once a Values holds them, since copies of
// a Values (and a lock's entries, which share an arena) share them: Set
// and Delete make a new object.
type Values struct {
	obj []byte // nil when no attribute is set
}

// emptyObject is the text of Values with no attribute. Nothing modifies it.
var emptyObject = []byte("{}")

// text is v's JSON object.
func (v Values) text() []byte {
	if len(v.obj) == 0 {
		return emptyObject
	}
	return v.obj
}

// member reads the member of obj whose name starts at obj[i] (its opening
// quote): its name as JSON, quotes included, its value, and the index
// just past the value (a comma, the closing brace, or len(obj) in a
// Builder's object, which is not closed yet). obj must be canonical.
func member(obj []byte, i int) (name, val []byte, end int) {
	n := i + skipString(obj[i:])
	v := n + 1 // past the colon
	end = v + skipValue(obj[v:])
	return obj[i:n], obj[v:end:end], end
}

// find looks in obj for name's member: start is its name's opening quote,
// end is just past its value.
func find(obj []byte, name string) (start, end int, val []byte, ok bool) {
	// A name is mostly plain, written as itself in quotes: compare it so,
	// and others as JSON, written as a Values writes names.
	var scratch [64]byte
	var key []byte
	if !plainName(name) {
		key = appendName(scratch[:0], name)
	}
	for i := 1; i < len(obj) && obj[i] == '"'; {
		n, val, end := member(obj, i)
		if key == nil && len(n) == len(name)+2 && string(n[1:len(n)-1]) == name || key != nil && bytes.Equal(n, key) {
			return i, end, val, true
		}
		i = end + 1
	}
	return 0, 0, nil, false
}

// plainName reports whether name is written as itself in quotes: ASCII
// without a control character, quote or backslash.
func plainName(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendName appends name as a Values writes it. Only a name that is not
// valid UTF-8 does not read back the same: it reads back with U+FFFD for
// each invalid byte, as from a lock, and stands for the name read back.
func appendName(dst []byte, name string) []byte {
	if utf8.ValidString(name) {
		return appendString(dst, name)
	}
	q, _ := Canonical(name) // a string always encodes
	return append(dst, q...)
}

// decodeName is the name a member's name as JSON stands for.
func decodeName(q []byte) string {
	inner := q[1 : len(q)-1]
	// The names every request holds come back without an allocation:
	// a lock's reader asks each entry for its first.
	switch string(inner) {
	case AttrProviderType:
		return AttrProviderType
	case AttrModel:
		return AttrModel
	case AttrPrompt:
		return AttrPrompt
	case AttrOutputFormat:
		return AttrOutputFormat
	case AttrMaxImages:
		return AttrMaxImages
	case AttrReferences:
		return AttrReferences
	}
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner)
	}
	var s string
	_ = json.Unmarshal(q, &s) // a canonical string always decodes
	return s
}

// skipString is the length of the JSON string b starts with.
func skipString(b []byte) int {
	for i := 1; i < len(b); {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			break
		}
		i += q
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		j := i
		for j > 1 && b[j-1] == '\\' {
			j--
		}
		if (i-j)%2 == 0 {
			return i + 1
		}
		i++
	}
	return len(b)
}

// skipValue is the length of the compact JSON value b starts with: the
// index of the first comma or closing bracket outside it.
func skipValue(b []byte) int {
	if len(b) > 0 && b[0] == '"' { // most values are strings
		return skipString(b)
	}
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			i += skipString(b[i:]) - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return len(b)
}

// Members returns the attributes in order. The slice is the caller's; the
// values are shared and must not be modified.
func (v Values) Members() []Member {
	if len(v.obj) == 0 {
		return nil
	}
	out := make([]Member, 0, v.Len())
	for i := 1; i < len(v.obj) && v.obj[i] == '"'; {
		name, val, end := member(v.obj, i)
		out = append(out, Member{Name: decodeName(name), Value: val})
		i = end + 1
	}
	return out
}

// Len is the number of attributes set.
func (v Values) Len() int {
	n := 0
	for i := 1; i < len(v.obj) && v.obj[i] == '"'; n++ {
		_, _, end := member(v.obj, i)
		i = end + 1
	}
	return n
}

// Names returns the attribute names in order.
func (v Values) Names() []string {
	out := make([]string, 0, v.Len())
	for i := 1; i < len(v.obj) && v.obj[i] == '"'; {
		name, _, end := member(v.obj, i)
		out = append(out, decodeName(name))
		i = end + 1
	}
	return out
}

// FirstName is the name of the first attribute, "" when none is set.
func (v Values) FirstName() string {
	if len(v.obj) < 2 || v.obj[1] != '"' {
		return ""
	}
	return decodeName(v.obj[1 : 1+skipString(v.obj[1:])])
}

// Get returns an attribute's canonical JSON.
func (v Values) Get(name string) (json.RawMessage, bool) {
	_, _, val, ok := find(v.obj, name)
	return val, ok
}

// Has reports whether an attribute is set.
func (v Values) Has(name string) bool {
	_, ok := v.Get(name)
	return ok
}

// Set sets an attribute to the JSON encoding of x, keeping its place when
// it is already set and appending it otherwise. A nil x removes it.
func (v *Values) Set(name string, x any) error {
	if x == nil {
		v.Delete(name)
		return nil
	}
	raw, err := canonicalAttr(name, x)
	if err == nil {
		v.SetRaw(name, raw)
	}
	return err
}

func canonicalAttr(name string, x any) (json.RawMessage, error) {
	raw, err := Canonical(x)
	if err != nil {
		return nil, fmt.Errorf("attribute %s: %w", name, err)
	}
	return raw, nil
}

// SetRaw sets an attribute to raw, which must already be canonical.
func (v *Values) SetRaw(name string, raw json.RawMessage) {
	if unset(raw) {
		v.Delete(name)
		return
	}
	obj := v.text()
	var out []byte
	if _, end, val, ok := find(obj, name); ok {
		at := end - len(val)
		out = make([]byte, 0, len(obj)-len(val)+len(raw))
		out = append(append(append(out, obj[:at]...), raw...), obj[end:]...)
	} else {
		out = make([]byte, 0, len(obj)+len(name)+len(raw)+4)
		out = append(out, obj[:len(obj)-1]...)
		if len(obj) > 2 {
			out = append(out, ',')
		}
		out = append(append(append(appendName(out, name), ':'), raw...), '}')
	}
	v.obj = out
}

// Delete removes an attribute.
func (v *Values) Delete(name string) {
	start, end, _, ok := find(v.obj, name)
	if !ok {
		return
	}
	obj := v.obj
	if obj[end] == ',' {
		end++ // and the comma after it
	} else if obj[start-1] == ',' {
		start-- // the last member, and the comma before it
	}
	if end-start == len(obj)-2 {
		v.obj = nil // the only one
		return
	}
	out := make([]byte, 0, len(obj)-(end-start))
	v.obj = append(append(out, obj[:start]...), obj[end:]...)
}

// Builder makes a Values attribute by attribute into one buffer, without
// the copy that SetRaw makes on every change to keep shared Values apart.
type Builder struct {
	obj []byte // the object so far, not closed; nil until the first attribute
}

// NewBuilder returns a Builder with room for n attributes.
func NewBuilder(n int) *Builder {
	// Most values are short; a prompt that is not grows the buffer once.
	return &Builder{obj: make([]byte, 0, 2+n*24)}
}

// Set is Values.Set.
func (b *Builder) Set(name string, x any) error {
	// A string, what a request mostly holds, is written straight into the
	// buffer when it is new, rather than encoded apart and copied.
	if s, ok := x.(string); ok && s != "" && utf8.ValidString(s) {
		if _, _, _, set := find(b.obj, name); !set {
			b.open(name)
			b.obj = appendString(b.obj, s)
			return nil
		}
	}
	raw, err := canonicalAttr(name, x)
	if err == nil {
		b.SetRaw(name, raw)
	}
	return err
}

// SetRaw is Values.SetRaw.
func (b *Builder) SetRaw(name string, raw json.RawMessage) {
	// The buffer is b's alone until Values hands it over: change it in place.
	if start, end, val, ok := find(b.obj, name); ok {
		if !unset(raw) {
			b.obj = slices.Replace(b.obj, end-len(val), end, raw...)
			return
		}
		if end < len(b.obj) {
			end++ // and the comma after it
		} else if start > 1 {
			start-- // the last member, and the comma before it
		}
		b.obj = slices.Delete(b.obj, start, end)
		return
	}
	if !unset(raw) {
		b.open(name)
		b.obj = append(b.obj, raw...)
	}
}

// open writes a new member's name and colon.
func (b *Builder) open(name string) {
	switch {
	case len(b.obj) == 0:
		b.obj = append(b.obj, '{')
	case len(b.obj) > 1:
		b.obj = append(b.obj, ',')
	}
	b.obj = append(appendName(b.obj, name), ':')
}

// Values returns what was set and empties the Builder.
func (b *Builder) Values() Values {
	obj := b.obj
	b.obj = nil
	if len(obj) <= 1 {
		return Values{}
	}
	obj = append(obj, '}')
	return Values{obj: obj[:len(obj):len(obj)]}
}

// String returns a string attribute; ok is false when it is absent or not a string.
func (v Values) String(name string) (s string, ok bool) {
	raw, found := v.Get(name)
	if !found {
		return "", false
	}
	// A canonical string without an escape is its text in quotes.
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// Int returns a whole-number attribute, or nil.
func (v Values) Int(name string) *int64 {
	raw, found := v.Get(name)
	var n int64
	if !found || json.Unmarshal(raw, &n) != nil {
		return nil
	}
	return &n
}

// Float returns a number attribute, or nil.
func (v Values) Float(name string) *float64 {
	raw, found := v.Get(name)
	var f float64
	if !found || json.Unmarshal(raw, &f) != nil {
		return nil
	}
	return &f
}

// Bool returns a bool attribute; ok is false when it is absent.
func (v Values) Bool(name string) (b, ok bool) {
	raw, found := v.Get(name)
	if !found || json.Unmarshal(raw, &b) != nil {
		return false, false
	}
	return b, true
}

// File returns a File attribute's value.
func (v Values) File(name string) (FileValue, bool) {
	var f FileValue
	found, err := v.Decode(name, &f)
	return f, found && err == nil && f.File != ""
}

// Decode unmarshals an attribute into dst; it reports whether it was set.
func (v Values) Decode(name string, dst any) (bool, error) {
	raw, found := v.Get(name)
	if !found {
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return true, fmt.Errorf("attribute %s: %w", name, err)
	}
	return true, nil
}

// Equal reports whether two Values hold the same attributes in the same
// order: whether their canonical objects are the same.
func (v Values) Equal(o Values) bool {
	return bytes.Equal(v.text(), o.text())
}

// MarshalJSON encodes the attributes as one JSON object, in order. The
// bytes are the caller's.
func (v Values) MarshalJSON() ([]byte, error) {
	return bytes.Clone(v.text()), nil
}

// UnmarshalJSON reads a JSON object, keeping the order of its members and
// making each value canonical. A repeated name or a null value is an error.
func (v *Values) UnmarshalJSON(data []byte) error {
	// A lock holds one map per asset: read what seedform wrote (already
	// canonical once compacted) without a token-by-token decode.
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err == nil {
		if obj, ok := canonicalObject(compact.Bytes()); ok {
			*v = FromCanonicalObject(obj)
			return nil
		}
	}
	return v.unmarshalGeneral(data)
}

// unmarshalGeneral is UnmarshalJSON for any JSON object.
func (v *Values) unmarshalGeneral(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("attribute map must be a JSON object")
	}
	out := []byte{'{'}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string) // an object key is always a string
		if seen[name] {
			return fmt.Errorf("attribute %q is repeated", name)
		}
		seen[name] = true
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return fmt.Errorf("attribute %q: %w", name, err)
		}
		canon, err := canonicalRaw(val)
		if err != nil {
			return fmt.Errorf("attribute %q: %w", name, err)
		}
		if unset(canon) {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(append(appendName(out, name), ':'), canon...)
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*v = FromCanonicalObject(append(out, '}'))
	return nil
}

// canonicalObject returns a compact JSON object without its unset members,
// in a new slice, when every key and value is canonical as it stands: no
// escape sequence, valid UTF-8 without U+2028 or U+2029 (which canonical
// strings escape), and only integers that fit an int64 in their shortest
// form. ok is false when it cannot tell; the caller then decodes the
// general way.
func canonicalObject(obj []byte) (out []byte, ok bool) {
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' || bytes.IndexByte(obj, '\\') >= 0 ||
		!utf8.Valid(obj) || bytes.Contains(obj, []byte("\u2028")) || bytes.Contains(obj, []byte("\u2029")) {
		return nil, false
	}
	out = append(make([]byte, 0, len(obj)), '{')
	for i := 1; i < len(obj)-1; {
		if obj[i] != '"' {
			return nil, false
		}
		q := bytes.IndexByte(obj[i+1:], '"') // no escapes: the next quote ends the name
		if q < 0 {
			return nil, false
		}
		n := i + q + 2 // past the name
		if n >= len(obj)-1 || obj[n] != ':' {
			return nil, false
		}
		// A repeat, even of an unset member, is the general path's to refuse.
		for j := 1; j < i; {
			prev, _, end := member(obj, j)
			if bytes.Equal(prev, obj[i:n]) {
				return nil, false
			}
			j = end + 1
		}
		rest := obj[n+1 : len(obj)-1]
		vn, ok := valueLen(rest)
		if !ok {
			return nil, false
		}
		if !unset(rest[:vn]) {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(out, obj[i:n+1+vn]...)
		}
		i = n + 1 + vn
		if i < len(obj)-1 {
			if obj[i] != ',' {
				return nil, false
			}
			i++
		}
	}
	return append(out, '}'), true
}

// valueLen is the length of the compact JSON value b starts with, and
// whether every number in it is a canonical integer.
func valueLen(b []byte) (int, bool) {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			j := bytes.IndexByte(b[i+1:], '"')
			if j < 0 {
				return 0, false
			}
			i += j + 1
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth < 0 {
				return i, true
			}
		case c == ',':
			if depth == 0 {
				return i, true
			}
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(b) && (b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] >= '0' && b[j] <= '9') {
				j++
			}
			if !canonicalInt(b[i:j]) {
				return 0, false
			}
			i = j - 1
		}
		if depth == 0 && i+1 < len(b) && b[i+1] == ',' {
			return i + 1, true
		}
	}
	if depth != 0 {
		return 0, false
	}
	return len(b), true
}

// canonicalInt reports whether a JSON number is an integer written as
// strconv.FormatInt writes it.
func canonicalInt(num []byte) bool {
	n, err := strconv.ParseInt(string(num), 10, 64)
	return err == nil && strconv.FormatInt(n, 10) == string(num)
}

// unset reports whether canonical JSON stands for no value.
func unset(raw json.RawMessage) bool {
	// Only short text is compared: converting a longer one (a prompt) to
	// compare it allocated.
	if len(raw) > 4 {
		return false
	}
	s := string(raw)
	return s == "null" || s == `""` || s == "[]"
}

// Hash returns "sha256:<hex>" of the attributes' JSON as encoding/json's
// Marshal writes it (HTML characters escaped), so that a request hashes as
// the structs earlier versions hashed did.
func (v Values) Hash() string {
	data := v.text()
	if bytes.ContainsAny(data, "<>&\u2028\u2029") { // what HTMLEscape changes
		var esc bytes.Buffer
		json.HTMLEscape(&esc, data)
		data = esc.Bytes()
	}
	sum := sha256.Sum256(data)
	const prefix = "sha256:"
	var out [len(prefix) + 2*sha256.Size]byte
	copy(out[:], prefix)
	hex.Encode(out[len(prefix):], sum[:])
	return string(out[:])
}

// Canonical returns the canonical JSON of x.
func Canonical(x any) (json.RawMessage, error) {
	// The types attributes mostly hold are written canonically at once:
	// re-reading every value token by token made a plan of 10,000 assets
	// allocate several times what it did.
	switch t := x.(type) {
	case string:
		if !utf8.ValidString(t) {
			break // the general path writes U+FFFD per invalid byte
		}
		var b bytes.Buffer
		if err := writeString(&b, t); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	case bool:
		return json.RawMessage(strconv.FormatBool(t)), nil
	case int:
		return json.RawMessage(strconv.Itoa(t)), nil
	case int64:
		return json.RawMessage(strconv.FormatInt(t, 10)), nil
	case []string:
		if t == nil {
			return json.RawMessage("null"), nil
		}
		valid := true
		for _, s := range t {
			valid = valid && utf8.ValidString(s)
		}
		if !valid {
			break
		}
		var b bytes.Buffer
		b.WriteByte('[')
		for i, s := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeString(&b, s); err != nil {
				return nil, err
			}
		}
		b.WriteByte(']')
		return b.Bytes(), nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	raw := bytes.TrimRight(b.Bytes(), "\n")
	// What encoding/json wrote is canonical as it stands when it has no
	// escape (an invalid byte's \ufffd among them) and only integers that
	// fit an int64: a list of references, for one, is not read again.
	if bytes.IndexByte(raw, '\\') < 0 {
		if n, ok := valueLen(raw); ok && n == len(raw) {
			return raw, nil
		}
	}
	return canonicalRaw(raw)
}

// canonicalRaw rewrites JSON text canonically, keeping object member
// order: strings as encoding/json writes them (without HTML escaping),
// whole numbers as integers, other numbers as float64.
func canonicalRaw(raw []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b bytes.Buffer
	if err := canonicalValue(dec, &b); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after a JSON value")
	}
	return b.Bytes(), nil
}

func canonicalValue(dec *json.Decoder, b *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return canonicalComposite(dec, b, t)
	case string:
		return writeString(b, t)
	case json.Number:
		return writeNumber(b, t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
	return nil
}

func canonicalComposite(dec *json.Decoder, b *bytes.Buffer, open json.Delim) error {
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	b.WriteByte(byte(open))
	for i := 0; dec.More(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if open == '{' {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			if err := writeString(b, key.(string)); err != nil {
				return err
			}
			b.WriteByte(':')
		}
		if err := canonicalValue(dec, b); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	b.WriteByte(close)
	return nil
}

// writeString writes s as encoding/json writes a string without HTML
// escaping (see appendString).
func writeString(b *bytes.Buffer, s string) error {
	b.Grow(len(s) + 2)
	b.Write(appendString(b.AvailableBuffer(), s))
	return nil
}

// appendString appends s as encoding/json writes a string without HTML
// escaping: this is its appendString, kept here because a plan writes
// every attribute of every asset, and an Encoder per string made that
// the larger part of loading a big config.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, `\u00`...)
				b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

func writeNumber(b *bytes.Buffer, n json.Number) error {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			b.WriteString(strconv.FormatInt(i, 10))
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return fmt.Errorf("number %s is out of range", s)
	}
	out, err := json.Marshal(f)
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}
