package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/seedform/seedform/imagefile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// spaceMargin is kept free beyond an answer's images: its journal, the
// lock and the manifest are written beside them.
const spaceMargin = 8 << 20

// heldBackoff bounds the wait between attempts to write images held in
// memory; tests shorten it.
var heldBackoff = struct{ min, max time.Duration }{100 * time.Millisecond, 10 * time.Second}

// heldReportEvery is how often a hold that goes on is reported again.
const heldReportEvery = 30 * time.Second

// DiskShortError is a request not sent because the file system that
// would receive its answer has too little room to keep it.
type DiskShortError struct {
	Addr string
	// Dir is the staging directory the answer would be written to.
	Dir        string
	Free, Need int64
}

func (e *DiskShortError) Error() string {
	return fmt.Sprintf("not enough free disk space to keep the answer for %s: %s free on %s, %s needed; nothing was sent. "+
		"Free %s on %s and run apply again; nothing was paid for the assets not started",
		e.Addr, megabytes(e.Free), e.Dir, megabytes(e.Need), megabytes(e.Need-e.Free), e.Dir)
}

func megabytes(n int64) string { return fmt.Sprintf("%d MB", (n+1<<20-1)>>20) }

// checkSpace refuses, before a request for a is sent, an answer the
// staging file system cannot keep: its provider's bound on the answer
// (provider.AnswerSizer) and a margin must fit in the free space. A
// provider that cannot bound its answer, or a platform that cannot tell
// the free space, lets the request go. A refusal stops the apply as a
// first interrupt does.
func (e *engine) checkSpace(a *spec.Asset) error {
	sizer, ok := provider.As[provider.AnswerSizer](e.opts.Providers[a.Provider])
	if !ok {
		return nil
	}
	need := sizer.AnswerBytes(a.ForProvider()) + spaceMargin
	free, known := imagefile.FreeSpace(e.ws.Staging.dir)
	if !known || free >= need {
		return nil
	}
	err := &DiskShortError{Addr: a.Addr, Dir: e.ws.Staging.dir, Free: free, Need: need}
	e.diskOnce.Do(func() {
		e.diskShort = err
		close(e.diskStop)
	})
	return err
}

// diskStopped reports whether too little free space stopped the apply.
func (e *engine) diskStopped() bool { return closed(e.diskStop) }

// closed reports whether ch, a channel only ever closed, is.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// holds counts the answers whose images wait in memory for the disk:
// while there are any, no request starts (it would be paid for and find
// the disk full too).
type holds struct {
	mu   sync.Mutex
	n    int
	none chan struct{} // closed while n is 0
}

func newHolds() *holds {
	h := &holds{none: make(chan struct{})}
	close(h.none)
	return h
}

func (h *holds) add() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == 0 {
		h.none = make(chan struct{})
	}
	h.n++
}

func (h *holds) done() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n--; h.n == 0 {
		close(h.none)
	}
}

// released returns a channel closed once nothing is held.
func (h *holds) released() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.none
}

// isDiskFull tells a failure of the local disk, as the image writer
// marks it (imagefile.DiskError) or as the system names a full one.
func isDiskFull(err error) bool {
	return imagefile.IsDiskError(err) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// untilDiskFrees runs write until it does not fail with a disk error,
// waiting with a backoff between attempts. held paid images of c wait in
// memory meanwhile: the hook is told, and no request starts. Only
// cancelling ctx gives up, with write's last error.
func (e *engine) untilDiskFrees(ctx context.Context, c *Change, held int, write func() error) error {
	err := write()
	if !isDiskFull(err) {
		return err
	}
	e.holds.add()
	defer e.holds.done()
	wait, reported := heldBackoff.min, time.Now()
	e.opts.Hook.DiskFull(c, held, e.ws.Staging.dir, err)
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		if err = write(); !isDiskFull(err) {
			return err
		}
		wait = min(wait*2, heldBackoff.max)
		if time.Since(reported) >= heldReportEvery {
			reported = time.Now()
			e.opts.Hook.DiskFull(c, held, e.ws.Staging.dir, err)
		}
	}
}

// writeHeld writes into dir the images of res that the disk refused and
// the provider holds in memory (provider.Image.Held), once the disk has
// room: they are paid for and exist nowhere else. If the apply is
// cancelled first, they are lost: they leave res, and the error says
// which and why.
func (e *engine) writeHeld(ctx context.Context, c *Change, dir string, res *provider.Result) error {
	held := 0
	for _, im := range res.Images {
		if im.Held != nil {
			held++
		}
	}
	if held == 0 {
		return nil
	}
	err := e.untilDiskFrees(ctx, c, held, func() error {
		for i, im := range res.Images {
			if im.Held == nil {
				continue
			}
			img, err := imagefile.Spool(dir, "held", im.Index, bytes.NewReader(im.Held), int64(len(im.Held)))
			if err != nil {
				return err
			}
			res.Images[i].TempPath, res.Images[i].Held = img.Path, nil
		}
		return nil
	})
	if err == nil {
		return nil
	}
	var lost []string
	kept := res.Images[:0]
	for _, im := range res.Images {
		if im.Held != nil {
			lost = append(lost, strconv.Itoa(im.Index+1))
			continue
		}
		kept = append(kept, im)
	}
	res.Images = kept
	what := fmt.Sprintf("image %s of %s was", lost[0], c.Addr)
	if len(lost) > 1 {
		what = fmt.Sprintf("images %s of %s were", strings.Join(lost, ", "), c.Addr)
	}
	why := "the apply was stopped while the disk was still full"
	if !isDiskFull(err) {
		why = "they could not be written"
	}
	return fmt.Errorf("the paid %s lost: the disk refused them, they were held in memory, and %s (%w); the next apply pays for them again",
		what, why, err)
}
