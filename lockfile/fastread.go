package lockfile

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/seedform/seedform/schema"
)

// The lock, the manifest and the stat cache are read, in the common case,
// by a scanner made for their exact shape rather than by encoding/json's
// reflection: at 10,000 assets that decode was most of a no-op plan's
// reading time and allocations. The scanner reads what seedform writes (and
// any JSON of the same shape): each known field once, of the type it
// has. Anything else (an unknown or repeated field, a null, a number that
// is not a whole number, an invalid string, a newer version, a syntax
// error) makes it give up, and the file is decoded by encoding/json as
// before, which accepts or reports it exactly as it always did. So the
// scanner only ever has to be right about what it accepts, and a
// differential fuzz test (FuzzFastReadMatches) checks that it is.
//
// What the documents keep (strings, request values, meta) is copied out of
// the file into a few large blocks, short values once however often they
// repeat (a provider's name, a format, "watermark": false), so that the
// file itself is not kept: at 10,000 assets the three files are 13 MB, of
// which indentation and keys are more than half. Nothing decoded may
// point into the file's bytes: they may be a mapping of the file (see
// withFile), unmapped once it is read.

// giveUp is the panic value with which the scanner hands a file over to
// encoding/json; no other panic is recovered.
type giveUp struct{}

type scanner struct {
	data []byte
	// text is data as a string, sharing its bytes.
	text string
	i    int
	// arena holds the bytes the documents keep, many values to an
	// allocation; interned maps a short value to its copy there.
	arena    []byte
	interned map[string]string
	// unescaped is the last string unescape wrote into the arena.
	unescaped string
	// entries and outSlab are slabs the decoded values are cut from, to
	// allocate in chunks rather than one by one.
	entries []Entry
	outSlab []Output
	// scratch collects a spec's members (and its object) or an entry's
	// outputs before they are kept.
	scratchMembers []schema.Member
	scratchObject  []byte
	scratchOutputs []Output
	// mapped is whether data is a mapping of the file (see withFile),
	// whose pages the scanner gives back as it reads past them; released
	// is how far it has.
	mapped   bool
	released int
}

func newScanner(data []byte, mapped bool) *scanner {
	return &scanner{data: data, text: unsafe.String(unsafe.SliceData(data), len(data)), interned: map[string]string{}, mapped: mapped}
}

// releaseStep is how much of a mapped file the scanner reads between two
// gives-back of the pages it has read.
const releaseStep = 4 << 20

// releaseRead gives back the pages of a mapped file that the scanner has
// read past, a few megabytes at a time. Left until the file is unmapped,
// they would count in the process's memory as the file's bytes on the
// heap did (130 MB at 100,000 assets); a page read again (the general
// decoder rereads the whole file) is read from the file again.
func (s *scanner) releaseRead() {
	if s.mapped && s.i-s.released >= releaseStep {
		s.released = releaseMapped(s.data, s.released, s.i)
	}
}

// internMax is the longest value kept once however often it appears:
// longer ones (hashes, paths, prompts) are mostly unique.
const internMax = 24

// internCount bounds the values interned: the ones that repeat are met in
// the first entries, and the unique ones that follow (short paths and
// prompts) would only grow the map.
const internCount = 256

// grow makes room for n more bytes in the arena.
func (s *scanner) grow(n int) {
	if cap(s.arena)-len(s.arena) < n {
		s.arena = make([]byte, 0, max(64<<10, n))
	}
}

// keep returns a copy of x that the documents may hold: x may be the
// file's bytes.
func (s *scanner) keep(x string) string {
	if x == "" {
		return ""
	}
	if unsafe.StringData(x) == unsafe.StringData(s.unescaped) && len(x) == len(s.unescaped) {
		return x // in the arena already
	}
	if len(x) <= internMax {
		if v, ok := s.interned[x]; ok {
			return v
		}
	}
	s.grow(len(x))
	start := len(s.arena)
	s.arena = append(s.arena, x...)
	v := unsafe.String(&s.arena[start], len(x))
	if len(x) <= internMax && len(s.interned) < internCount {
		s.interned[v] = v
	}
	return v
}

