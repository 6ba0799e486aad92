package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"unicode/utf8"
)

// refValues is Values as it was when it held a slice of members, kept as
// the reference the object-based Values must agree with: the spec hashes
// of existing locks were made by it.
type refValues struct{ members []Member }

func (v refValues) get(name string) (json.RawMessage, bool) {
	for _, m := range v.members {
		if m.Name == name {
			return m.Value, true
		}
	}
	return nil, false
}

func (v *refValues) setRaw(name string, raw json.RawMessage) {
	if unset(raw) {
		v.delete(name)
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

func (v *refValues) delete(name string) {
	for i := range v.members {
		if v.members[i].Name == name {
			v.members = append(append([]Member(nil), v.members[:i]...), v.members[i+1:]...)
			return
		}
	}
}

func (v refValues) marshalJSON() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range v.members {
		if i > 0 {
			b.WriteByte(',')
		}
		if utf8.ValidString(m.Name) {
			writeString(&b, m.Name)
		} else {
			name, _ := Canonical(m.Name)
			b.Write(name)
		}
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (v refValues) hash() string {
	data := v.marshalJSON()
	if bytes.ContainsAny(data, "<>&\u2028\u2029") {
		var esc bytes.Buffer
		json.HTMLEscape(&esc, data)
		data = esc.Bytes()
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}
