package seedream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/seedform/seedform/imagefile"
	"github.com/seedform/seedform/throttle"
)

// downloadOnce makes one attempt at fetching an image URL. The API key is
// not sent: the URL is signed, and the host is not the API's.
func (c *Client) downloadOnce(ctx context.Context, url, dir string, index int) (Image, *Error, time.Duration) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(actx, http.MethodGet, url, nil)
	if err != nil {
		return Image{}, &Error{Op: "download", Message: "invalid image URL", Err: err}, 0
	}
	c.downloads.Add(1)
	resp, err := c.http.Do(hreq)
	if err != nil {
		return Image{}, transportError(ctx, "download", 0, err), 0
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		wait := throttle.RetryAfter(resp.Header, time.Now())
		return Image{}, errorFromResponse("download", resp), wait
	}
	if resp.ContentLength > c.cfg.MaxImageBytes {
		return Image{}, &Error{Op: "download", StatusCode: resp.StatusCode,
			Message: fmt.Sprintf("image %d: %d bytes, the limit is %d", index+1, resp.ContentLength, c.cfg.MaxImageBytes)}, 0
	}
	body := &trackedReader{r: resp.Body}
	img, err := spool(dir, index, body, c.cfg.MaxImageBytes)
	switch {
	case err == nil:
		return img, nil, 0
	case body.err != nil:
		return Image{}, transportError(ctx, "download", resp.StatusCode, body.err), 0
	case imagefile.IsDiskError(err):
		return Image{}, &Error{Op: "download", Message: "writing the image to disk failed", Err: err, Transient: true}, 0
	case errors.Is(err, ErrCutShort):
		// A body cut at a connection close with no Content-Length: the
		// transport saw a clean end, the image says otherwise.
		return Image{}, &Error{Op: "download", StatusCode: resp.StatusCode, Message: "the image was cut short", Err: err, Transient: true}, 0
	case errors.Is(err, imagefile.ErrTooBig):
		return Image{}, &Error{Op: "download", StatusCode: resp.StatusCode, Message: "image too large", Err: err}, 0
	default:
		return Image{}, &Error{Op: "download", StatusCode: resp.StatusCode, Message: "unusable image", Err: err}, 0
	}
}
