package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/throttle"
)

// OpenAI generates images with the OpenAI Images API: a request with
// exactly the fields the asset's model takes, as an edit when it has
// reference images.
type OpenAI struct {
	client *openai.Client
	// KeyEnv names the environment variable the API key was read from,
	// so that a refused key says where to fix it.
	KeyEnv string
	// server names the server for Paced.
	server string
}

// NewOpenAI wraps a client: one per provider instance.
func NewOpenAI(c *openai.Client) *OpenAI { return &OpenAI{client: c} }

// OpenAIConfig is the client configuration of an openai provider block,
// every default filled in by the spec: max_retries = 0 is no retries.
func OpenAIConfig(inst Instance, apiKey string) openai.Config {
	st := inst.Settings
	num := inst.settingInt
	retries := int(num("max_retries"))
	if retries == 0 {
		retries = openai.NoRetries
	}
	base, _ := st.String("base_url")
	org, _ := st.String("organization")
	auth, _ := st.String("auth")
	return openai.Config{BaseURL: base, APIKey: apiKey, Organization: org, KeyHeader: auth, Parallelism: inst.Parallelism,
		ImagesPerMinute: int(num("images_per_minute")), MaxRetries: retries, MaxImageBytes: num("max_image_bytes"),
		Timeout: time.Duration(num("timeout")) * time.Second, Known: inst.known(serverName(inst.Type, base))}
}

// Server implements Paced.
func (o *OpenAI) Server() string { return o.server }

// Learned implements Paced.
func (o *OpenAI) Learned() (throttle.Capacity, bool) { return o.client.Learned() }

// Generate implements Provider.
func (o *OpenAI) Generate(ctx context.Context, req *Request) (*Result, error) {
	oreq, err := openaiRequest(req)
	if err != nil {
		return nil, err
	}
	opts := openai.Options{
		Dir: req.StageDir,
		OnAnswer: func(ans openai.Answer) error {
			if req.Paid == nil {
				return nil
			}
			items := make([]PaidItem, len(ans.Items))
			for i, it := range ans.Items {
				items[i] = PaidItem{Index: it.Index, URL: it.URL}
				if it.Image != nil {
					im := fromOpenAI(*it.Image)
					items[i].Image = &im
				}
				if it.Error != "" {
					items[i].ErrorCode = "unusable_image"
				}
			}
			return req.Paid(items)
		},
		OnImage: func(im openai.Image) {
			if req.Events != nil {
				req.Events.ImageReady(im.Index, im.Width, im.Height)
			}
		},
	}
	res, err := o.client.Generate(ctx, oreq, opts)
	err = openaiLost(err)
	if e := (*openai.Error)(nil); errors.As(err, &e) && e.Op != "download" {
		err = keyRefused(err, e.StatusCode, o.KeyEnv)
	}
	if res == nil {
		return nil, err
	}
	out := &Result{Model: req.Asset.Model, GeneratedImages: len(res.Images),
		InputTokens: res.Usage.InputTokens, OutputTokens: res.Usage.OutputTokens, TotalTokens: res.Usage.TotalTokens}
	for _, im := range res.Images {
		out.Images = append(out.Images, fromOpenAI(im))
	}
	var msgs []string
	for _, f := range res.Failed {
		out.Failed = append(out.Failed, SlotError{Index: f.Index, Code: "unusable_image", Message: f.Message})
		msgs = append(msgs, f.Message)
	}
	if err == nil && len(out.Images) == 0 && len(out.Failed) > 0 {
		// Paid for, but no slot held a usable image, and there is no URL
		// to fetch again: nothing to recover, the next apply asks anew.
		err = answerLost{fmt.Errorf("every image failed: %s", strings.Join(msgs, "; "))}
	}
	return out, err
}

// AnswerBytes implements AnswerSizer: n images at the size asked for
// ("auto" and other named sizes at the image cap).
func (o *OpenAI) AnswerBytes(a *schema.Asset) int64 {
	size, _ := a.Attrs.String("size")
	w, h, _ := openai.ParseSize(size)
	return answerBytes(openaiParams(&a.Attrs, a.Kind, a.MaxImages).N, w, h, o.client.MaxImageBytes())
}

// Download implements Downloader: it finishes a journaled url answer.
func (o *OpenAI) Download(ctx context.Context, url, dir string, index int) (Image, error) {
	im, err := o.client.Download(ctx, url, dir, index)
	if err != nil {
		return Image{}, openaiLost(err)
	}
	return fromOpenAI(im), nil
}

// openaiLost marks a paid answer that can never be finished: a download
// refused for good (an expired URL) or an answer whose body was unusable.
func openaiLost(err error) error {
	var e *openai.Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	// A download that failed inside a paid answer decides: its URL may
	// still be fetched later.
	var inner *openai.Error
	if errors.As(e.Err, &inner) {
		e = inner
	}
	if e.Transient {
		return err
	}
	if e.Op == "download" || e.Paid {
		return answerLost{err}
	}
	return err
}

func fromOpenAI(im openai.Image) Image {
	return Image{Index: im.Index, TempPath: im.Path, Width: im.Width, Height: im.Height,
		Format: im.Format, SHA256: im.SHA256, Bytes: im.Bytes, Held: im.Held}
}

// openaiRequest builds the API request for an asset. The spec package has
// checked the fields against the model; the model decides which are sent.
func openaiRequest(req *Request) (*openai.Request, error) {
	a := req.Asset
	p := openaiParams(&a.Attrs, a.Kind, a.MaxImages)
	oreq := &openai.Request{Model: a.Model, Prompt: a.Prompt, N: p.N, Size: p.Size, Quality: p.Quality,
		Background: p.Background, Moderation: p.Moderation, Style: p.Style, OutputCompression: p.OutputCompression,
		ResponseFormat: p.ResponseFormat}
	m, known := openai.LookupModel(a.Model)
	switch {
	case !known || m.GPTImage:
		oreq.OutputFormat = a.OutputFormat
	case oreq.ResponseFormat == "":
		// dall-e-3 answers urls unless asked: b64_json keeps the image in
		// the answer, with no URL to expire before it is fetched.
		oreq.ResponseFormat = "b64_json"
	}
	for _, r := range req.References {
		if r.URL != "" {
			return nil, fmt.Errorf("reference %s: the OpenAI Images API edits uploaded files, not URLs", r.URL)
		}
		oreq.Images = append(oreq.Images, r.File)
	}
	oreq.Mask = req.Files["mask"]
	return oreq, nil
}
