package seedream

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Stream event types; the JSON's "type" equals the SSE event name.
const (
	eventPartialSucceeded = "image_generation.partial_succeeded"
	eventPartialFailed    = "image_generation.partial_failed"
	eventCompleted        = "image_generation.completed"
)

var errStreamCut = fmt.Errorf("stream ended before %s: %w", eventCompleted, io.ErrUnexpectedEOF)

// errDoneEmpty is a stream that ended with [DONE] having delivered
// nothing: as good as cut, and as safe to retry, since nothing was paid.
var errDoneEmpty = fmt.Errorf("stream ended with [DONE] before any image or %s: %w", eventCompleted, io.ErrUnexpectedEOF)

// isSlotEvent tells the events that deliver a slot of the answer.
func isSlotEvent(typ string) bool {
	return typ == eventPartialSucceeded || typ == eventPartialFailed
}

// readStream reads a server-sent event stream, writing and reporting each
// image as its event arrives. A data line can hold a 15 MB b64_json, so
// data is never collected into a line: the JSON reader reads straight
// from the connection through sseData.
func (a *answer) readStream() error {
	conn := bufio.NewReaderSize(a.body, 32<<10)
	data := &sseData{r: conn}
	j := newJSONReader(bufio.NewReaderSize(data, 32<<10))
	completed := false
	// slots counts slot events, for those without an image_index.
	slots := 0
	for {
		name, err := nextEvent(conn)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		*data = sseData{r: conn}
		j.r.Reset(data)
		c, err := j.Peek()
		switch {
		case err != nil && data.done:
			continue // an event with empty data
		case err != nil:
			return err
		case c == '[':
			if err := readDone(j); err != nil {
				return err
			}
			// The server may end a single image's stream with [DONE] and
			// no completed event: a clean end once something arrived.
			if !completed && slots == 0 {
				return errDoneEmpty
			}
			return nil
		}
		bad := len(a.bad)
		ev, err := a.readEvent(j, name, slots)
		if ev.it.img != nil {
			// On disk whatever happens next: it must be returned or removed.
			a.res.Images = append(a.res.Images, *ev.it.img)
		}
		if err == nil {
			err = j.End()
		}
		if err != nil {
			return err
		}
		slot := isSlotEvent(ev.typ) ||
			// A relay that drops both the event name and "type" still
			// sends images: the content says what the event is.
			ev.typ == "" && ev.it.itemErr == nil && (ev.it.img != nil || ev.it.url != "")
		if !slot {
			// Image data outside a slot's event (a preview of an unknown
			// event type, or data in the completed event) is no result,
			// and must not be left on disk unreported; nor does it fail
			// the answer when it is corrupt.
			if ev.it.img != nil {
				a.discard(*ev.it.img)
			}
			a.bad = a.bad[:bad]
		}
		switch {
		case slot:
			// A slot that comes twice is paid for twice: both images are
			// delivered, and the caller decides where each one goes.
			slots++
			if err := a.deliver([]item{ev.it}); err != nil {
				return err
			}
		case ev.typ == eventCompleted:
			completed = true
		case ev.it.itemErr != nil:
			// A fatal error frame in the middle of the stream.
			a.apiErr = ev.it.itemErr
			return a.topError()
		}
	}
	if !completed {
		return errStreamCut
	}
	return nil
}

type event struct {
	typ string
	it  item
}

// readEvent reads one event's JSON. Fields may come in any order: the
// slot index may follow the image data, so it is applied afterwards.
func (a *answer) readEvent(j *jsonReader, name string, slots int) (event, error) {
	ev := event{typ: name}
	index := int64(-1)
	it, err := a.readItem(j, slots, func(key string) (bool, error) {
		var err error
		switch key {
		case "type":
			var typ string
			if typ, err = optString(j); typ != "" {
				ev.typ = typ
			}
		case "b64_json":
			if ev.typ == "" || isSlotEvent(ev.typ) {
				return false, nil // the image itself: readItem decodes it
			}
			// A preview: not decoded, so that a broken or huge one cannot
			// fail the answer.
			err = j.Skip()
		case "image_index":
			index, err = optInt(j)
		case "model":
			a.res.Model, err = optString(j)
		case "created":
			a.res.Created, err = optInt(j)
		case "usage":
			a.res.Usage, err = readUsage(j)
		default:
			return false, nil
		}
		return true, err
	})
	if index >= 0 {
		it.index = int(index)
		if it.img != nil {
			it.img.Index = int(index)
		}
	}
	ev.it = it
	return ev, err
}