// keepBytes is keep for a raw JSON value. The bytes are never modified:
// they are a request's canonical values (see schema.FromCanonical).
func (s *scanner) keepBytes(raw []byte) []byte {
	v := s.keep(unsafe.String(unsafe.SliceData(raw), len(raw)))
	return unsafe.Slice(unsafe.StringData(v), len(v))
}

// run calls read and reports whether it got through without giving up.
func (s *scanner) run(read func()) (ok bool) {
	if len(s.data) == 0 {
		return false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, give := r.(giveUp); !give {
				panic(r)
			}
			ok = false
		}
	}()
	read()
	s.skipSpace()
	return s.i == len(s.data)
}

func (s *scanner) fail() { panic(giveUp{}) }

func (s *scanner) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\n', '\t', '\r':
			s.i++
		default:
			return
		}
	}
}

// mark records a field's bit in seen; a field seen twice fails the scan
// (encoding/json then says which).
func mark[T uint8 | uint16](s *scanner, seen *T, bit T) {
	if *seen&bit != 0 {
		s.fail()
	}
	*seen |= bit
}

// peek skips white space and returns the next byte.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.i >= len(s.data) {
		s.fail()
	}
	return s.data[s.i]
}

func (s *scanner) expect(c byte) {
	if s.peek() != c {
		s.fail()
	}
	s.i++
}

// object reads an object, calling member with each key and the scanner
// at its value, which member must read.
func (s *scanner) object(member func(key string)) {
	s.expect('{')
	if s.peek() == '}' {
		s.i++
		return
	}
	for {
		if s.peek() != '"' {
			s.fail()
		}
		key := s.key()
		s.expect(':')
		member(key)
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// array reads an array, calling elem with the scanner at each element.
func (s *scanner) array(elem func()) {
	s.expect('[')
	if s.peek() == ']' {
		s.i++
		return
	}
	for {
		elem()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// str reads a string for the documents to keep.
func (s *scanner) str() string {
	return s.keep(s.key())
}

// key reads a string that may share the file's bytes: an object's key,
// to compare (keep it to hold it).
func (s *scanner) key() string {
	start, plain := s.scanString()
	if plain {
		return s.text[start+1 : s.i-1]
	}
	return s.unescape(s.data[start+1 : s.i-1])
}

// unescape decodes the body of a string with escape sequences (an
// address with a for_each key, image.tile["a"], has them) into the
// arena, where keep finds it kept already. A \u escape is left to
// encoding/json.
func (s *scanner) unescape(body []byte) string {
	if bytes.Contains(body, []byte(`\u`)) {
		var v string
		if json.Unmarshal(s.data[s.i-len(body)-2:s.i], &v) != nil {
			s.fail()
		}
		return v
	}
	s.grow(len(body))
	start := len(s.arena)
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' {
			i++
			switch body[i] {
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			default: // '"', '\\', '/': scanString allows no other
				c = body[i]
			}
		}
		s.arena = append(s.arena, c)
	}
	if len(s.arena) == start {
		return ""
	}
	s.unescaped = unsafe.String(&s.arena[start], len(s.arena)-start)
	return s.unescaped
}

// scanString moves past the string at the scanner, returning where it
// started (its opening quote) and whether it is plain: no escape
// sequence, valid UTF-8, and no U+2028 or U+2029 (which canonical JSON
// escapes). A string encoding/json would change in decoding (invalid
// UTF-8) is given up on.
func (s *scanner) scanString() (start int, plain bool) {
	if s.peek() != '"' {
		s.fail()
	}
	start = s.i
	s.i++
	plain = true
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			return start, plain
		case c == '\\':
			plain = false
			if s.i+1 >= len(s.data) {
				s.fail()
			}
			switch s.data[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.data) {
					s.fail()
				}
				for _, h := range s.data[s.i+2 : s.i+6] {
					if !isHex(h) {
						s.fail()
					}
				}
				s.i += 6
			default:
				s.fail()
			}
		case c < 0x20:
			s.fail()
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.data[s.i:])
			if r == utf8.RuneError && n == 1 {
				s.fail()
			}
			if r == '\u2028' || r == '\u2029' {
				plain = false
			}
			s.i += n
		}
	}
	s.fail()
	return 0, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number moves past a JSON number and reports whether it is an integer
