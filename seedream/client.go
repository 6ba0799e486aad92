package seedream

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seedform/seedform/throttle"
)

// Config configures one Client, which is one provider instance: its limits
// are shared by every call made through it.
type Config struct {
	// BaseURL is the API root: the vendor's ".../api/v3" or a relay's
	// ".../v1"; "/images/generations" is appended.
	BaseURL string
	// APIKey is sent as a bearer token to BaseURL only, never to image
	// download hosts, and never appears in an error.
	APIKey string
	// HTTPClient is nil for a default with connect and TLS time-outs but
	// no header time-out: answers can take minutes.
	HTTPClient *http.Client
	// Parallelism bounds the generation requests in flight; default 4.
	// The client lowers it on its own while the server answers 429.
	Parallelism int
	// Known is what the server has shown it takes in earlier runs
	// (Client.Learned): the in-flight limit starts there.
	Known throttle.Capacity
	// ImagesPerMinute is the account's IPM limit; 0 means unlimited. A
	// set request counts as many images as it may return.
	ImagesPerMinute int
	// MaxRetries bounds retries of transient failures per request and per
	// download. 0 means the default of 4, so that a zero Config retries;
	// NoRetries (or any negative number) turns retries off.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the wait between retries, which
	// doubles from MinBackoff; default 500ms and 8s.
	MinBackoff, MaxBackoff time.Duration
	// Timeout bounds one attempt, headers and body; default 10 minutes.
	Timeout time.Duration
	// ResponseFormat is "url" (default) or "b64_json".
	ResponseFormat string
	// MaxImageBytes caps one image, downloaded or decoded; default 64 MiB.
	MaxImageBytes int64
}

// Defaults for Config's zero fields.
const (
	DefaultParallelism   = 4
	DefaultMaxRetries    = 4
	DefaultMinBackoff    = 500 * time.Millisecond
	DefaultMaxBackoff    = 8 * time.Second
	DefaultTimeout       = 10 * time.Minute
	DefaultMaxImageBytes = 64 << 20
)

// NoRetries is the MaxRetries that turns retries off: 0 already means
// the default.
const NoRetries = -1

// Response formats.
const (
	FormatURL     = "url"
	FormatB64JSON = "b64_json"
)

// Client calls the image generation API. It is safe for concurrent use.
type Client struct {
	cfg      Config
	http     *http.Client
	endpoint string
	limit    *throttle.Adaptive
	rate     *throttle.Rate // nil when unlimited
	// jitter returns a random duration in [0, n); pause waits d or until
	// ctx ends. Tests replace them to see the retry schedule.
	jitter func(n time.Duration) time.Duration
	pause  func(ctx context.Context, d time.Duration) error

	requests, throttled, retries, downloads atomic.Int64
}

// Stats counts what a Client did, for progress and benchmark reports.
type Stats struct {
	// Requests is the generation requests sent, retries included.
	Requests int64
	// Throttled is how many of them were answered 429.
	Throttled int64
	// Retries is the attempts after the first, generation and download.
	Retries int64
	// Downloads is the image download requests sent, retries included.
	Downloads int64
	// Limit is the adaptive in-flight limit now.
	Limit int
}

// NewClient checks cfg, fills in defaults and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("seedream: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("seedream: no API key")
	}
	switch cfg.ResponseFormat {
	case "":
		cfg.ResponseFormat = FormatURL
	case FormatURL, FormatB64JSON:
	default:
		return nil, fmt.Errorf("seedream: response format must be %q or %q, got %q", FormatURL, FormatB64JSON, cfg.ResponseFormat)
	}
	if cfg.Parallelism < 0 || cfg.ImagesPerMinute < 0 || cfg.MinBackoff < 0 || cfg.MaxBackoff < 0 || cfg.Timeout < 0 || cfg.MaxImageBytes < 0 {
		return nil, errors.New("seedream: negative limit in config")
	}
	cfg.Parallelism = orDefault(cfg.Parallelism, DefaultParallelism)
	cfg.MinBackoff = orDefault(cfg.MinBackoff, DefaultMinBackoff)
	cfg.MaxBackoff = max(orDefault(cfg.MaxBackoff, DefaultMaxBackoff), cfg.MinBackoff)
	cfg.Timeout = orDefault(cfg.Timeout, DefaultTimeout)
	cfg.MaxImageBytes = orDefault(cfg.MaxImageBytes, DefaultMaxImageBytes)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	c := &Client{
		cfg:      cfg,
		http:     cfg.HTTPClient,
		endpoint: strings.TrimRight(cfg.BaseURL, "/") + "/images/generations",
		limit:    throttle.NewAdaptiveKnown(cfg.Parallelism, cfg.Known),
		rate:     throttle.NewRate(cfg.ImagesPerMinute),
		jitter:   rand.N[time.Duration],
		pause:    pause,
	}
	if c.http == nil {
		c.http = defaultHTTPClient(cfg.Parallelism)
	}
	return c, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func defaultHTTPClient(parallelism int) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(parallelism, 16),
		// No ResponseHeaderTimeout: headers may come only once the first
		// image is generated. Config.Timeout bounds the whole attempt.
	}}
}

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	return Stats{
		Requests: c.requests.Load(), Throttled: c.throttled.Load(), Retries: c.retries.Load(),
		Downloads: c.downloads.Load(), Limit: c.limit.Current(),
	}
}

