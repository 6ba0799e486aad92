package openai

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/seedform/seedform/imagefile"
)

// Image is one generated image, complete and synced on disk (Options.Dir),
// or held in memory (Held) when the disk refused an inline one.
type Image = imagefile.Image

// readAnswer reads a 2xx body: each b64_json image is written to disk as
// soon as its string is read, each url is downloaded after OnAnswer.
func (c *Client) readAnswer(ctx context.Context, resp *http.Response, req *Request, opts Options) (*Result, error) {
	res := &Result{}
	var items []AnswerItem
	fail := func(err error) (*Result, error) {
		removeImages(res.Images)
		return nil, err
	}
	// The body holds at most n images of MaxImageBytes in base64.
	limit := int64(req.images())*(c.cfg.MaxImageBytes*4/3+1024) + 1<<20
	dec := json.NewDecoder(io.LimitReader(resp.Body, limit))
	dec.UseNumber()
	err := walkObject(dec, func(key string) error {
		switch key {
		case "data":
			return walkArray(dec, func(i int) error {
				it, err := c.readItem(dec, i, req, opts, res)
				items = append(items, it)
				return err
			})
		case "usage":
			return decodeUsage(dec, &res.Usage)
		}
		var skip json.RawMessage
		return dec.Decode(&skip)
	})
	if err != nil {
		err = fmt.Errorf("reading the answer: %w", err)
		if len(res.Images) > 0 {
			return res, err // paid for and on disk: the caller keeps them
		}
		if imagefile.IsDiskError(err) {
			return fail(err) // the answer came whole: asking again pays again
		}
		return fail(&cutAnswer{err})
	}
	if len(items) == 0 {
		return fail(errors.New("the answer holds no image"))
	}
	if opts.OnAnswer != nil {
		if err := opts.OnAnswer(Answer{Items: items}); err != nil {
			return fail(err)
		}
	}
	for _, im := range res.Images {
		if opts.OnImage != nil {
			opts.OnImage(im)
		}
	}
	for _, it := range items {
		if it.URL == "" {
			continue
		}
		img, err := c.Download(ctx, it.URL, opts.Dir, it.Index)
		if err == nil {
			err = checkImage(img, req)
		}
		if err != nil {
			// The images already on disk are paid for: keep them.
			return res, err
		}
		res.Images = append(res.Images, img)
		if opts.OnImage != nil {
			opts.OnImage(img)
		}
	}
	return res, nil
}

// readItem reads one slot of data: its b64_json is decoded to disk as
// soon as the string is read, its url is kept for later.
func (c *Client) readItem(dec *json.Decoder, i int, req *Request, opts Options, res *Result) (AnswerItem, error) {
	it := AnswerItem{Index: i}
	has := false
	err := walkObject(dec, func(key string) error {
		var v *string
		if err := dec.Decode(&v); err != nil {
			return err
		}
		switch {
		case v == nil || *v == "":
		case key == "b64_json":
			// Paid for, and nowhere else: held in memory if the disk
			// fails (imagefile.SpoolInline).
			img, err := imagefile.SpoolInline(opts.Dir, "openai", i, base64.NewDecoder(base64.StdEncoding, strings.NewReader(*v)), c.cfg.MaxImageBytes)
			if err == nil {
				err = checkImage(img, req)
			}
			if imagefile.IsDiskError(err) {
				// The disk's failure, not the answer's: never a slot
				// reported as an unusable image.
				return fmt.Errorf("writing the image to disk failed: %w", err)
			}
			if err != nil {
				// The other images of the answer are paid for and good:
				// this slot alone failed.
				res.Failed = append(res.Failed, SlotError{Index: i, Message: err.Error()})
				it.Error = err.Error()
			} else {
				res.Images = append(res.Images, img)
				it.Image = &img
			}
			has = true
		case key == "url":
			it.URL, has = *v, true
		case key == "revised_prompt":
			if res.RevisedPrompts == nil {
				res.RevisedPrompts = map[int]string{}
			}
			res.RevisedPrompts[i] = *v
		}
		return nil
	})
	if err == nil && !has {
		err = fmt.Errorf("image %d: the answer holds neither b64_json nor url", i+1)
	}
	return it, err
}

func decodeUsage(dec *json.Decoder, u *Usage) error {
	var doc *struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
		TotalTokens  int `json:"total_tokens"`
		Details      *struct {
			ImageTokens int `json:"image_tokens"`
			TextTokens  int `json:"text_tokens"`
		} `json:"input_tokens_details"`
	}
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return err
	}
	*u = Usage{InputTokens: doc.InputTokens, OutputTokens: doc.OutputTokens, TotalTokens: doc.TotalTokens}
	if doc.Details != nil {
		u.InputImageTokens, u.InputTextTokens = doc.Details.ImageTokens, doc.Details.TextTokens
	}
	return nil
}

// walkObject reads a JSON object from dec, calling field for each key
// with dec positioned at its value, which field must consume.
func walkObject(dec *json.Decoder, field func(key string) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if err := field(tok.(string)); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// walkArray reads a JSON array, calling elem for each element.
func walkArray(dec *json.Decoder, elem func(i int) error) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		if err := elem(i); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, tok)
	}
	return nil
}

// Download fetches one image URL of a journaled answer into dir.
func (c *Client) Download(ctx context.Context, url, dir string, index int) (Image, error) {
	for attempt := 1; ; attempt++ {
		img, err := c.download(ctx, url, dir, index)
		var e *Error
		if err == nil || !errors.As(err, &e) || !e.Transient || attempt > c.cfg.MaxRetries {
			return img, err
		}
		if err := c.sleep(ctx, attempt, 0); err != nil {
			return Image{}, err
		}
	}
}

// download makes one attempt at an image URL. The API key is not sent: an
// image host is not the API.
func (c *Client) download(ctx context.Context, url, dir string, index int) (Image, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Image{}, &Error{Op: "download", Err: err}
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return Image{}, &Error{Op: "download", Err: err, Transient: !errors.Is(err, context.Canceled)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e := errorFromResponse("download", resp)
		e.Transient = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return Image{}, e
	}
	img, err := c.spool(dir, index, resp.Body)
	if err != nil {
		return Image{}, &Error{Op: "download", Err: err, Transient: !errors.Is(err, imagefile.ErrNotImage) && !errors.Is(err, imagefile.ErrTooBig)}
	}
	return img, nil
}

// spool writes one image of an answer (imagefile.Spool).
func (c *Client) spool(dir string, index int, r io.Reader) (Image, error) {
	return imagefile.Spool(dir, "openai", index, r, c.cfg.MaxImageBytes)
}

// check compares an image with what its request asked for: the format
// (png when none is named) and a WxH size.
func checkImage(im Image, req *Request) error {
	want := req.OutputFormat
	if want == "" {
		want = DefaultFormat
	}
	if im.Format != want {
		removeImages([]Image{im})
		return fmt.Errorf("image %d: the answer is %s, but %s was asked for", im.Index+1, im.Format, want)
	}
	if w, h, ok := ParseSize(req.Size); ok && (im.Width != w || im.Height != h) {
		removeImages([]Image{im})
		return fmt.Errorf("image %d: the answer is %dx%d, but %s was asked for", im.Index+1, im.Width, im.Height, req.Size)
	}
	return nil
}

func removeImages(ims []Image) { imagefile.Remove(ims) }
