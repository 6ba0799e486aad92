package openai

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seedform/seedform/throttle"
)

// Config configures one Client, which is one provider instance: its limits
// are shared by every call made through it.
type Config struct {
	// BaseURL is the API root, such as "https://api.openai.com/v1";
	// "/images/generations" and "/images/edits" are appended.
	BaseURL string
	// APIKey is sent as a bearer token to BaseURL only, never to image
	// download hosts, and never appears in an error.
	APIKey string
	// Organization, when set, is sent as the OpenAI-Organization header.
	Organization string
	// KeyHeader is how the key is sent: AuthBearer ("Authorization:
	// Bearer KEY", OpenAI and most relays; the default) or AuthAPIKey
	// ("api-key: KEY", Azure's key authentication).
	KeyHeader string
	// Parallelism bounds the requests in flight (default 4); the client
	// lowers it while the server answers 429.
	Parallelism int
	// Known is what the server has shown it takes in earlier runs
	// (Client.Learned): the in-flight limit starts there.
	Known throttle.Capacity
	// ImagesPerMinute is the account's limit; 0 means none.
	ImagesPerMinute int
	// MaxRetries bounds the retries of one transient failure (default
	// 4); NoRetries turns them off.
	MaxRetries int
	// Timeout bounds one request, answer included (default 10 minutes:
	// a high-quality image takes minutes).
	Timeout time.Duration
	// MaxImageBytes caps one decoded or downloaded image (default 64 MiB).
	MaxImageBytes int64
	// MinBackoff and MaxBackoff bound the wait between retries.
	MinBackoff, MaxBackoff time.Duration
	// HTTPClient, when set, sends the requests.
	HTTPClient *http.Client
}

// The ways Config.KeyHeader sends the key.
const (
	AuthBearer = "bearer"
	AuthAPIKey = "api-key"
)

// NoRetries as Config.MaxRetries turns retries off.
const NoRetries = -1

// Client calls the Images API. It is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *http.Client
	limit *throttle.Adaptive
	rate  *throttle.Rate
}

// NewClient checks cfg and fills in its defaults.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base_url %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("no API key")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	switch cfg.KeyHeader {
	case "":
		cfg.KeyHeader = AuthBearer
	case AuthBearer, AuthAPIKey:
	default:
		return nil, fmt.Errorf("key header %q is neither %q nor %q", cfg.KeyHeader, AuthBearer, AuthAPIKey)
	}
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = 4
	}
	switch {
	case cfg.MaxRetries == NoRetries:
		cfg.MaxRetries = 0
	case cfg.MaxRetries <= 0:
		cfg.MaxRetries = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = 64 << 20
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Minute
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: cfg.Parallelism}}
	}
	return &Client{cfg: cfg, http: hc, limit: throttle.NewAdaptiveKnown(cfg.Parallelism, cfg.Known), rate: throttle.NewRate(cfg.ImagesPerMinute)}, nil
}

// VendorURL reports whether a base URL is OpenAI's own API.
func VendorURL(baseURL string) bool {
	u, err := url.Parse(baseURL)
	return err == nil && strings.EqualFold(u.Hostname(), "api.openai.com")
}

// Options are what a caller asks of one Generate call.
type Options struct {
	// Dir is where images are written, as temp files the caller renames.
	Dir string
	// OnAnswer is called once the API has answered 2xx and its body is
	// read, before any URL is downloaded: from then on the images are
	// paid for. An error from it stops the call.
	OnAnswer func(Answer) error
	// OnImage is called as each image is complete on disk.
	OnImage func(Image)
}

// Answer is what a 2xx answer holds, slot by slot.
type Answer struct {
	Items []AnswerItem
}

// AnswerItem is one slot: a URL to download, an image already on disk
// (b64_json), or a slot whose data was not a usable image (Error).
type AnswerItem struct {
	Index int
	URL   string
	Image *Image
	Error string
}

// Usage is the token usage the API reported.
type Usage struct {
	InputTokens, OutputTokens, TotalTokens int
	InputImageTokens, InputTextTokens      int
}

// SlotError is one image of an answer that could not be used while
// others could.
type SlotError struct {
	Index   int
	Message string
}

// Result is what one Generate call produced.
type Result struct {
	Images []Image
	// Failed lists the slots whose data was not a usable image.
	Failed []SlotError
	Usage  Usage
	// RevisedPrompts are dall-e-3's rewrites of the prompt, by slot.
	RevisedPrompts map[int]string
}

