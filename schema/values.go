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
type Values struct {
	members []Member
}

// Members returns the attributes in order. The slice is the caller's; the
// values are shared and must not be modified.
func (v Values) Members() []Member {
	return append([]Member(nil), v.members...)
}

// Len is the number of attributes set.
func (v Values) Len() int { return len(v.members) }

// Names returns the attribute names in order.
func (v Values) Names() []string {
	out := make([]string, len(v.members))
	for i, m := range v.members {
		out[i] = m.Name
	}
	return out
}

// Get returns an attribute's canonical JSON.
func (v Values) Get(name string) (json.RawMessage, bool) {
	for _, m := range v.members {
		if m.Name == name {
			return m.Value, true
		}
	}
	return nil, false
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
	for i := range v.members {
		if v.members[i].Name == name {
			v.members = append([]Member(nil), v.members...)
			v.members[i].Value = raw
			return
		}
	}
	v.members = append(v.members[:len(v.members):len(v.members)], Member{Name: name, Value: raw})
}

// Builder makes a Values attribute by attribute without the copy that
// SetRaw makes on every append to keep shared Values apart.
type Builder struct{ members []Member }

// NewBuilder returns a Builder with room for n attributes.
func NewBuilder(n int) *Builder { return &Builder{members: make([]Member, 0, n)} }

// Set is Values.Set.
func (b *Builder) Set(name string, x any) error {
	raw, err := canonicalAttr(name, x)
	if err == nil {
		b.SetRaw(name, raw)
	}
	return err
}

// SetRaw is Values.SetRaw.
func (b *Builder) SetRaw(name string, raw json.RawMessage) {
	for i := range b.members {
		if b.members[i].Name == name {
			if unset(raw) {
				b.members = slices.Delete(b.members, i, i+1)
			} else {
				b.members[i].Value = raw
			}
			return
		}
	}
	if !unset(raw) {
		b.members = append(b.members, Member{Name: name, Value: raw})
	}
}

// Values returns what was set and empties the Builder.
func (b *Builder) Values() Values {
	v := Values{members: b.members[:len(b.members):len(b.members)]}
	b.members = nil
	return v
}

// Delete removes an attribute.
func (v *Values) Delete(name string) {
	for i := range v.members {
		if v.members[i].Name == name {
			v.members = append(append([]Member(nil), v.members[:i]...), v.members[i+1:]...)
			return
		}
	}
}

// String returns a string attribute; ok is false when it is absent or not a string.
func (v Values) String(name string) (s string, ok bool) {
	raw, found := v.Get(name)
	if !found || json.Unmarshal(raw, &s) != nil {
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

// Equal reports whether two Values hold the same attributes in the same order.
func (v Values) Equal(o Values) bool {
	if len(v.members) != len(o.members) {
		return false
	}
	for i, m := range v.members {
		if m.Name != o.members[i].Name || !bytes.Equal(m.Value, o.members[i].Value) {
			return false
		}
	}
	return true
}

// MarshalJSON encodes the attributes as one JSON object, in order.
func (v Values) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	v.writeJSON(&b)
	return b.Bytes(), nil
}

func (v Values) writeJSON(b *bytes.Buffer) {
	n := 2
	for _, m := range v.members {
		n += len(m.Name) + len(m.Value) + 4
	}
	b.Grow(n)
	b.WriteByte('{')
	for i, m := range v.members {
		if i > 0 {
			b.WriteByte(',')
		}
		if utf8.ValidString(m.Name) {
			writeString(b, m.Name)
		} else {
			name, _ := Canonical(m.Name) // a string always encodes
			b.Write(name)
		}
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
}

// UnmarshalJSON reads a JSON object, keeping the order of its members and
// making each value canonical. A repeated name or a null value is an error.
func (v *Values) UnmarshalJSON(data []byte) error {
	// A lock holds one map per asset: read what seedform wrote (already
	// canonical once compacted) without a token-by-token decode.
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err == nil {
		if members, ok := canonicalMembers(compact.Bytes()); ok {
			*v = Values{members: members}
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
	var out Values
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
		out.members = append(out.members, Member{Name: name, Value: canon})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*v = out
	return nil
}

// canonicalMembers splits a compact JSON object into its members when
// every key and value is canonical as it stands: no escape sequence, valid
// UTF-8 without U+2028 or U+2029 (which canonical strings escape), and
// only integers that fit an int64 in their shortest form. ok is false
// when it cannot tell; the caller then decodes the general way.
func canonicalMembers(obj []byte) (members []Member, ok bool) {
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' || bytes.IndexByte(obj, '\\') >= 0 ||
		!utf8.Valid(obj) || bytes.Contains(obj, []byte("\u2028")) || bytes.Contains(obj, []byte("\u2029")) {
		return nil, false
	}
	body := obj[1 : len(obj)-1]
	for len(body) > 0 {
		if body[0] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(body[1:], '"') + 1 // no escapes: the next quote ends it
		if end == 0 || end+1 >= len(body) || body[end+1] != ':' {
			return nil, false
		}
		name := string(body[1:end])
		for _, m := range members {
			if m.Name == name {
				return nil, false // repeated: the general path says so
			}
		}
		rest := body[end+2:]
		n, ok := valueLen(rest)
		if !ok {
			return nil, false
		}
		if val := rest[:n]; !unset(val) {
			members = append(members, Member{Name: name, Value: bytes.Clone(val)})
		}
		body = rest[n:]
		if len(body) > 0 {
			if body[0] != ',' {
				return nil, false
			}
			body = body[1:]
		}
	}
	return members, true
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
	s := string(raw)
	return s == "null" || s == `""` || s == "[]"
}

// Hash returns "sha256:<hex>" of the attributes' JSON as encoding/json's
// Marshal writes it (HTML characters escaped), so that a request hashes as
// the structs earlier versions hashed did.
func (v Values) Hash() string {
	var b bytes.Buffer
	v.writeJSON(&b)
	data := b.Bytes()
	if bytes.ContainsAny(data, "<>&\u2028\u2029") { // what HTMLEscape changes
		var esc bytes.Buffer
		json.HTMLEscape(&esc, data)
		data = esc.Bytes()
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
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
// escaping: this is its appendString, kept here because a plan writes
// every attribute of every asset, and an Encoder per string made that
// the larger part of loading a big config.
func writeString(b *bytes.Buffer, s string) error {
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '\\', '"':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
	return nil
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
