package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seedform/seedform/gitlfs"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/throttle"
)

// Seedream generates images with the Seedream API: it turns an asset spec
// into a request with exactly the fields the asset's model takes.
type Seedream struct {
	client *seedream.Client
	// KeyEnv names the environment variable the API key was read from,
	// so that a refused key says where to fix it.
	KeyEnv string
	// server names the server for Paced.
	server string
}

// SeedreamConfig is the client configuration of a seedream provider block.
// The spec has filled in every default, so each number is what the user
// meant: max_retries = 0 turns retries off, where seedream.Config takes 0
// to mean its own default.
func SeedreamConfig(inst Instance, apiKey string) seedream.Config {
	st := inst.Settings
	num := inst.settingInt
	retries := int(num("max_retries"))
	if retries == 0 {
		retries = seedream.NoRetries
	}
	baseURL, _ := st.String("base_url")
	format, _ := st.String("response_format")
	return seedream.Config{
		BaseURL: baseURL, APIKey: apiKey, Parallelism: inst.Parallelism, ImagesPerMinute: int(num("images_per_minute")),
		MaxRetries: retries, ResponseFormat: format, MaxImageBytes: num("max_image_bytes"),
		Timeout: time.Duration(num("timeout")) * time.Second, Known: inst.known(serverName(inst.Type, baseURL)),
	}
}

// NewSeedream wraps a client: one per provider instance, so that the
// instance's parallelism and rate limit are shared by all its assets.
func NewSeedream(c *seedream.Client) *Seedream { return &Seedream{client: c} }

// Server implements Paced.
func (s *Seedream) Server() string { return s.server }

// Learned implements Paced.
func (s *Seedream) Learned() (throttle.Capacity, bool) { return s.client.Learned() }

// Generate implements Provider.
func (s *Seedream) Generate(ctx context.Context, req *Request) (*Result, error) {
	sreq, err := seedreamRequest(req)
	if err != nil {
		return nil, err
	}
	opts := seedream.Options{
		Dir: req.StageDir,
		OnAnswer: func(ans seedream.Answer) error {
			if req.Paid == nil {
				return nil
			}
			items := make([]PaidItem, len(ans.Items))
			for i, it := range ans.Items {
				items[i] = PaidItem{Index: it.Index, URL: it.URL, RequestID: ans.RequestID}
				if it.Image != nil {
					im := fromSeedream(*it.Image)
					items[i].Image = &im
				}
				if it.Error != nil {
					items[i].ErrorCode = it.Error.Code
				}
			}
			return req.Paid(items)
		},
		OnImage: func(im seedream.Image) {
			if req.Events != nil {
				req.Events.ImageReady(im.Index, im.Width, im.Height)
			}
		},
		OnRetry: func(r seedream.Retry) {
			if req.Events != nil {
				req.Events.Retrying(r.Attempt, r.Wait, r.Reason)
			}
		},
	}
	res, err := s.client.Generate(ctx, sreq, opts)
	err = s.keyRefused(markLost(err))
	if res == nil {
		return nil, err
	}
	out := &Result{
		Model:           res.Model,
		GeneratedImages: res.Usage.GeneratedImages,
		OutputTokens:    res.Usage.OutputTokens,
		TotalTokens:     res.Usage.TotalTokens,
		InputImages:     res.Usage.InputImages,
		ToolUsage:       res.Usage.ToolUsage,
		RequestID:       res.RequestID,
	}
	for _, im := range res.Images {
		out.Images = append(out.Images, fromSeedream(im))
	}
	for _, f := range res.Failed {
		out.Failed = append(out.Failed, SlotError{Index: f.Index, Code: f.Code, Message: f.Message})
	}
	return out, err
}

// AnswerBytes implements AnswerSizer: the request's images at the size it
// asks for ("adaptive" and unknown models at the image cap).
func (s *Seedream) AnswerBytes(a *schema.Asset) int64 {
	images := 1
	if a.Kind == schema.KindImageSet {
		images = a.MaxImages
	}
	size, _ := a.Attrs.String("size")
	w, h := 0, 0
	if m, ok := seedreamModelOf(a.Model, a.Attrs); ok {
		w, h, _ = m.Dimensions(size)
	}
	return answerBytes(images, w, h, s.client.MaxImageBytes())
}