// as strconv.FormatInt writes it, with its value then.
func (s *scanner) number() (n int64, canonicalInt bool) {
	s.skipSpace()
	neg := false
	if s.i < len(s.data) && s.data[s.i] == '-' {
		neg = true
		s.i++
	}
	digits := s.i
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		s.i++
	}
	if s.i == digits || s.data[digits] == '0' && s.i-digits > 1 {
		s.fail() // no digits, or a leading zero: not JSON
	}
	// Up to 19 digits fit a uint64; then the int64 range is checked.
	canonicalInt = s.i-digits <= 19 && !(neg && s.i-digits == 1 && s.data[digits] == '0')
	if canonicalInt {
		var u uint64
		for _, c := range s.data[digits:s.i] {
			u = u*10 + uint64(c-'0')
		}
		switch {
		case !neg && u <= math.MaxInt64:
			n = int64(u)
		case neg && u <= math.MaxInt64+1:
			n = int64(-u)
		default:
			canonicalInt = false
		}
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		canonicalInt = false
		s.i++
		frac := s.i
		for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
			s.i++
		}
		if s.i == frac {
			s.fail()
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		canonicalInt = false
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		exp := s.i
		for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
			s.i++
		}
		if s.i == exp {
			s.fail()
		}
	}
	return n, canonicalInt
}

// canonicalFloat reports whether num, a JSON number that is not a
// canonical integer, is written as schema.Canonical writes a float64
// (encoding/json's form). An integer that is not canonical (-0, 19
// digits) is never called canonical here: Canonical writes it as an int.
func canonicalFloat(num string) bool {
	if !strings.ContainsAny(num, ".eE") {
		return false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) {
		return false
	}
	var buf [32]byte
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(buf[:0], f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes e-9, not e-09.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b) == num
}

// int reads a whole number that fits an int64.
func (s *scanner) int() int64 {
	n, ok := s.number()
	if !ok {
		s.fail()
	}
	return n
}

// goInt reads a whole number that fits an int (on 32-bit systems too,
// where encoding/json reports a larger one).
func (s *scanner) goInt() int {
	n := s.int()
	if int64(int(n)) != n {
		s.fail()
	}
	return int(n)
}

func (s *scanner) bool() bool {
	s.skipSpace()
	switch {
	case bytes.HasPrefix(s.data[s.i:], []byte("true")):
		s.i += 4
		return true
	case bytes.HasPrefix(s.data[s.i:], []byte("false")):
		s.i += 5
		return false
	}
	s.fail()
	return false
}

// value moves past any JSON value, returning its bytes (shared) and
// whether every string and number in it is canonical as it stands (see
// schema.Canonical), so that compacting it makes it canonical.
func (s *scanner) value() (raw []byte, canonical bool) {
	start := s.i
	switch c := s.peek(); {
	case c == '"':
		start = s.i
		_, canonical = s.scanString()
	case c == '-' || c >= '0' && c <= '9':
		start = s.i
		_, canonical = s.number()
		if !canonical {
			canonical = canonicalFloat(s.text[start:s.i])
		}
	case c == '{':
		// Not s.object: a key must be plain too.
		start = s.i
		s.i++
		canonical = true
		if s.peek() == '}' {
			s.i++
			break
		}
		for more := true; more; {
			_, plain := s.scanString()
			s.expect(':')
			_, c := s.value()
			canonical = canonical && plain && c
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				more = false
			default:
				s.fail()
			}
		}
	case c == '[':
		start = s.i
		canonical = true
		s.array(func() {
			_, c := s.value()
			canonical = canonical && c
		})
	default:
		start = s.i
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(s.data[s.i:], []byte(lit)) {
				s.i += len(lit)
				return s.data[start:s.i:s.i], true
			}
		}
		s.fail()
	}
	return s.data[start:s.i:s.i], canonical
}

