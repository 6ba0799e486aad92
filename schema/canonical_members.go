package schema

// FromCanonical returns Values holding members in order: a reader that
// has already checked them builds a request without re-reading each
// value. Each name must appear once and each value must be canonical JSON
// that stands for a value (not null, "" or []). The Values holds a copy,
// its JSON object; a reader that has the object already saves building
// members with FromCanonicalObject.
func FromCanonical(members []Member) Values {
	if len(members) == 0 {
		return Values{}
	}
	n := 2
	for _, m := range members {
		n += len(m.Name) + len(m.Value) + 4
	}
	obj := AppendCanonical(make([]byte, 0, n), members)
	return Values{obj: obj[:len(obj):len(obj)]}
}

// AppendCanonical appends to dst the JSON object FromCanonical(members)
// holds, members as FromCanonical takes them: for a reader that keeps
// the object in a buffer of its own (FromCanonicalObject).
func AppendCanonical(dst []byte, members []Member) []byte {
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(append(appendName(dst, m.Name), ':'), m.Value...)
	}
	return append(dst, '}')
}

// FromCanonicalObject returns Values holding obj, without copying or
// checking it: the caller vouches that obj is a JSON object as Values
// writes it (what MarshalJSON returns): compact, each name once and
// written as canonical JSON, each value canonical JSON that stands for a
// value (not null, "" or []). The lock's reader makes a request this way
// straight from the bytes it has checked. Neither the caller nor Values
// may modify obj afterwards; Values never does (Set and Delete copy), so
// obj may be part of a larger buffer.
func FromCanonicalObject(obj []byte) Values {
	if len(obj) <= 2 {
		return Values{} // {}
	}
	return Values{obj: obj[:len(obj):len(obj)]}
}
