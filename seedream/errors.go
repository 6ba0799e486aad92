package seedream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Error is a failed call: the API's error, a transport failure, or a
// response the client could not use. It never holds the API key.
type Error struct {
	// Op is "generate" or "download".
	Op string
	// StatusCode is the HTTP status, 0 when no response came.
	StatusCode int
	// Code, Message, Param and Type are the API's error fields.
	Code, Message, Param, Type string
	// RequestID is the server's id of the request: the x-request-id
	// header, or the message's "Request id: ..." suffix.
	RequestID string
	// ClientRequestID is the id the client sent as X-Client-Request-Id on
	// the last attempt; the vendor can find a request by it too, even one
	// that got no answer.
	ClientRequestID string
	// Attempts is how many HTTP requests were made, retries included.
	Attempts int
	// Transient is true when trying again later may succeed (429, 5xx,
	// resets, time-outs, cut bodies). It is false when the failure is
	// permanent or when images were already paid for and returned: a blind
	// retry would pay for them again.
	Transient bool
	// Err is the underlying cause, if any (a network error, context.Canceled).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("seedream ")
	b.WriteString(e.Op)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Param != "" {
		fmt.Fprintf(&b, " (param %s)", e.Param)
	}
	switch {
	case e.RequestID != "" && !strings.Contains(e.Message, e.RequestID):
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	case e.RequestID == "" && e.ClientRequestID != "":
		fmt.Fprintf(&b, " (client request id %s)", e.ClientRequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsTransient reports whether err is an *Error worth retrying later.
func IsTransient(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Transient
}

// permanentCodes are 429 codes that waiting does not cure.
var permanentCodes = []string{"QuotaExceeded", "SetLimitExceeded"}

// transientCodes are codes worth retrying when they come inside a 2xx
// body or a stream, where there is no HTTP status to go by.
var transientCodes = []string{
	"InternalServiceError", "ServerOverloaded", "RequestBurstTooFast",
	"ModelAccountIpmRateLimitExceeded", "ModelAccountRpmRateLimitExceeded",
	"RateLimitExceeded.EndpointRPMExceeded",
}

// codeOverloaded is a 429 for a server full with requests, as opposed
// to an account's quota: room comes back as requests end.
const codeOverloaded = "ServerOverloaded"

// contentCheckFailed is the content filter failing to run, not its
// verdict: trying again may pass, whatever status it came with.
const contentCheckFailed = "ContentSecurityDetectionError"

// transientStatus decides retries from the HTTP status and API code.
func transientStatus(status int, code string) bool {
	switch {
	case code == contentCheckFailed:
		return true
	case status == http.StatusTooManyRequests:
		return !slices.Contains(permanentCodes, code)
	case status >= 500:
		return true
	case status >= 200 && status < 300:
		return slices.Contains(transientCodes, code)
	}
	return false
}

// requestIDSuffix finds the id the vendor ends its messages with
// ("Request id: 0217..."); older pages and relays write "Request ID".
var requestIDSuffix = regexp.MustCompile(`(?i)request[ _-]?id\s*[:=]\s*([A-Za-z0-9._-]+)`)

// requestIDIn returns the request id a message ends with, or "".
func requestIDIn(message string) string {
	if m := requestIDSuffix.FindStringSubmatch(message); m != nil {
		return m[1]
	}
	return ""
}

// responseRequestID is the server's id of an answer: the vendor's
// x-request-id header (header names are case-insensitive).
func responseRequestID(h http.Header) string {
	return strings.TrimSpace(h.Get("X-Request-Id"))
}

// apiError is the API's error object.
type apiError struct {
	Code, Message, Param, Type string
}

// readAPIError reads the error object at j's position; unknown fields are
// skipped, a string is the message and any other value leaves it empty.
func readAPIError(j *jsonReader) (apiError, error) {
	var e apiError
	c, err := j.Peek()
	if err == nil && c == '"' {
		// A relay's {"error":"some text"}: the text is the message.
		e.Message, err = j.String()
		return e, err
	}
	if err != nil || c != '{' {
		if err == nil {
			err = j.Skip()
		}
		return e, err
	}
	err = j.Object(func(key string) error {
		switch key {
		case "code":
			e.Code, err = optString(j)
		case "message":
			e.Message, err = optString(j)
		case "param":
			e.Param, err = optString(j)
		case "type":
			e.Type, err = optString(j)
		default:
			return j.Skip()
		}
		return err
	})
	return e, err
}

// maxErrorBody bounds how much of an error answer is read: enough for any
// JSON or XML error, and a lying server cannot make the client buffer more.
const maxErrorBody = 64 << 10

var xmlField = regexp.MustCompile(`<(Code|Message)>([^<]*)</`)

// errorFromResponse builds the Error of a non-2xx answer. The body may be
// the API's JSON, an object store's XML, or a proxy's HTML or text.
func errorFromResponse(op string, resp *http.Response) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{Op: op, StatusCode: resp.StatusCode, RequestID: responseRequestID(resp.Header)}
	parsed := false
	j := newJSONReader(bytes.NewReader(body))
	if c, err := j.Peek(); err == nil && c == '{' {
		var top apiError
		err := j.Object(func(key string) error {
			switch key {
			case "error":
				a, err := readAPIError(j)
				e.Code, e.Message, e.Param, e.Type = a.Code, a.Message, a.Param, a.Type
				parsed = true
				return err
			case "code", "message":
				// Some relays and object stores answer {"code","message"}.
				s, err := optString(j)
				if key == "code" {
					top.Code = s
				} else {
					top.Message = s
				}
				return err
			}
			return j.Skip()
		})
		if err == nil && !parsed && (top.Code != "" || top.Message != "") {
			e.Code, e.Message, parsed = top.Code, top.Message, true
		}
	}
	if !parsed {
		for _, m := range xmlField.FindAllSubmatch(body, -1) {
			if string(m[1]) == "Code" {
				e.Code = string(m[2])
			} else {
				e.Message = string(m[2])
			}
			parsed = true
		}
	}
	if !parsed {
		e.Message = excerpt(body)
	}
	if e.RequestID == "" {
		e.RequestID = requestIDIn(e.Message)
	}
	e.Transient = transientStatus(resp.StatusCode, e.Code)
	return e
}

// excerpt is a short printable piece of an unexpected body for an error.
func excerpt(body []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), "?"))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "empty body"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, s)
}