// compact returns a copy of raw, a syntactically valid JSON value, without
// white space outside strings.
func (s *scanner) compact(raw []byte) []byte {
	if bytes.IndexAny(raw, " \t\r\n") < 0 {
		return s.keepBytes(raw)
	}
	s.grow(len(raw))
	start := len(s.arena)
	s.arena = compactTo(s.arena, raw)
	return s.arena[start:len(s.arena):len(s.arena)]
}

// compactTo appends raw, a valid JSON value, to dst without its
// insignificant whitespace.
func compactTo(dst, raw []byte) []byte {
	in := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case in && c == '\\':
			dst = append(dst, c, raw[i+1])
			i++
			continue
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\t' || c == '\r' || c == '\n'):
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// spec reads a request's attribute map as schema.Values.UnmarshalJSON
// would, copying values that are canonical already as they stand and
// leaving any other map to UnmarshalJSON.
func (s *scanner) spec() schema.Values {
	s.skipSpace()
	start := s.i
	ms := s.scratchMembers[:0]
	general := false
	var unset []string // names whose value is unset: a repeat of one is a repeat too
	s.object(func(name string) {
		raw, canonical := s.value()
		if !canonical {
			general = true
			return
		}
		for _, m := range ms {
			if m.Name == name {
				general = true // repeated: UnmarshalJSON says so
			}
		}
		if slices.Contains(unset, name) {
			general = true
		}
		if raw[0] == '{' || raw[0] == '[' {
			raw = compactTo(nil, raw)
		}
		switch string(raw) {
		case "null", `""`, "[]":
			unset = append(unset, name)
			return
		}
		ms = append(ms, schema.Member{Name: name, Value: raw})
	})
	s.scratchMembers = ms
	if general {
		var v schema.Values
		if v.UnmarshalJSON(s.data[start:s.i]) != nil {
			s.fail()
		}
		return v
	}
	if len(ms) == 0 {
		return schema.Values{}
	}
	// The object as Values holds it, kept in the arena.
	s.scratchObject = schema.AppendCanonical(s.scratchObject[:0], ms)
	return schema.FromCanonicalObject(s.keepBytes(s.scratchObject))
}

// scanOutputs reads a list of outputs into scratch space, their strings
// still the file's.
func (s *scanner) scanOutputs() []Output {
	if s.peek() != '[' {
		s.fail() // null included: encoding/json makes it nil
	}
	outs := s.scratchOutputs[:0]
	s.array(func() {
		var o Output
		var seen uint8
		s.object(func(k string) {
			var bit uint8
			switch k {
			case "path":
				bit, o.Path = 1, s.key()
			case "sha256":
				bit, o.SHA256 = 2, s.key()
			case "bytes":
				bit, o.Bytes = 4, s.int()
			case "width":
				bit, o.Width = 8, s.goInt()
			case "height":
				bit, o.Height = 16, s.goInt()
			case "format":
				bit, o.Format = 32, s.key()
			default:
				s.fail()
			}
			mark(s, &seen, bit)
		})
		outs = append(outs, o)
	})
	s.scratchOutputs = outs
	return outs
}

// keepOutputs copies outputs from scratch space into the slab; never nil.
// An output whose path is path, a string kept already (an image's path),
// shares it.
func (s *scanner) keepOutputs(outs []Output, path string) []Output {
	if len(outs) == 0 {
		return []Output{}
	}
	if cap(s.outSlab)-len(s.outSlab) < len(outs) {
		s.outSlab = make([]Output, 0, max(256, len(outs)))
	}
	n := len(s.outSlab)
	for _, o := range outs {
		if o.Path == path {
			o.Path = path
		} else {
			o.Path = s.keep(o.Path)
		}
		o.SHA256, o.Format = s.keep(o.SHA256), s.keep(o.Format)
		s.outSlab = append(s.outSlab, o)
	}
	return s.outSlab[n:len(s.outSlab):len(s.outSlab)]
}

// unmarshal decodes the value at the scanner with encoding/json, for the
// fields too rare to be worth a reader of their own.
func (s *scanner) unmarshal(v any) {
	raw, _ := s.value()
	if json.Unmarshal(raw, v) != nil {
		s.fail()
	}
}

// entrySlab is how many entries the scanner allocates at once: as many as
// fill 64 KiB. 256 entries (59 KiB) took 64 KiB, as an allocation that
// large is a whole number of 8 KiB pages: a tenth of the slab was lost.
const entrySlab = (64 << 10) / int(unsafe.Sizeof(Entry{}))

// entry reads one lock entry.
func (s *scanner) entry() *Entry {
	if s.peek() != '{' {
		s.fail()
	}
	if len(s.entries) == cap(s.entries) {
		s.entries = make([]Entry, 0, entrySlab)
	}
	s.entries = s.entries[:len(s.entries)+1]
	e := &s.entries[len(s.entries)-1]
	var seen uint16
	s.object(func(k string) {
		var bit uint16
		switch k {
		case "kind":
			bit, e.Kind = 1<<0, s.str()
		case "spec_hash":
			bit, e.SpecHash = 1<<1, s.str()
		case "spec":
			if s.peek() != '{' {
				s.fail()
			}
			bit, e.Spec = 1<<2, s.spec()
		case "spec_version":
			bit, e.SpecVersion = 1<<3, s.goInt()
		case "upstream":
			bit = 1 << 4
			e.Upstream = map[string]string{}
			s.object(func(addr string) {
				if _, dup := e.Upstream[addr]; dup {
					s.fail()
				}
				e.Upstream[s.keep(addr)] = s.str()
			})
		case "path":
			bit, e.Path = 1<<5, s.str()
		case "dir":
			bit, e.Dir = 1<<6, s.str()
		case "provider":
			bit, e.Provider = 1<<7, s.str()
		case "model":
			bit, e.Model = 1<<8, s.str()
		case "outputs":
			// An image's one output is at its path, read before it in
			// what seedform writes.
			bit, e.Outputs = 1<<9, s.keepOutputs(s.scanOutputs(), e.Path)
		case "failed":
			bit = 1 << 10
			s.unmarshal(&e.Failed)
		case "prevent_destroy":
			bit, e.PreventDestroy = 1<<11, s.bool()
		case "created_at":
			bit = 1 << 12
			start, _ := s.scanString()
			if e.CreatedAt.UnmarshalJSON(s.data[start:s.i]) != nil {
				s.fail()
			}
		case "usage":
			bit = 1 << 13
			s.unmarshal(&e.Usage)
		case "billed":
			bit = 1 << 14
			s.unmarshal(&e.Billed)
		default:
			s.fail()
		}
		mark(s, &seen, bit)
	})
	return e
}

// entries reads the object of a document's entries into m, each value
// by read (given its key); a repeated key fails the scan.
func entries[T any](s *scanner, m map[string]T, read func(key string) T) {
	if s.peek() != '{' {
		s.fail()
	}
	s.object(func(key string) {
		if _, dup := m[key]; dup {
			s.fail()
		}
		v := read(key)
		m[s.keep(key)] = v
		s.releaseRead()
	})
}

// estimate guesses how many entries of about perEntry bytes data holds,
// to size maps and slabs (counting them cost a sixth of a read). Better
// too few than too many: a map given a size hint past a power of two
// (about 115,000 where 100,000 are read) takes twice the memory, while
// one that grows only rehashes the part that filled.
func estimate(data []byte, perEntry int) int {
	return len(data)/perEntry + 1
}

// readDocument reads data, one of the three documents, as an object whose
// "version" must be version; member reads any other key and returns its
// bit, 0 for a key it does not know. want are the bits, the version's (1)
// included, that must be seen. ok is false when encoding/json must decide.
func readDocument(data []byte, mapped bool, version int64, want uint8, member func(s *scanner, k string) uint8) (ok bool) {
	s := newScanner(data, mapped)
	return s.run(func() {
		var seen uint8
		s.object(func(k string) {
			bit := uint8(1)
			if k != "version" {
				bit = member(s, k)
			} else if s.int() != version {
				s.fail()
			}
			if bit == 0 {
				s.fail()
			}
			mark(s, &seen, bit)
		})
		if seen&want != want {
			s.fail()
		}
	})
}

// fastDecodeLock reads a lock of the current version (mapped: see
// scanner.mapped); ok is false when encoding/json must decide.
func fastDecodeLock(data []byte, mapped bool) (l Lock, ok bool) {
	l.Version = SchemaVersion
	ok = readDocument(data, mapped, SchemaVersion, 1|8, func(s *scanner, k string) uint8 {
		switch k {
		case "output_dir":
			l.OutputDir = s.str()
			return 2
		case "spend":
			s.unmarshal(&l.Spend)
			return 4
		case "assets":
			l.Assets = make(map[string]*Entry, estimate(data, 1024))
			entries(s, l.Assets, func(string) *Entry { return s.entry() })
			return 8
		}
		return 0
	})
	return l, ok
}

// fastDecodeManifest reads a manifest of the current version, its meta
// compacted, sharing the outputs of lock's entries (nil for none) where
// an entry's files are the same; ok is false when encoding/json must
// decide.
func fastDecodeManifest(data []byte, lock map[string]*Entry, mapped bool) (m Manifest, ok bool) {
	m.Version = SchemaVersion
	ok = readDocument(data, mapped, SchemaVersion, 1|2, func(s *scanner, k string) uint8 {
		if k != "assets" {
			return 0
		}
		n := estimate(data, 512)
		m.Assets = make(map[string]*ManifestEntry, n)
		slab := make([]ManifestEntry, 0, n)
		entries(s, m.Assets, func(addr string) *ManifestEntry {
			if s.peek() != '{' {
				s.fail()
			}
			if len(slab) == cap(slab) {
				slab = make([]ManifestEntry, 0, 256)
			}
			slab = slab[:len(slab)+1]
			e := &slab[len(slab)-1]
			var seen uint8
			s.object(func(k string) {
				var bit uint8
				switch k {
				case "files":
					bit = 1
					// What the lock records already, as it is on a no-op
					// plan, is shared rather than copied (the pipeline's
					// apply shares it too).
					files := s.scanOutputs()
					if le := lock[addr]; le != nil && slices.Equal(files, le.Outputs) {
						e.Files = le.Outputs
					} else {
						e.Files = s.keepOutputs(files, "")
					}
				case "meta":
					bit = 2
					raw, _ := s.value()
					if meta := s.compact(raw); string(meta) != "null" {
						e.Meta = meta
					}
				default:
					s.fail()
				}
				mark(s, &seen, bit)
			})
			return e
		})
		return 2
	})
	return m, ok
}

// fastDecodeStatCache reads a stat cache of the current version, as
// LoadStatCache holds it: the entries it would drop (a hash that is not
// lowercase hex, a negative size) are left out. ok is false when
// encoding/json must decide.
func fastDecodeStatCache(data []byte, mapped bool) (files map[string]cachedFile, ok bool) {
	ok = readDocument(data, mapped, statCacheVersion, 1|2, func(s *scanner, k string) uint8 {
		if k != "files" {
			return 0
		}
		if s.peek() != '{' {
			s.fail()
		}
		files = make(map[string]cachedFile, estimate(data, 256))
		var dropped map[string]bool // rare: made when needed
		s.object(func(path string) {
			if _, dup := files[path]; dup || dropped[path] {
				s.fail() // encoding/json keeps the last
			}
			var e cachedFile
			var seen uint8
			valid := false
			s.object(func(k string) {
				var bit uint8
				switch k {
				case "size":
					bit, e.Size = 1, s.int()
				case "mtime_ns":
					bit, e.ModTime = 2, s.int()
				case "ino":
					bit = 4
					if n := s.int(); n >= 0 {
						e.Inode = uint64(n)
					} else {
						s.fail()
					}
				case "ctime_ns":
					bit, e.CTime = 8, s.int()
				case "sha256":
					// Decoded from the file's bytes: the hex
					// digits are not kept.
					bit = 16
					valid = decodeSHA256(&e.SHA256, s.key())
				default:
					s.fail()
				}
				mark(s, &seen, bit)
			})
			switch {
			case valid && e.Size >= 0:
				files[s.keep(path)] = e
			case dropped == nil:
				dropped = map[string]bool{s.keep(path): true}
			default:
				dropped[s.keep(path)] = true
			}
			s.releaseRead()
		})
		return 2
	})
	return files, ok
}
