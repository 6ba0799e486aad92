package seedream

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/seedform/seedform/imagefile"
	"github.com/seedform/seedform/throttle"
)

// retryPaced is the wait generateOnce returns for a 429 answered while
// the server held other requests of this client: it has waited for one of
// them to end, and the retry needs no timer on top.
const retryPaced time.Duration = -1

// generateOnce makes one attempt. It returns the result, or an Error and
// the Retry-After the server asked for, or retryPaced. A non-nil result
// with an error holds images that were written before the failure.
func (c *Client) generateOnce(ctx context.Context, req *Request, body []byte, opts Options, clientID string) (*Result, *Error, time.Duration) {
	s, err := c.limit.Acquire(ctx)
	if err != nil {
		return nil, &Error{Op: "generate", Err: err}, 0
	}
	released := false
	var freed <-chan struct{}
	release := func(o throttle.Outcome) {
		if !released {
			released = true
			freed = c.limit.Release(s, o)
		}
	}
	defer release(throttle.Neutral)
	if err := c.rate.Wait(ctx, req.imagesPerCall()); err != nil {
		return nil, &Error{Op: "generate", Err: err}, 0
	}

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Op: "generate", Err: err}, 0
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	hreq.Header.Set("X-Client-Request-Id", clientID)
	if req.Stream {
		hreq.Header.Set("Accept", "text/event-stream, application/json")
	} else {
		hreq.Header.Set("Accept", "application/json")
	}
	c.requests.Add(1)
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, transportError(ctx, "generate", 0, err), 0
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := errorFromResponse("generate", resp)
		if resp.StatusCode == http.StatusTooManyRequests {
			c.throttled.Add(1)
			if e.Code == codeOverloaded {
				release(throttle.Overloaded)
			} else {
				release(throttle.Throttled)
			}
		}
		wait := throttle.RetryAfter(resp.Header, time.Now())
		if freed != nil && (wait == 0 || e.Code == codeOverloaded) {
			resp.Body.Close() // the connection is not needed while waiting
			waitFreed(ctx, freed, wait)
			wait = retryPaced
		}
		return nil, e, wait
	}
	// The server took the request: that is the signal the limit grows on,
	// whatever happens to the body. The slot is held while the server
	// still sends (a stream is generated as it is sent), not during
	// downloads from the image host.
	a := &answer{
		c: c, ctx: actx, req: req, opts: opts,
		body:    &trackedReader{r: resp.Body},
		res:     &Result{RequestID: responseRequestID(resp.Header)},
		release: func() { release(throttle.Success) },
	}
	defer a.release()
	return a.read(ctx, resp.StatusCode, resp.Header.Get("Content-Type"))
}

// read reads a 2xx answer whose body is a.body: an event stream or JSON,
// as its Content-Type says, since some relays ignore "stream".
func (a *answer) read(ctx context.Context, status int, contentType string) (*Result, *Error, time.Duration) {
	var err error
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/event-stream" {
		err = a.readStream()
	} else {
		err = a.readJSON()
	}
	if err == nil {
		err = a.finish()
	}
	if err != nil {
		return a.fail(ctx, status, err)
	}
	return a.res, nil, 0
}

// trackedReader remembers the first transport error of a body, so that a
// cut connection can be told from a malformed answer however deep in the
// parsing it surfaced.
type trackedReader struct {
	r   io.Reader
	err error
}

