package schema

// FromCanonical returns Values holding members in order, as they are,
// without copying: a reader that has already checked them (the lock's)
// builds a request without re-reading each value. Each name must appear
// once and each value must be canonical JSON that stands for a value (not
// null, "" or []); the caller must not modify members or their bytes
// afterwards. Values never modifies them either: Set and Delete copy.
func FromCanonical(members []Member) Values {
	return Values{members: members}
}

// FirstName is the name of the first attribute, "" when none is set.
func (v Values) FirstName() string {
	if len(v.members) == 0 {
		return ""
	}
	return v.members[0].Name
}