// MaxImageBytes is the most one image of an answer may take, as
// configured: what a caller bounds an answer's disk space with.
func (c *Client) MaxImageBytes() int64 { return c.cfg.MaxImageBytes }

// Generate sends req, retrying transient failures, and writes the images
// of the answer into opts.Dir. With a nil error every image is on disk.
// A non-nil Result with an error holds the images kept before the error.
func (c *Client) Generate(ctx context.Context, req *Request, opts Options) (*Result, error) {
	body, ctype, err := c.encode(req)
	if err != nil {
		return nil, &Error{Op: req.op(), Err: err}
	}
	for attempt := 1; ; attempt++ {
		res, e, wait := c.generateOnce(ctx, req, body, ctype, opts)
		if e == nil {
			return res, nil
		}
		e.Attempts = attempt
		if !e.Transient || attempt > c.cfg.MaxRetries {
			return res, c.redact(e)
		}
		if err := c.sleep(ctx, attempt, wait); err != nil {
			e.Err = errors.Join(e.Err, err)
			e.Transient = false
			return nil, c.redact(e)
		}
	}
}

func (c *Client) encode(req *Request) ([]byte, string, error) {
	if len(req.Images) > 0 {
		return req.multipartBody()
	}
	b, err := req.jsonBody()
	return b, "application/json", err
}

// Learned is what the server has shown it takes, for the next run's
// Config.Known, and whether this client's requests taught anything.
func (c *Client) Learned() (throttle.Capacity, bool) { return c.limit.Learned() }

// generateOnce makes one attempt. wait is the server's Retry-After.
func (c *Client) generateOnce(ctx context.Context, req *Request, body []byte, ctype string, opts Options) (*Result, *Error, time.Duration) {
	op := req.op()
	slot, err := c.limit.Acquire(ctx)
	if err != nil {
		return nil, &Error{Op: op, Err: err}, 0
	}
	outcome := throttle.Neutral
	released := false
	release := func() {
		if !released {
			released = true
			c.limit.Release(slot, outcome)
		}
	}
	defer release()
	if err := c.rate.Wait(ctx, req.images()); err != nil {
		return nil, &Error{Op: op, Err: err}, 0
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+req.path(), bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Op: op, Err: err}, 0
	}
	hreq.Header.Set("Content-Type", ctype)
	if c.cfg.KeyHeader == AuthAPIKey {
		hreq.Header.Set("api-key", c.cfg.APIKey)
	} else {
		hreq.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	hreq.Header.Set("Accept", "application/json")
	if c.cfg.Organization != "" {
		hreq.Header.Set("OpenAI-Organization", c.cfg.Organization)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		// No answer: nothing was paid for, and trying again may work
		// unless the caller gave up.
		return nil, &Error{Op: op, Err: err, Transient: !errors.Is(err, context.Canceled)}, 0
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := errorFromResponse(op, resp)
		if resp.StatusCode == http.StatusTooManyRequests {
			outcome = throttle.Throttled
		}
		return nil, e, throttle.RetryAfter(resp.Header, time.Now())
	}
	outcome = throttle.Success
	release()
	res, err := c.readAnswer(ctx, resp, req, opts)
	if err != nil {
		e := &Error{Op: op, StatusCode: resp.StatusCode, RequestID: resp.Header.Get("x-request-id"), Paid: true, Err: err}
		var cut *cutAnswer
		if errors.As(err, &cut) && connectionCut(cut.err) {
			// Nothing of the answer arrived whole: like any cut
			// connection, it is asked again.
			e.Paid, e.Transient = false, true
		}
		return res, e, 0
	}
	return res, nil, 0
}

// sleep waits before retry number attempt.
func (c *Client) sleep(ctx context.Context, attempt int, retryAfter time.Duration) error {
	d := c.cfg.MinBackoff
	for i := 1; i < attempt && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	// Equal jitter: at least half the backoff, so that retries of
	// requests that failed together spread out but do not come early.
	d = d/2 + rand.N(d/2+1)
	d = max(d, retryAfter)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// redact removes the API key from everything e says, in case a server or
// proxy echoed it back.
func (c *Client) redact(e *Error) *Error {
	key := c.cfg.APIKey
	scrub := func(s string) string { return strings.ReplaceAll(s, key, "[redacted]") }
	e.Code, e.Message, e.Param, e.Type, e.RequestID = scrub(e.Code), scrub(e.Message), scrub(e.Param), scrub(e.Type), scrub(e.RequestID)
	if e.Err != nil && strings.Contains(e.Err.Error(), key) {
		e.Err = errors.New(scrub(e.Err.Error()))
	}
	return e
}