func (t *trackedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

// answer is the state of one 2xx answer being read.
type answer struct {
	c    *Client
	ctx  context.Context
	req  *Request
	opts Options
	body *trackedReader
	res  *Result
	// bad collects images that arrived but were unusable (corrupt
	// base64, not an image, wrong size); they fail the call.
	bad []error
	// apiErr is an error object at the top of a 2xx body or in a stream.
	apiErr *apiError
	// release frees the request's in-flight slot; it may be called twice.
	release func()
	// delivered is set once an item carrying an image was handed to
	// OnAnswer: from then on the images are paid for, and a failure must
	// not lead to a blind retry.
	delivered bool
}

// fail turns a failure after a 2xx into the attempt's Error. Images
// already written are paid for: they are returned and the error is not
// transient, so that nobody retries blindly and pays twice.
func (a *answer) fail(ctx context.Context, status int, err error) (*Result, *Error, time.Duration) {
	var e *Error
	switch {
	case errors.As(err, &e) && e.Op == "download":
		e = &Error{Op: "generate", StatusCode: status, Message: "downloading the images failed", Err: err}
	case errors.As(err, &e):
	case a.body.err != nil || errors.Is(err, io.ErrUnexpectedEOF):
		cause := a.body.err
		if cause == nil {
			cause = err
		}
		e = transportError(ctx, "generate", status, cause)
	default:
		e = &Error{Op: "generate", StatusCode: status, Message: "unusable answer", Err: err}
	}
	if e.RequestID == "" {
		e.RequestID = a.res.RequestID
	}
	if a.delivered {
		e.Transient = false
	}
	if len(a.res.Images) == 0 {
		return nil, e, 0
	}
	e.Transient = false
	a.sortImages()
	return a.res, e, 0
}

func (a *answer) sortImages() {
	slices.SortFunc(a.res.Images, func(x, y Image) int { return x.Index - y.Index })
}

// finish checks the answer as a whole once it is read.
func (a *answer) finish() error {
	if a.apiErr != nil {
		return a.topError()
	}
	if len(a.bad) > 0 {
		// Images cut short (half a b64_json) are worth asking for again,
		// as a cut connection is; other unusable images are not.
		cut := !slices.ContainsFunc(a.bad, func(err error) bool { return !errors.Is(err, ErrCutShort) })
		return &Error{Op: "generate", Message: "unusable image in the answer", Err: errors.Join(a.bad...), Transient: cut}
	}
	if len(a.res.Images) == 0 && len(a.res.Failed) == 0 {
		return &Error{Op: "generate", Message: "the answer holds no images"}
	}
	a.sortImages()
	return nil
}

func (a *answer) topError() *Error {
	e := &Error{
		Op: "generate", Code: a.apiErr.Code, Message: a.apiErr.Message,
		Param: a.apiErr.Param, Type: a.apiErr.Type,
		Transient: transientStatus(http.StatusOK, a.apiErr.Code),
	}
	e.RequestID = requestIDIn(e.Message)
	return e
}

// item is one slot of an answer as read: a URL to fetch, an image already
// decoded to disk, or an error.
type item struct {
	index   int
	url     string
	size    string
	img     *Image
	itemErr *apiError
	// rejected is set when the item's image arrived unusable (a.bad
	// says why).
	rejected bool
}

// readItem reads one data item or stream event object. b64_json data is
// decoded straight to a temp file as it is read. Fields may come in any
// order, so the stated size is checked by the caller once the object is
// read. onKey, if set, handles the keys of stream events.
func (a *answer) readItem(j *jsonReader, index int, onKey func(key string) (bool, error)) (item, error) {
	it := item{index: index}
	err := j.Object(func(key string) error {
		if onKey != nil {
			if handled, err := onKey(key); handled || err != nil {
				return err
			}
		}
		var err error
		switch key {
		case "url":
			it.url, err = optString(j)
		case "size":
			it.size, err = optString(j)
		case "error":
			var e apiError
			e, err = readAPIError(j)
			it.itemErr = &e
		case "b64_json":
			if c, perr := j.Peek(); perr != nil || c != '"' {
				return j.Skip()
			}
			img, err := a.decodeB64(j, index)
			if err != nil {
				return err
			}
			it.rejected = img == nil
			if img != nil {
				if it.img != nil {
					removeImages([]Image{*it.img})
				}
				it.img = img
			}
		default:
			err = j.Skip()
		}
		return err
	})
	return it, err
}

// decodeB64 pipes a b64_json string through a base64 decoder into a temp
// file, or into memory when the disk fails (the image is paid for and
// comes once). Data that is not base64 or not an image is recorded in a.bad and
// the rest of the string skipped, so that the other images still arrive;
// a transport failure or an oversized image stops the read.
func (a *answer) decodeB64(j *jsonReader, index int) (*Image, error) {
	sr, err := j.StringReader()
	if err != nil {
		return nil, err
	}
	img, err := spoolInline(a.opts.Dir, index, base64.NewDecoder(base64.StdEncoding, sr), a.c.cfg.MaxImageBytes)
	if err == nil {
		return &img, nil
	}
	if a.body.err != nil || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	if imagefile.IsDiskError(err) {
		return nil, &Error{Op: "generate", Message: "writing the image to disk failed", Err: err}
	}
	if errors.Is(err, imagefile.ErrTooBig) || errors.Is(err, errJSONSyntax) {
		return nil, &Error{Op: "generate", Message: "unusable image in the answer", Err: err}
	}
	if _, derr := io.Copy(io.Discard, sr); derr != nil {
		return nil, derr
	}
	a.bad = append(a.bad, err)
	return nil, nil
}

// readJSON reads a non-streaming answer.
func (a *answer) readJSON() error {
	j := newJSONReader(a.body)
	var items []item
	err := j.Object(func(key string) error {
		var err error
		switch key {
		case "model":
			a.res.Model, err = optString(j)
		case "created":
			a.res.Created, err = optInt(j)
		case "usage":
			a.res.Usage, err = readUsage(j)
		case "error":
			var e apiError
			e, err = readAPIError(j)
			a.apiErr = &e
		case "data":
			if c, perr := j.Peek(); perr != nil || c != '[' {
				return j.Skip()
			}
			err = j.Array(func(i int) error {
				if c, err := j.Peek(); err != nil || c != '{' {
					return j.Skip()
				}
				it, err := a.readItem(j, i, nil)
				if it.img != nil {
					// On disk whatever happens next: it must be returned
					// or removed.
					a.res.Images = append(a.res.Images, *it.img)
				}
				items = append(items, it)
				return err
			})
		default:
			err = j.Skip()
		}
		return err
	})
	if err == nil {
		err = j.End()
	}
	if err != nil {
		return err
	}
	a.release()
	if a.apiErr != nil && !slices.ContainsFunc(items, func(it item) bool { return it.img != nil || it.url != "" }) {
		return nil // finish reports the error
	}
	// Images beside a top-level error are paid for: they are delivered
	// and returned with the error, which is then not retried blindly.
	if err := a.deliver(items); err != nil {
		return err
	}
	if a.apiErr != nil {
		return a.topError()
	}
	return nil
}

// deliver journals the items through OnAnswer, then downloads the URLs
// and reports each image.
func (a *answer) deliver(items []item) error {
	ans := Answer{Model: a.res.Model, Created: a.res.Created, RequestID: a.res.RequestID}
	var fetch []item
	for _, it := range items {
		ai := AnswerItem{Index: it.index, URL: a.c.withoutKey(it.url), Size: it.size}
		switch {
		case it.itemErr != nil:
			if it.img != nil {
				a.discard(*it.img)
			}
			ie := ItemError{Index: it.index, Code: it.itemErr.Code, Message: it.itemErr.Message}
			ai.Error = &ie
			a.res.Failed = append(a.res.Failed, ie)
		case it.img != nil:
			a.delivered = true
			ai.URL = ""
			if err := checkImage(*it.img, it.size, a.req.wantFormat()); err != nil {
				a.discard(*it.img)
				a.bad = append(a.bad, err)
				continue
			}
			img := *it.img
			ai.Image = &img
		case it.url != "":
			a.delivered = true
			fetch = append(fetch, it)
		case it.rejected:
			continue
		default:
			a.bad = append(a.bad, fmt.Errorf("item %d holds no image", it.index))
			continue
		}
		ans.Items = append(ans.Items, ai)
	}
	if len(ans.Items) == 0 {
		return nil
	}
	if a.opts.OnAnswer != nil {
		if err := a.opts.OnAnswer(ans); err != nil {
			return &Error{Op: "generate", Message: "recording the answer failed", Err: err}
		}
	}
	for _, it := range items {
		if it.img != nil && a.has(it.index) && a.opts.OnImage != nil {
			a.opts.OnImage(*it.img)
		}
	}
	return a.fetch(fetch)
}

// fetch downloads url items a few at a time.
func (a *answer) fetch(items []item) error {
	const concurrentDownloads = 4
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
		sem  = make(chan struct{}, concurrentDownloads)
	)
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			img, err := a.c.download(a.ctx, it.url, a.opts.Dir, it.index, it.size, a.req.wantFormat())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			a.res.Images = append(a.res.Images, img)
			if a.opts.OnImage != nil {
				a.opts.OnImage(img)
			}
		}()
	}
	wg.Wait()
	if len(errs) == 1 {
		return errs[0]
	}
	if len(errs) > 1 {
		return &Error{Op: "generate", Message: fmt.Sprintf("%d downloads failed", len(errs)), Err: errors.Join(errs...)}
	}
	return nil
}

