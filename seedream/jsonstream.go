package seedream

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader reads one JSON value from a stream without holding it in
// memory: a b64_json string can be 15 MB and 32 of them may be in flight,
// so the response parser pipes such strings through StringReader straight
// into a base64 decoder and a file. It implements the full grammar of RFC
// 8259 (objects, arrays, strings with escapes, numbers, true/false/null);
// the caller walks the value with Object, Array and the scalar readers,
// and must consume every value it is handed (Skip is the cheap way).
type jsonReader struct {
	r     *bufio.Reader
	depth int
	// open is true while a StringReader has not reached the closing quote.
	open bool
}

// Errors a caller can tell apart: a body cut short is retried, a malformed
// one is not.
var (
	errJSONSyntax  = errors.New("invalid JSON")
	errJSONTooDeep = errors.New("JSON nested too deeply")
	errJSONTooLong = errors.New("JSON string too long to hold in memory")
)

const (
	// maxJSONDepth bounds nesting so that a hostile body cannot exhaust
	// the stack; the response shape needs 4 levels.
	maxJSONDepth = 64
	// maxJSONString bounds the strings held in memory (keys, URLs,
	// messages); image data never goes through String.
	maxJSONString = 1 << 20
)

func newJSONReader(r io.Reader) *jsonReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 32<<10)
	}
	return &jsonReader{r: br}
}

func syntaxErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errJSONSyntax, fmt.Sprintf(format, args...))
}

// eofErr turns the end of the input inside a value into ErrUnexpectedEOF.
func eofErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Peek skips white space and returns the first byte of the next value:
// '{', '[', '"', 't', 'f', 'n', or '-'/digit for a number.
func (j *jsonReader) Peek() (byte, error) {
	for {
		c, err := j.r.ReadByte()
		if err != nil {
			return 0, eofErr(err)
		}
		if !isSpace(c) {
			return c, j.r.UnreadByte()
		}
	}
}

// End checks that only white space follows the value.
func (j *jsonReader) End() error {
	for {
		c, err := j.r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !isSpace(c) {
			return syntaxErr("data after the value: %q", c)
		}
	}
}

func (j *jsonReader) expect(want byte) error {
	c, err := j.Peek()
	if err != nil {
		return err
	}
	if c != want {
		return syntaxErr("want %q, got %q", want, c)
	}
	_, err = j.r.ReadByte()
	return err
}

// Object reads an object, calling field for each member with the reader
// positioned at the member's value, which field must consume.
func (j *jsonReader) Object(field func(key string) error) error {
	if err := j.expect('{'); err != nil {
		return err
	}
	if j.depth++; j.depth > maxJSONDepth {
		return errJSONTooDeep
	}
	defer func() { j.depth-- }()
	c, err := j.Peek()
	if err != nil {
		return err
	}
	if c == '}' {
		_, err = j.r.ReadByte()
		return err
	}
	for {
		key, err := j.String()
		if err != nil {
			return err
		}
		if err := j.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		c, err := j.Peek()
		if err != nil {
			return err
		}
		j.r.ReadByte()
		switch c {
		case ',':
		case '}':
			return nil
		default:
			return syntaxErr("want ',' or '}' in object, got %q", c)
		}
	}
}

// Array reads an array, calling elem for each element with the reader
// positioned at it, which elem must consume.
func (j *jsonReader) Array(elem func(i int) error) error {
	if err := j.expect('['); err != nil {
		return err
	}
	if j.depth++; j.depth > maxJSONDepth {
		return errJSONTooDeep
	}
	defer func() { j.depth-- }()
	c, err := j.Peek()
	if err != nil {
		return err
	}
	if c == ']' {
		_, err = j.r.ReadByte()
		return err
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		c, err := j.Peek()
		if err != nil {
			return err
		}
		j.r.ReadByte()
		switch c {
		case ',':
		case ']':
			return nil
		default:
			return syntaxErr("want ',' or ']' in array, got %q", c)
		}
	}
}

// String reads a string of at most maxJSONString bytes into memory.
func (j *jsonReader) String() (string, error) {
	sr, err := j.StringReader()
	if err != nil {
		return "", err
	}
	var b []byte
	var chunk [256]byte
	for {
		n, err := sr.Read(chunk[:])
		b = append(b, chunk[:n]...)
		if len(b) > maxJSONString {
			return "", errJSONTooLong
		}
		if err == io.EOF {
			return string(b), nil
		}
		if err != nil {
			return "", err
		}
	}
}

// StringReader starts reading a string and returns its unescaped content
// as a stream. The caller must read it to io.EOF before touching j again
// (Skip or drain does).
func (j *jsonReader) StringReader() (*jsonString, error) {
	if err := j.expect('"'); err != nil {
		return nil, err
	}
	j.open = true
	return &jsonString{j: j}, nil
}

// jsonString is the content of one JSON string, unescaped on the fly.
type jsonString struct {
	j *jsonReader
	// pending holds the UTF-8 of an escape that did not fit in p.
	pending []byte
	buf     [utf8.UTFMax * 2]byte
}

