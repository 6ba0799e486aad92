package spec

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
)

// This file holds Terraform's encoding, hashing, uuidv5 and timecmp
// functions, which go-cty's standard library does not have.

var stringParam = []function.Parameter{{Name: "str", Type: cty.String}}

// stringFunc is a function of one string to a string that cannot fail.
func stringFunc(desc string, f func(string) string) function.Function {
	return function.New(&function.Spec{
		Description:  desc,
		Params:       stringParam,
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(f(args[0].AsString())), nil
		},
	})
}

var (
	md5New    = md5.New
	sha1New   = sha1.New
	sha256New = sha256.New
	sha512New = sha512.New
)

func encodeHex(b []byte) string    { return hex.EncodeToString(b) }
func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// stringHashFunc hashes a string's UTF-8 bytes: md5, sha1, sha256,
// sha512 (hex) and base64sha256, base64sha512.
func stringHashFunc(newHash func() hash.Hash, encode func([]byte) string) function.Function {
	return stringFunc("Computes a hash of the given string.", func(s string) string {
		h := newHash()
		h.Write([]byte(s))
		return encode(h.Sum(nil))
	})
}

var base64EncodeFunc = stringFunc("Applies Base64 encoding to a string.", func(s string) string {
	return encodeBase64([]byte(s))
})

var urlEncodeFunc = stringFunc("Applies URL encoding to a given string.", url.QueryEscape)

// base64DecodeFunc decodes Base64 that must hold UTF-8 text.
var base64DecodeFunc = function.New(&function.Spec{
	Description: "Decodes a string containing a base64 sequence.",
	Params: []function.Parameter{{
		Name: "str", Type: cty.String, AllowMarked: true, AllowUnknown: true,
	}},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, marks := args[0].Unmark()
		if !str.IsKnown() {
			return cty.UnknownVal(cty.String).WithMarks(marks), nil
		}
		dec, err := base64.StdEncoding.DecodeString(str.AsString())
		if err != nil {
			what := fmt.Sprintf("%q", str.AsString())
			if _, secret := marks[sensitiveMark]; secret {
				what = "(sensitive value)"
			}
			return cty.NilVal, fmt.Errorf("failed to decode base64 data %s", what)
		}
		if !utf8.Valid(dec) {
			return cty.NilVal, errors.New("the result of decoding the provided string is not valid UTF-8")
		}
		return cty.StringVal(string(dec)).WithMarks(marks), nil
	},
})

var base64GzipFunc = function.New(&function.Spec{
	Description:  "Compresses the given string with gzip and then encodes the result in Base64.",
	Params:       stringParam,
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var b bytes.Buffer
		gz := gzip.NewWriter(&b)
		if _, err := gz.Write([]byte(args[0].AsString())); err != nil {
			return cty.NilVal, fmt.Errorf("failed to write gzip raw data: %w", err)
		}
		// Flushing first, as Terraform does, adds an empty stored block:
		// the output must be byte for byte Terraform's.
		if err := gz.Flush(); err != nil {
			return cty.NilVal, fmt.Errorf("failed to flush gzip writer: %w", err)
		}
		if err := gz.Close(); err != nil {
			return cty.NilVal, fmt.Errorf("failed to close gzip writer: %w", err)
		}
		return cty.StringVal(encodeBase64(b.Bytes())), nil
	},
})

var textEncodeParams = []function.Parameter{
	{Name: "string", Type: cty.String},
	{Name: "encoding", Type: cty.String},
}

// ianaEncoding looks up a character encoding by an IANA name or alias,
// returning its canonical name too.
func ianaEncoding(v cty.Value) (encoding.Encoding, string, error) {
	name := v.AsString()
	enc, err := ianaindex.IANA.Encoding(name)
	if err != nil || enc == nil {
		return nil, "", function.NewArgErrorf(1, "%q is not a supported IANA encoding name or alias in this Terraform version", name)
	}
	if canonical, err := ianaindex.IANA.Name(enc); err == nil {
		name = canonical
	}
	return enc, name, nil
}

var textEncodeBase64Func = function.New(&function.Spec{
	Description:  "Encodes the given string in the given character encoding and returns the result in Base64.",
	Params:       textEncodeParams,
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		enc, name, err := ianaEncoding(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		out, err := enc.NewEncoder().Bytes([]byte(args[0].AsString()))
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "the given string contains characters that cannot be represented in %s", name)
		}
		return cty.StringVal(encodeBase64(out)), nil
	},
})

var textDecodeBase64Func = function.New(&function.Spec{
	Description: "Decodes Base64 data holding text in the given character encoding.",
	Params: []function.Parameter{
		{Name: "source", Type: cty.String},
		{Name: "encoding", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		enc, name, err := ianaEncoding(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			// "is has" is Terraform's wording, kept word for word.
			var corrupt base64.CorruptInputError
			if errors.As(err, &corrupt) {
				return cty.NilVal, function.NewArgErrorf(0, "the given value is has an invalid base64 symbol at offset %d", int(corrupt))
			}
			return cty.NilVal, function.NewArgErrorf(0, "invalid source string: %w", err)
		}
		out, err := enc.NewDecoder().Bytes(raw)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return cty.NilVal, function.NewArgErrorf(0, "the given string contains symbols that are not defined for %s", name)
		}
		return cty.StringVal(string(out)), nil
	},
})

// uuidNamespaces are RFC 4122's predefined namespaces by Terraform's names.
var uuidNamespaces = map[string]string{
	"dns":  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	"url":  "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
	"oid":  "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
	"x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
}

