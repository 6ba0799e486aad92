package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
)

// Error is a failed call: the API's error, a transport failure, or an
// answer the client could not use. It never holds the API key.
type Error struct {
	// Op is "generate", "edit" or "download".
	Op string
	// StatusCode is the HTTP status, 0 when no response came.
	StatusCode int
	// Code, Message, Param and Type are the API's error fields.
	Code, Message, Param, Type string
	// RequestID is the x-request-id header.
	RequestID string
	// Attempts is how many HTTP requests were made, retries included.
	Attempts int
	// Transient is true when trying again later may succeed (429 but for
	// an exhausted quota, 5xx, resets, time-outs before an answer). It is
	// false when the failure is permanent or the answer was paid for.
	Transient bool
	// Paid is true when the API answered 2xx: the images are paid for
	// even though they could not be used.
	Paid bool
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("openai ")
	b.WriteString(e.Op)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
	}
	for _, s := range []string{e.Code, e.Message} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Param != "" {
		fmt.Fprintf(&b, " (param %s)", e.Param)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
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

// cutAnswer is a 2xx answer whose body the connection cut before any
// image was read: nothing of it can be kept, and asking again is what a
// client does after any other cut connection.
type cutAnswer struct{ err error }

func (c *cutAnswer) Error() string { return c.err.Error() }
func (c *cutAnswer) Unwrap() error { return c.err }

// connectionCut reports whether err is a body cut short by the network
// rather than one the server sent malformed.
func connectionCut(err error) bool {
	var ne net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET)
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// errorFromResponse reads the API's error object from a non-2xx answer.
func errorFromResponse(op string, resp *http.Response) *Error {
	e := &Error{Op: op, StatusCode: resp.StatusCode, RequestID: resp.Header.Get("x-request-id")}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var doc struct {
		Error *struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Param   *string         `json:"param"`
			Code    json.RawMessage `json:"code"`
		} `json:"error"`
	}
	if err == nil && json.Unmarshal(body, &doc) == nil && doc.Error != nil {
		e.Message, e.Type = doc.Error.Message, doc.Error.Type
		if doc.Error.Param != nil {
			e.Param = *doc.Error.Param
		}
		// code is a string, a number or null depending on the server.
		var s string
		if json.Unmarshal(doc.Error.Code, &s) == nil {
			e.Code = s
		} else if n, err := strconv.Atoi(string(doc.Error.Code)); err == nil {
			e.Code = strconv.Itoa(n)
		}
	} else if len(body) > 0 {
		e.Message = strings.TrimSpace(string(body[:min(len(body), 300)]))
	}
	e.Transient = transientStatus(resp.StatusCode, e.Code, e.Type)
	return e
}

// transientStatus decides retries: 408, 409, 429 and 5xx are worth
// another try, unless a 429 says the quota or budget is spent.
func transientStatus(status int, code, typ string) bool {
	switch {
	case status == http.StatusTooManyRequests:
		return code != "insufficient_quota" && typ != "insufficient_quota" && code != "billing_hard_limit_reached"
	case status == http.StatusRequestTimeout, status == http.StatusConflict:
		return true
	case status >= 500:
		return true
	}
	return false
}