func (s *jsonString) Read(p []byte) (int, error) {
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	for n < len(p) {
		if !s.j.open {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		// Copy the plain run straight from the buffer: this is the hot
		// path for megabytes of base64.
		if s.j.r.Buffered() == 0 {
			if n > 0 {
				return n, nil // do not block with data in hand
			}
			if _, err := s.j.r.Peek(1); err != nil {
				return n, eofErr(err)
			}
		}
		buf, _ := s.j.r.Peek(s.j.r.Buffered())
		run := 0
		for run < len(buf) && run < len(p)-n {
			c := buf[run]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			run++
		}
		copy(p[n:], buf[:run])
		s.j.r.Discard(run)
		n += run
		if run < len(buf) && n < len(p) {
			c, _ := s.j.r.ReadByte()
			switch {
			case c == '"':
				s.j.open = false
			case c < 0x20:
				return n, syntaxErr("control character %#x in string", c)
			default:
				u, err := s.escape()
				if err != nil {
					return n, err
				}
				k := copy(p[n:], u)
				n += k
				s.pending = u[k:]
				if len(s.pending) > 0 {
					return n, nil
				}
			}
		}
	}
	return n, nil
}

// escape reads the rest of an escape sequence after the backslash and
// returns its UTF-8. Lone or broken surrogates become U+FFFD, as
// encoding/json does.
func (s *jsonString) escape() ([]byte, error) {
	c, err := s.j.r.ReadByte()
	if err != nil {
		return nil, eofErr(err)
	}
	switch c {
	case '"', '\\', '/':
		s.buf[0] = c
		return s.buf[:1], nil
	case 'b':
		s.buf[0] = '\b'
	case 'f':
		s.buf[0] = '\f'
	case 'n':
		s.buf[0] = '\n'
	case 'r':
		s.buf[0] = '\r'
	case 't':
		s.buf[0] = '\t'
	case 'u':
		r, err := s.hex4()
		if err != nil {
			return nil, err
		}
		if utf16.IsSurrogate(r) {
			r = s.lowSurrogate(r)
		}
		return utf8.AppendRune(s.buf[:0], r), nil
	default:
		return nil, syntaxErr("invalid escape \\%c", c)
	}
	return s.buf[:1], nil
}

// lowSurrogate completes a surrogate pair if the next escape is its low
// half; otherwise it leaves the input alone and returns U+FFFD.
func (s *jsonString) lowSurrogate(high rune) rune {
	next, err := s.j.r.Peek(6)
	if err != nil || next[0] != '\\' || next[1] != 'u' {
		return utf8.RuneError
	}
	low, ok := parseHex4(next[2:6])
	if !ok {
		return utf8.RuneError
	}
	r := utf16.DecodeRune(high, low)
	if r == utf8.RuneError {
		return r
	}
	s.j.r.Discard(6)
	return r
}

func (s *jsonString) hex4() (rune, error) {
	h, err := s.j.r.Peek(4)
	if err != nil {
		return 0, eofErr(err)
	}
	r, ok := parseHex4(h)
	if !ok {
		return 0, syntaxErr("invalid \\u escape %q", h)
	}
	s.j.r.Discard(4)
	return r, nil
}

func parseHex4(h []byte) (rune, bool) {
	var r rune
	for _, c := range h {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Number reads a number and returns its text, checked against the JSON
// grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (j *jsonReader) Number() (string, error) {
	if _, err := j.Peek(); err != nil {
		return "", err
	}
	var b []byte
	// peek returns the next byte without consuming it; ok is false at
	// the end of the input.
	peek := func() (byte, bool) {
		p, err := j.r.Peek(1)
		if err != nil {
			return 0, false
		}
		return p[0], true
	}
	take := func(c byte) error {
		if len(b) >= maxJSONString {
			return errJSONTooLong
		}
		b = append(b, c)
		_, err := j.r.ReadByte()
		return err
	}
	// digits takes a run of digits and returns how many there were.
	digits := func() (int, error) {
		n := 0
		for c, ok := peek(); ok && '0' <= c && c <= '9'; c, ok = peek() {
			if err := take(c); err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
	// need fails unless a digit follows.
	need := func() error {
		c, ok := peek()
		if !ok {
			return io.ErrUnexpectedEOF
		}
		if c < '0' || c > '9' {
			return syntaxErr("invalid number %q", append(b, c))
		}
		return nil
	}
	if c, _ := peek(); c == '-' {
		take(c)
	}
	if err := need(); err != nil {
		return "", err
	}
	if c, _ := peek(); c == '0' {
		take(c)
	} else if _, err := digits(); err != nil {
		return "", err
	}
	if c, ok := peek(); ok && c == '.' {
		take(c)
		if err := need(); err != nil {
			return "", err
		}
		if _, err := digits(); err != nil {
			return "", err
		}
	}
	if c, ok := peek(); ok && (c == 'e' || c == 'E') {
		take(c)
		if c, ok := peek(); ok && (c == '+' || c == '-') {
			take(c)
		}
		if err := need(); err != nil {
			return "", err
		}
		if _, err := digits(); err != nil {
			return "", err
		}
	}
	return string(b), nil
}

// Literal reads true, false or null and returns its text.
func (j *jsonReader) Literal() (string, error) {
	c, err := j.Peek()
	if err != nil {
		return "", err
	}
	var want string
	switch c {
	case 't':
		want = "true"
	case 'f':
		want = "false"
	case 'n':
		want = "null"
	default:
		return "", syntaxErr("unexpected %q", c)
	}
	got, err := j.r.Peek(len(want))
	if err != nil && len(got) < len(want) && want[:len(got)] == string(got) {
		return "", eofErr(err)
	}
	if string(got) != want {
		return "", syntaxErr("invalid literal %q", got)
	}
	j.r.Discard(len(want))
	return want, nil
}

// Skip reads and discards the next value, streaming through strings.
func (j *jsonReader) Skip() error {
	c, err := j.Peek()
	if err != nil {
		return err
	}
	switch {
	case c == '{':
		return j.Object(func(string) error { return j.Skip() })
	case c == '[':
		return j.Array(func(int) error { return j.Skip() })
	case c == '"':
		sr, err := j.StringReader()
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, sr)
		return err
	case c == '-' || ('0' <= c && c <= '9'):
		_, err := j.Number()
		return err
	default:
		_, err := j.Literal()
		return err
	}
}