// Learned is what the server has shown it takes, for the next run's
// Config.Known, and whether this client's requests taught anything.
func (c *Client) Learned() (throttle.Capacity, bool) { return c.limit.Learned() }

// Options are per call.
type Options struct {
	// Dir is where the images' temp files go: the same file system as the
	// outputs, so that the caller can rename them. Default os.TempDir().
	Dir string
	// OnAnswer is called once the API has answered 2xx, before any image
	// is downloaded, so that the caller can journal the paid URLs and
	// finish them with Download after a crash. A streamed answer calls it
	// once per event that carries an image or a failed slot. An error
	// stops the call: the images already on disk are returned with it.
	OnAnswer func(Answer) error
	// OnImage is called as each image is complete on disk.
	OnImage func(Image)
	// OnRetry is called before each retry of a transient failure.
	OnRetry func(Retry)
}

// Retry is one retry Generate is about to make.
type Retry struct {
	Attempt int // the attempt to come: 2 for the first retry
	// Wait is how long it waits first; 0 when it waited already for a
	// request of this client to end (a 429 while others were in flight).
	Wait time.Duration
	// Reason is the failure retried, as its error says it.
	Reason string
}

// Answer is what the API answered, before anything was downloaded.
type Answer struct {
	Model   string
	Created int64
	Items   []AnswerItem
	// RequestID is the server's id of the request (x-request-id).
	RequestID string
}

// AnswerItem is one slot of an answer: a URL, decoded data (URL ""), or
// an error. A URL never holds the API key (a relay may sign its links
// with it): it stands as a marker that Download replaces.
type AnswerItem struct {
	Index     int
	URL, Size string
	Error     *ItemError
	// Image is the slot's decoded b64_json image, already whole and synced
	// in Options.Dir, so that a journal of the answer names its file.
	Image *Image
}

// ItemError is one image of a set that failed while others succeeded.
type ItemError struct {
	Index         int
	Code, Message string
}

// Usage is what the API reported; relays may leave any field out.
type Usage struct {
	GeneratedImages, OutputTokens, TotalTokens int
	// InputImages is the reference images billed (5.0 Pro reports it).
	InputImages int
	// ToolUsage counts the tools the model used, by name: "web_search".
	ToolUsage map[string]int
}

// Result is what a Generate call produced.
type Result struct {
	// Model is the model id the API reported.
	Model   string
	Created int64
	// Images are the images on disk, by slot.
	Images []Image
	// Failed are the slots that came back as errors.
	Failed []ItemError
	Usage  Usage
	// RequestID is the server's id of the request that answered (its
	// x-request-id header); ClientRequestID is the id the client sent.
	RequestID, ClientRequestID string
}

// Generate sends req and writes the images it returns into opts.Dir,
// retrying transient failures. When err is not nil, a non-nil Result
// holds images that were paid for and written before the failure; the
// caller owns their files either way.
func (c *Client) Generate(ctx context.Context, req *Request, opts Options) (*Result, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	body, err := req.body(c.cfg.ResponseFormat)
	if err != nil {
		return nil, fmt.Errorf("seedream: encoding the request: %w", err)
	}
	if opts.Dir == "" {
		opts.Dir = os.TempDir()
	}
	for attempt := 1; ; attempt++ {
		// A new id for every attempt, as the vendor's SDKs send: each is
		// a request of its own on the server's side.
		clientID := newClientRequestID()
		res, e, wait := c.generateOnce(ctx, req, body, opts, clientID)
		if res != nil {
			res.ClientRequestID = clientID
		}
		if e == nil {
			return res, nil
		}
		e.Attempts = attempt
		e.ClientRequestID = clientID
		if !e.Transient || attempt > c.cfg.MaxRetries || res != nil {
			return res, c.redact(e)
		}
		if wait == retryPaced {
			opts.retrying(attempt+1, 0, c.redact(e))
			c.retries.Add(1)
			continue
		}
		d := backoff(attempt, wait, c.cfg.MinBackoff, c.cfg.MaxBackoff, c.jitter)
		opts.retrying(attempt+1, d, c.redact(e))
		if err := c.pause(ctx, d); err != nil {
			e.Err = errors.Join(e.Err, err)
			e.Transient = false
			return nil, c.redact(e)
		}
		c.retries.Add(1)
	}
}

func (o Options) retrying(attempt int, wait time.Duration, err error) {
	if o.OnRetry != nil {
		o.OnRetry(Retry{Attempt: attempt, Wait: wait, Reason: err.Error()})
	}
}