func (a *answer) has(index int) bool {
	return slices.ContainsFunc(a.res.Images, func(img Image) bool { return img.Index == index })
}

// discard removes one image from the result and the disk.
func (a *answer) discard(img Image) {
	a.res.Images = slices.DeleteFunc(a.res.Images, func(x Image) bool {
		// Held images have no path: their slot and content tell them.
		return x.Path == img.Path && x.Index == img.Index && x.SHA256 == img.SHA256
	})
	removeImages([]Image{img})
}

// readUsage reads the usage object; relays reshape it, so every field is
// optional and unknown ones are skipped.
func readUsage(j *jsonReader) (Usage, error) {
	var u Usage
	if c, err := j.Peek(); err != nil || c != '{' {
		if err != nil {
			return u, err
		}
		return u, j.Skip()
	}
	err := j.Object(func(key string) error {
		var n int64
		var err error
		switch key {
		case "generated_images":
			n, err = optInt(j)
			u.GeneratedImages = int(n)
		case "output_tokens":
			n, err = optInt(j)
			u.OutputTokens = int(n)
		case "total_tokens":
			n, err = optInt(j)
			u.TotalTokens = int(n)
		case "input_images":
			n, err = optInt(j)
			u.InputImages = int(n)
		case "tool_usage":
			u.ToolUsage, err = readCounts(j)
		default:
			err = j.Skip()
		}
		return err
	})
	return u, err
}