// readDone checks that a data payload starting with '[' is "[DONE]".
func readDone(j *jsonReader) error {
	b, err := io.ReadAll(io.LimitReader(j.r, 64))
	if err != nil {
		return err
	}
	if string(bytes.TrimSpace(b)) != "[DONE]" {
		return fmt.Errorf("%w: unexpected stream data %q", errJSONSyntax, b)
	}
	return nil
}

// nextEvent reads field lines up to the start of the next event's data
// and returns the event name; io.EOF means the stream ended cleanly
// between events.
func nextEvent(r *bufio.Reader) (string, error) {
	name := ""
	for {
		head, err := r.Peek(5)
		if len(head) == 0 && err == io.EOF {
			return "", io.EOF
		}
		if string(head) == "data:" {
			r.Discard(5)
			if p, _ := r.Peek(1); len(p) == 1 && p[0] == ' ' {
				r.Discard(1)
			}
			return name, nil
		}
		line, err := readLine(r)
		if err != nil {
			return "", err
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		switch {
		case len(line) == 0:
			name = "" // the end of an event without data
		case string(field) == "event":
			name = string(bytes.TrimSpace(value))
		}
		// Comments (":..."), id and retry do not matter here.
	}
}

// readLine returns a line without its ending, keeping at most 1 KiB of
// it: only event names are read this way.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line) < 1<<10 {
			line = append(line, chunk[:min(len(chunk), 1<<10-len(line))]...)
		}
		switch {
		case err == nil:
			return bytes.TrimRight(line, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(line) > 0:
			return bytes.TrimRight(line, "\r\n"), nil
		default:
			return nil, eofErr(err)
		}
	}
}

// sseData reads the data of one event: the rest of the current data line
// and any data lines that directly follow, joined by newlines as the SSE
// format says. It ends (io.EOF) at the first line that is not data.
type sseData struct {
	r *bufio.Reader
	// lineEnd is true after a data line's newline was consumed.
	lineEnd bool
	// done is true once the event's data ended cleanly.
	done bool
}

func (d *sseData) Read(p []byte) (int, error) {
	if d.done || len(p) == 0 {
		if d.done {
			return 0, io.EOF
		}
		return 0, nil
	}
	if d.lineEnd {
		// The blank line that ends an event is sent with it: look at one
		// byte first, so that the event is done as soon as it arrived and
		// not when the next one starts (the image is journaled meanwhile).
		if first, _ := d.r.Peek(1); len(first) == 0 || first[0] != 'd' {
			d.done = true
			return 0, io.EOF
		}
		next, _ := d.r.Peek(5)
		if string(next) != "data:" {
			d.done = true
			return 0, io.EOF
		}
		d.r.Discard(5)
		if sp, _ := d.r.Peek(1); len(sp) == 1 && sp[0] == ' ' {
			d.r.Discard(1)
		}
		d.lineEnd = false
		p[0] = '\n'
		return 1, nil
	}
	if _, err := d.r.Peek(1); err != nil {
		// The connection ended inside a data line.
		return 0, eofErr(err)
	}
	buf, _ := d.r.Peek(min(d.r.Buffered(), len(p)))
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		n := copy(p, buf[:i])
		d.r.Discard(i + 1)
		d.lineEnd = true
		return n, nil
	}
	n := copy(p, buf)
	d.r.Discard(n)
	return n, nil
}