// MaxImageBytes is the most one image of an answer may take, as
// configured: what a caller bounds an answer's disk space with.
func (c *Client) MaxImageBytes() int64 { return c.cfg.MaxImageBytes }

// Download fetches one image URL of a journaled answer into dir, retrying
// transient failures. Generate uses it for every url item.
func (c *Client) Download(ctx context.Context, url, dir string, index int) (Image, error) {
	return c.download(ctx, strings.ReplaceAll(url, keyMarker, c.cfg.APIKey), dir, index, "", "")
}

// keyMarker stands for the API key in a URL handed to OnAnswer: a relay
// may sign its image links with the caller's key, and the caller journals
// them. Download puts the key back.
const keyMarker = "{seedform:api_key}"

// withoutKey is url with the API key replaced by keyMarker.
func (c *Client) withoutKey(url string) string {
	return strings.ReplaceAll(url, c.cfg.APIKey, keyMarker)
}

// download fetches one image and checks it against the size its answer
// stated and the format its request asked for ("" to check nothing).
func (c *Client) download(ctx context.Context, url, dir string, index int, size, format string) (Image, error) {
	for attempt := 1; ; attempt++ {
		img, e, wait := c.downloadOnce(ctx, url, dir, index)
		if e == nil {
			if err := checkImage(img, size, format); err != nil {
				removeImages([]Image{img})
				return Image{}, c.redact(&Error{Op: "download", Message: err.Error(), Attempts: attempt})
			}
			return img, nil
		}
		e.Attempts = attempt
		if !e.Transient || attempt > c.cfg.MaxRetries {
			return Image{}, c.redact(e)
		}
		if err := c.sleep(ctx, attempt, wait); err != nil {
			e.Err = errors.Join(e.Err, err)
			e.Transient = false
			return Image{}, c.redact(e)
		}
		c.retries.Add(1)
	}
}

// sleep waits before retry number attempt.
func (c *Client) sleep(ctx context.Context, attempt int, retryAfter time.Duration) error {
	return c.pause(ctx, backoff(attempt, retryAfter, c.cfg.MinBackoff, c.cfg.MaxBackoff, c.jitter))
}

// backoff is the wait before retry number attempt (1 for the first):
// minWait doubled for each earlier retry, capped at maxWait, with equal
// jitter, or retryAfter if the server asked for longer. jitter(n) returns
// a random duration in [0, n).
func backoff(attempt int, retryAfter, minWait, maxWait time.Duration, jitter func(time.Duration) time.Duration) time.Duration {
	d := minWait
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	// Equal jitter: at least half the backoff, so that retries of
	// requests that failed together spread out but do not come early.
	d = d/2 + jitter(d/2+1)
	return max(d, retryAfter)
}

// waitFreed waits for a request of the client's own that the server held
// to end, after a 429 said the server was full: that is when a retry may
// find room. A Retry-After the server sent with an overload is the most
// to wait (0: none), since the server cannot know our requests are
// finishing; an account quota's Retry-After is not handed here.
func waitFreed(ctx context.Context, freed <-chan struct{}, retryAfter time.Duration) {
	var deadline <-chan time.Time
	if retryAfter > 0 {
		t := time.NewTimer(retryAfter)
		defer t.Stop()
		deadline = t.C
	}
	select {
	case <-freed:
	case <-deadline:
	case <-ctx.Done():
	}
}

// pause waits d, or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newClientRequestID returns an id for the X-Client-Request-Id header,
// shaped like the vendor SDKs' (a UTC timestamp and random hex), so that
// a request that got no answer can still be named to the vendor.
func newClientRequestID() string {
	var b [10]byte
	crand.Read(b[:]) // never fails (crypto/rand)
	return time.Now().UTC().Format("20060102150405") + hex.EncodeToString(b[:])
}

// redact removes the API key from everything e says, in case a server or
// proxy echoed it back.
func (c *Client) redact(e *Error) *Error {
	key := c.cfg.APIKey
	scrub := func(s string) string { return strings.ReplaceAll(s, key, "[redacted]") }
	e.Code, e.Message, e.Param, e.Type = scrub(e.Code), scrub(e.Message), scrub(e.Param), scrub(e.Type)
	e.RequestID, e.ClientRequestID = scrub(e.RequestID), scrub(e.ClientRequestID)
	if e.Err != nil && strings.Contains(e.Err.Error(), key) {
		e.Err = errors.New(scrub(e.Err.Error()))
	}
	return e
}

// transportError builds the Error of a request that got no usable
// answer. It is transient unless the caller's context ended.
func transportError(ctx context.Context, op string, status int, err error) *Error {
	if ctx.Err() != nil {
		return &Error{Op: op, StatusCode: status, Err: ctx.Err()}
	}
	msg := "connection failed"
	if status != 0 {
		msg = "answer cut short"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "attempt timed out"
	}
	return &Error{Op: op, StatusCode: status, Message: msg, Err: err, Transient: true}
}
