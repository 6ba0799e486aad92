package pipeline_test

import (
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // the fake's images, decoded whole by checkLockMatchesDisk
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
	"github.com/seedform/seedform/spec"
)

const faultAPIKey = "sk-fault-matrix-0123456789"

// faultConfig declares the asset the fault hits (victim), one that
// depends on it and one that does not. %s are the base URL, the response
// format and the victim's body.
const faultConfig = `seedform { output_dir = "out" }
provider "seedream" {
  base_url        = %q
  response_format = %q
  parallelism     = 4
}
image "bystander" {
  model  = "doubao-seedream-3-0-t2i-250415"
  prompt = "An independent image"
  size   = "512x512"
  path   = "bystander.jpeg"
}
image "dependent" {
  model      = "doubao-seedream-3-0-t2i-250415"
  prompt     = "Made after the victim"
  size       = "512x512"
  path       = "dependent.jpeg"
  depends_on = [%s]
}
%s
`

// The victim: one image, or a streamed set of two.
const (
	victimImage = `image "victim" {
  model  = "doubao-seedream-3-0-t2i-250415"
  prompt = "The victim"
  size   = "512x512"
  path   = "victim.jpeg"
}`
	victimSet = `image_set "victim" {
  model      = "doubao-seedream-4-0-250828"
  prompt     = "The victim, two panels"
  size       = "1K"
  max_images = 2
  stream     = true
  dir        = "victim"
}`
)

// faultRow is one fault and what seedform must make of it.
type faultRow struct {
	name   string
	fault  seedreamtest.Fault
	b64    bool // response_format b64_json instead of url
	set    bool // the victim is a streamed set of two
	victim string
	// requests is how many generation requests the victim may cost.
	requests int
	// images is how many images of the victim end up recorded.
	images int
	// errWant is in the victim's error; "" when it must succeed.
	errWant string
	// minElapsed is how long the victim must have waited (Retry-After).
	minElapsed time.Duration
	// next is the victim's action in the plan made after the apply.
	next pipeline.Action
}

// TestFaultMatrix runs a real apply (pipeline.Apply, provider.NewSeedream,
// the real client) against the fake server with each fault it can inject,
// and checks that the fault ends in a correct retry or a clear error
// naming the asset, that the lock matches the disk, that the independent
// asset is done and the dependent one skipped, and how many requests the
// victim cost.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	status := func(code int, retryAfter string) seedreamtest.Fault {
		return seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: code, RetryAfter: retryAfter}
	}
	kind := func(k seedreamtest.FaultKind) seedreamtest.Fault { return seedreamtest.Fault{Kind: k} }
	rows := []faultRow{
		{name: "429 with Retry-After", fault: status(429, "1"), requests: 2, images: 1, minElapsed: time.Second, next: pipeline.NoOp},
		{name: "429 without Retry-After", fault: status(429, ""), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "500", fault: status(500, ""), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "502", fault: status(502, ""), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "503", fault: status(503, ""), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "504", fault: status(504, ""), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "400 content filter", fault: seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 400, Code: "InputTextSensitiveContentDetected"},
			requests: 1, errWant: "InputTextSensitiveContentDetected", next: pipeline.Create},
		{name: "connection reset", fault: kind(seedreamtest.KindReset), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "hang", fault: kind(seedreamtest.KindHang), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "truncated body", fault: kind(seedreamtest.KindTruncate), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "truncated b64 body", fault: kind(seedreamtest.KindTruncate), b64: true, requests: 2, images: 1, next: pipeline.NoOp},
		{name: "invalid JSON", fault: kind(seedreamtest.KindInvalidJSON), requests: 1, errWant: "unusable answer", next: pipeline.Create},
		{name: "top-level error in a 200", fault: seedreamtest.Fault{Kind: seedreamtest.KindTopLevelError, Code: "InternalServiceError"},
			requests: 2, images: 1, next: pipeline.NoOp},
		{name: "corrupt base64", fault: kind(seedreamtest.KindCorruptBase64), b64: true, requests: 1, errWant: "unusable image", next: pipeline.Create},
		{name: "not an image (b64)", fault: kind(seedreamtest.KindNotAnImage), b64: true, requests: 1, errWant: "not an image", next: pipeline.Create},
		// A paid answer whose download is useless is dropped from staging,
		// so that the next apply generates the asset again.
		{name: "not an image (url)", fault: kind(seedreamtest.KindNotAnImage), requests: 1, errWant: "not an image", next: pipeline.Create},
		{name: "huge body (url)", fault: kind(seedreamtest.KindHugeBody), requests: 1, errWant: "too large", next: pipeline.Create},
		{name: "huge body (b64)", fault: kind(seedreamtest.KindHugeBody), b64: true, requests: 1, errWant: "larger than the limit", next: pipeline.Create},
		{name: "expired download URL", fault: kind(seedreamtest.KindExpiredURL), requests: 1, errWant: "HTTP 403", next: pipeline.Create},
		{name: "per-item error", fault: seedreamtest.Fault{Kind: seedreamtest.KindItemError, Index: 1}, set: true,
			requests: 1, images: 1, next: pipeline.NoOp},
		{name: "stream cut before completed", fault: kind(seedreamtest.KindStreamCut), set: true,
			requests: 1, images: 1, errWant: "stream ended before image_generation.completed", next: pipeline.NoOp},
		// Answers of any shape: the extra paid images are kept aside, and
		// nothing is paid for twice.
		{name: "extra images (url)", fault: kind(seedreamtest.KindExtraImages), requests: 1, images: 1, next: pipeline.NoOp},
		{name: "extra images (b64)", fault: kind(seedreamtest.KindExtraImages), b64: true, requests: 1, images: 1, next: pipeline.NoOp},
		{name: "extra images in a streamed set", fault: kind(seedreamtest.KindExtraImages), set: true, requests: 1, images: 2, next: pipeline.NoOp},
		{name: "duplicate images (b64)", fault: kind(seedreamtest.KindDuplicateImages), b64: true, requests: 1, images: 1, next: pipeline.NoOp},
		{name: "duplicate images in a streamed set", fault: kind(seedreamtest.KindDuplicateImages), set: true, requests: 1, images: 2, next: pipeline.NoOp},
		// Only whole images are recorded: a cut one is retried.
		{name: "download cut with no Content-Length", fault: kind(seedreamtest.KindDownloadCutNoLength), requests: 1, images: 1, next: pipeline.NoOp},
		{name: "half an image in b64_json", fault: kind(seedreamtest.KindTruncatedB64), b64: true, requests: 2, images: 1, next: pipeline.NoOp},
		// Paid images in odd answers are kept, not paid for again.
		{name: "images beside a top-level error", fault: kind(seedreamtest.KindDataWithError), requests: 1, images: 1,
			errWant: "InternalServiceError", next: pipeline.NoOp},
		{name: "a relay's string error", fault: kind(seedreamtest.KindStringError), requests: 2, images: 1, next: pipeline.NoOp},
		// A stream that crawls is waited for, not asked again.
		{name: "slow stream events", fault: seedreamtest.Fault{Kind: seedreamtest.KindSlowEvents, Delay: 100 * time.Millisecond}, set: true,
			requests: 1, images: 2, next: pipeline.NoOp},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			runFaultRow(t, row)
		})
	}
}