// keyRefused adds to a 401 or 403 where the key came from and what to do.
func (s *Seedream) keyRefused(err error) error {
	var e *seedream.Error
	if !errors.As(err, &e) || e.Op != "generate" {
		return err
	}
	return keyRefused(err, e.StatusCode, s.KeyEnv)
}

// Download implements Downloader: it finishes a journaled answer.
func (s *Seedream) Download(ctx context.Context, url, dir string, index int) (Image, error) {
	im, err := s.client.Download(ctx, url, dir, index)
	if err != nil {
		return Image{}, markLost(err)
	}
	return fromSeedream(im), nil
}

// markLost marks err with ErrAnswerLost when it holds download failures
// and every one of them is for good. A download that may work later (a
// time-out, a 5xx after every retry, an apply being cancelled) keeps the
// answer recoverable: its URL stays valid for a day.
func markLost(err error) error {
	downloads, forGood := 0, true
	var walk func(error)
	walk = func(err error) {
		if e, ok := err.(*seedream.Error); ok && e.Op == "download" {
			downloads++
			if e.Transient || errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded) {
				forGood = false
			}
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			if next := u.Unwrap(); next != nil {
				walk(next)
			}
		case interface{ Unwrap() []error }:
			for _, next := range u.Unwrap() {
				walk(next)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	if downloads == 0 || !forGood {
		return err
	}
	return answerLost{err}
}

func fromSeedream(im seedream.Image) Image {
	return Image{Index: im.Index, TempPath: im.Path, Width: im.Width, Height: im.Height,
		Format: im.Format, SHA256: im.SHA256, Bytes: im.Bytes, Held: im.Held}
}

// seedreamRequest builds the API request for an asset. The spec package
// has checked the fields against the model; only fields the model takes
// are set, and watermark is always sent (the API's default is true).
func seedreamRequest(req *Request) (*seedream.Request, error) {
	a := req.Asset
	size, _ := a.Attrs.String("size")
	watermark, _ := a.Attrs.Bool("watermark")
	stream, _ := a.Attrs.Bool("stream")
	opt, _ := a.Attrs.String("optimize_prompt")
	thinking, _ := a.Attrs.String("thinking")
	webSearch, _ := a.Attrs.Bool("web_search")
	sreq := &seedream.Request{
		Model: a.Model, Prompt: a.Prompt, Size: size, Seed: a.Attrs.Int("seed"), GuidanceScale: a.Attrs.Float("guidance_scale"),
		Watermark: watermark, Stream: stream, OptimizePrompt: opt, Thinking: thinking, WebSearch: webSearch,
	}
	if a.Kind == schema.KindImageSet {
		sreq.MaxImages = a.MaxImages
	}
	if m, ok := seedreamModelOf(a.Model, a.Attrs); ok && len(m.OutputFormats) > 0 {
		sreq.OutputFormat = a.OutputFormat
	}
	m, known := seedreamModelOf(a.Model, a.Attrs)
	for _, r := range req.References {
		if r.URL != "" {
			sreq.Images = append(sreq.Images, r.URL)
			continue
		}
		if ptr, ok, _ := gitlfs.ReadFile(r.File); ok {
			return nil, fmt.Errorf("reference image %s is a %s, not the image: fetch it with git lfs pull, then apply again", r.File, ptr)
		}
		if known {
			// An upstream asset's output is first seen here: the
			// model's own limits are checked before paying.
			ref, err := seedream.ProbeReference(r.File, seedream.MaxReferenceBytes)
			if err == nil {
				err = m.CheckReference(ref)
			}
			if err != nil {
				return nil, fmt.Errorf("reference image %s: %s does not take it: %w", r.File, m.Name, err)
			}
		}
		uri, sum, err := seedream.ImageDataURIHashed(r.File, seedream.MaxReferenceBytes)
		if err != nil {
			return nil, fmt.Errorf("reference image: %w", err)
		}
		if r.SHA256 != "" && sum != r.SHA256 {
			return nil, fmt.Errorf("reference image %s changed since the plan was made: nothing was sent; plan and apply again", r.File)
		}
		sreq.Images = append(sreq.Images, uri)
	}
	return sreq, nil
}