// parseUUID reads a UUID in the forms Terraform's uuidv5 accepts, with
// the same complaints: 36 characters with dashes, those with a
// "urn:uuid:" prefix or in braces, or 32 hex digits.
func parseUUID(s string) ([]byte, error) {
	switch len(s) {
	case 36:
	case 36 + 9:
		if !strings.EqualFold(s[:9], "urn:uuid:") {
			return nil, fmt.Errorf("invalid urn prefix: %q", s[:9])
		}
		s = s[9:]
	case 36 + 2:
		s = s[1:37]
	case 32:
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, errors.New("invalid UUID format")
		}
		return b, nil
	default:
		return nil, fmt.Errorf("invalid UUID length: %d", len(s))
	}
	if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return nil, errors.New("invalid UUID format")
	}
	b, err := hex.DecodeString(s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
	if err != nil {
		return nil, errors.New("invalid UUID format")
	}
	return b, nil
}

// uuidV5Func is Terraform's uuidv5: a name-based (SHA-1) UUID, the same
// on every run.
var uuidV5Func = function.New(&function.Spec{
	Description: "Generates a name-based UUID, as described in RFC 4122 section 4.3.",
	Params: []function.Parameter{
		{Name: "namespace", Type: cty.String},
		{Name: "name", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ns := args[0].AsString()
		text := ns
		if known, ok := uuidNamespaces[ns]; ok {
			text = known
		}
		space, err := parseUUID(text)
		if err != nil {
			return cty.NilVal, fmt.Errorf("uuidv5() doesn't support namespace %s (%v)", ns, err)
		}
		h := sha1.New()
		h.Write(space)
		h.Write([]byte(args[1].AsString()))
		u := h.Sum(nil)[:16]
		u[6] = u[6]&0x0f | 0x50 // version 5
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		x := hex.EncodeToString(u)
		return cty.StringVal(x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]), nil
	},
})

// timeCmpFunc is Terraform's timecmp of two RFC 3339 timestamps.
var timeCmpFunc = function.New(&function.Spec{
	Description: "Compares two timestamps and returns a number that represents the ordering of the instants those timestamps represent.",
	Params: []function.Parameter{
		{Name: "timestamp_a", Type: cty.String},
		{Name: "timestamp_b", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		a, err := parseTimestamp(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		b, err := parseTimestamp(args[1].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(1, err)
		}
		return cty.NumberIntVal(int64(a.Compare(b))), nil
	},
})

// timestampParts names the layout elements of RFC 3339 in Terraform's
// timestamp error messages.
var timestampParts = map[string]string{
	"2006": "year", "01": "month", "02": "day of month", "15": "hour",
	"04": "minute", "05": "second", "Z07:00": "UTC offset",
}

// parseTimestamp parses RFC 3339, explaining a failure as Terraform does.
func parseTimestamp(ts string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, ts)
	var pe *time.ParseError
	if err == nil || !errors.As(err, &pe) {
		return t, err
	}
	switch {
	case pe.LayoutElem == "" && pe.ValueElem == "" && pe.Message != "":
		return t, fmt.Errorf("not a valid RFC3339 timestamp%s", pe.Message)
	case pe.LayoutElem == "T":
		return t, errors.New("not a valid RFC3339 timestamp: missing required time introducer 'T'")
	case pe.LayoutElem == ":" || pe.LayoutElem == "-":
		if pe.ValueElem == "" {
			return t, fmt.Errorf("not a valid RFC3339 timestamp: end of string where %q is expected", pe.LayoutElem)
		}
		return t, fmt.Errorf("not a valid RFC3339 timestamp: found %q where %q is expected", pe.ValueElem, pe.LayoutElem)
	}
	what, ok := timestampParts[pe.LayoutElem]
	if !ok {
		what = "timestamp segment"
	}
	if pe.ValueElem == "" {
		return t, fmt.Errorf("not a valid RFC3339 timestamp: end of string before %s", what)
	}
	return t, fmt.Errorf("not a valid RFC3339 timestamp: cannot use %q as %s", pe.ValueElem, what)
}

// jsonDecodeFunc is cty's jsondecode with a fast path for the common
// `jsondecode(file("keys.json"))`: a JSON array of strings, read in one
// pass into the tuple of strings cty's decoder would build token by token
// (twice: once for the type). Any other document, null elements
// included, takes cty's own path, errors and all.
var jsonDecodeFunc = function.New(&function.Spec{
	Description: stdlib.JSONDecodeFunc.Description(),
	Params:      stdlib.JSONDecodeFunc.Params(),
	Type: func(args []cty.Value) (cty.Type, error) {
		if strs, ok := jsonStrings(args[0]); ok {
			types := make([]cty.Type, len(strs))
			for i := range types {
				types[i] = cty.String
			}
			return cty.Tuple(types), nil
		}
		return stdlib.JSONDecodeFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		strs, ok := jsonStrings(args[0])
		if !ok {
			return stdlib.JSONDecodeFunc.Call(args)
		}
		if len(strs) == 0 {
			return cty.EmptyTupleVal, nil
		}
		vals := make([]cty.Value, len(strs))
		for i, s := range strs {
			vals[i] = cty.StringVal(*s)
		}
		return cty.TupleVal(vals), nil
	},
})

// jsonStrings decodes a known string holding a JSON array of strings;
// ok is false for anything else.
func jsonStrings(v cty.Value) (strs []*string, ok bool) {
	if !v.IsKnown() || v.IsNull() || v.IsMarked() || v.Type() != cty.String {
		return nil, false
	}
	s := v.AsString()
	if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "[") || json.Unmarshal([]byte(s), &strs) != nil {
		return nil, false
	}
	for _, p := range strs {
		if p == nil {
			return nil, false // null: cty decodes it as a dynamic null
		}
	}
	return strs, true
}