func runFaultRow(t *testing.T, row faultRow) {
	srv := seedreamtest.New()
	defer srv.Close()
	srv.SetAPIKey(faultAPIKey)
	row.fault.PromptContains = "The victim"
	srv.Inject(row.fault)

	dir := t.TempDir()
	format, victim, victimAddr := "url", victimImage, "image.victim"
	if row.b64 {
		format = "b64_json"
	}
	if row.set {
		victim, victimAddr = victimSet, "image_set.victim"
	}
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(faultConfig, srv.BaseURL(), format, victimAddr, victim))

	res := applyOnce(t, dir, faultClient(t, srv, format))
	got := resultsByAddr(res)

	// The independent asset is done whatever happened to the victim.
	if r := got["image.bystander"]; r.Err != nil || r.Skipped != "" {
		t.Errorf("image.bystander: %v %s, want done", r.Err, r.Skipped)
	}
	v := got[victimAddr]
	if v == nil {
		t.Fatalf("no result for %s", victimAddr)
	}
	if row.errWant == "" {
		if v.Err != nil {
			t.Errorf("%s: %v, want a successful retry", victimAddr, v.Err)
		}
	} else if v.Err == nil || !strings.Contains(v.Err.Error(), row.errWant) {
		t.Errorf("%s: error %v, want one saying %q", victimAddr, v.Err, row.errWant)
	}
	if v.Elapsed < row.minElapsed {
		t.Errorf("%s took %v, want at least %v (Retry-After)", victimAddr, v.Elapsed, row.minElapsed)
	}
	dep := got["image.dependent"]
	switch {
	case row.images == 0 && (dep.Skipped == "" || !strings.Contains(dep.Skipped, victimAddr)):
		t.Errorf("image.dependent: %q, want skipped naming %s", dep.Skipped, victimAddr)
	case row.images > 0 && row.errWant == "" && (dep.Err != nil || dep.Skipped != ""):
		t.Errorf("image.dependent: %v %s, want done", dep.Err, dep.Skipped)
	}

	if n := victimRequests(srv); n != row.requests {
		t.Errorf("the victim cost %d generation request(s), want %d", n, row.requests)
	}
	lock := checkLockMatchesDisk(t, dir)
	if e := lock.Assets[victimAddr]; len(outputsOf(e)) != row.images {
		t.Errorf("%s has %d recorded image(s), want %d", victimAddr, len(outputsOf(e)), row.images)
	}
	if row.set && row.fault.Kind == seedreamtest.KindItemError {
		if e := lock.Assets[victimAddr]; len(e.Failed) != 1 {
			t.Errorf("%s records failed slots %+v, want the one that failed", victimAddr, e.Failed)
		}
	}

	// What the next plan makes of the victim: done, or to be generated
	// again; never a recovery that cannot succeed.
	plan := makePlan(t, dir)
	if c := plan.Change(victimAddr); c == nil || c.Action != row.next {
		t.Errorf("next plan for %s: %+v, want %s", victimAddr, c, row.next)
	}
}