// readCounts reads an object of counts ({"web_search": 2}); values that
// are not numbers are skipped, and an empty object is nil.
func readCounts(j *jsonReader) (map[string]int, error) {
	if c, err := j.Peek(); err != nil || c != '{' {
		if err != nil {
			return nil, err
		}
		return nil, j.Skip()
	}
	var counts map[string]int
	err := j.Object(func(key string) error {
		n, err := optInt(j)
		if err == nil && n > 0 {
			if counts == nil {
				counts = map[string]int{}
			}
			counts[key] = int(n)
		}
		return err
	})
	return counts, err
}

// optString reads a string, or "" for any other kind of value.
func optString(j *jsonReader) (string, error) {
	c, err := j.Peek()
	if err != nil {
		return "", err
	}
	if c != '"' {
		return "", j.Skip()
	}
	return j.String()
}

// optInt reads an integer (written as a number or a numeric string), or 0
// for anything else.
func optInt(j *jsonReader) (int64, error) {
	c, err := j.Peek()
	if err != nil {
		return 0, err
	}
	var s string
	switch {
	case c == '-' || ('0' <= c && c <= '9'):
		s, err = j.Number()
	case c == '"':
		s, err = j.String()
	default:
		return 0, j.Skip()
	}
	if err != nil {
		return 0, err
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, _ := strconv.ParseFloat(s, 64)
	return int64(f), nil
}