// faultClient is the real client with retries fast enough for a test and
// a short attempt time-out so that a hang is cut.
func faultClient(t *testing.T, srv *seedreamtest.Server, format string) *seedream.Client {
	t.Helper()
	c, err := seedream.NewClient(seedream.Config{
		BaseURL: srv.BaseURL(), APIKey: faultAPIKey, ResponseFormat: format,
		MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Timeout: 2 * time.Second, MaxImageBytes: 1 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func applyOnce(t *testing.T, dir string, client *seedream.Client) *pipeline.ApplyResult {
	t.Helper()
	ws, plan := openAndPlan(t, dir)
	providers := map[string]provider.Provider{}
	for _, p := range ws.Config.Providers {
		providers[p.Addr] = provider.NewSeedream(client)
	}
	res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: 4, Providers: providers, Hook: nopHook{},
	})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func loadConfig(t *testing.T, dir string) *spec.Config {
	t.Helper()
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return cfg
}

func makePlan(t *testing.T, dir string) *pipeline.Plan {
	t.Helper()
	_, plan := openAndPlan(t, dir)
	return plan
}

// openAndPlan opens dir's workspace and plans it, as apply does.
func openAndPlan(t *testing.T, dir string) (*pipeline.Workspace, *pipeline.Plan) {
	t.Helper()
	ws, err := pipeline.OpenWorkspace(loadConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	plan, diags := pipeline.MakePlan(ws, pipeline.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return ws, plan
}

func resultsByAddr(res *pipeline.ApplyResult) map[string]*pipeline.Result {
	out := map[string]*pipeline.Result{}
	for _, r := range res.Results {
		out[r.Addr] = r
	}
	return out
}

func victimRequests(srv *seedreamtest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if p, _ := r.Body["prompt"].(string); strings.Contains(p, "The victim") {
			n++
		}
	}
	return n
}

// decodesWhole decodes every pixel of the image file at name.
func decodesWhole(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, _, err = image.Decode(f)
	return err
}

func outputsOf(e *lockfile.Entry) []lockfile.Output {
	if e == nil {
		return nil
	}
	return e.Outputs
}

// checkLockMatchesDisk checks that the lock parses, that every recorded
// output is on disk with its sha256 and size, and that the output
// directory holds nothing else but the manifest.
func checkLockMatchesDisk(t *testing.T, dir string) *lockfile.Lock {
	t.Helper()
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatalf("the lock does not parse: %v", err)
	}
	out := filepath.Join(dir, "out")
	var want []string
	for addr, e := range lock.Assets {
		for _, o := range e.Outputs {
			want = append(want, o.Path)
			sum, size, err := lockfile.HashFile(filepath.Join(out, filepath.FromSlash(o.Path)))
			if err != nil || sum != o.SHA256 || size != o.Bytes {
				t.Errorf("%s: %s does not match the lock (%v)", addr, o.Path, err)
			}
			if err := decodesWhole(filepath.Join(out, filepath.FromSlash(o.Path))); err != nil {
				t.Errorf("%s: %s is recorded but is not a whole image: %v", addr, o.Path, err)
			}
		}
	}
	want = append(want, "manifest.json")
	var got []string
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files in the output directory (-recorded +on disk):\n%s", diff)
	}
	return lock
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type nopHook struct{}

func (nopHook) Started(*pipeline.Change)                              {}
func (nopHook) ImageReady(*pipeline.Change, int, int, int)            {}
func (nopHook) Finished(*pipeline.Change, *pipeline.Result)           {}
func (nopHook) Stopping()                                             {}
func (nopHook) Retrying(*pipeline.Change, int, time.Duration, string) {}
func (nopHook) Warning(string, string)                                {}
func (nopHook) DiskFull(*pipeline.Change, int, string, error)         {}
