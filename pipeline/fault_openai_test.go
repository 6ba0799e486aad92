package pipeline_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/openai/openaitest"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
)

// openaiFaultConfig is faultConfig on the openai provider. %s are the
// base URL, the dependency and the victim's block.
const openaiFaultConfig = `seedform { output_dir = "out" }
provider "openai" {
  base_url    = %q
  parallelism = 4
}
image "bystander" {
  provider = openai
  model    = "gpt-image-1-mini"
  prompt   = "An independent image"
  size     = "1024x1024"
  quality  = "low"
  path     = "bystander.png"
}
image "dependent" {
  provider   = openai
  model      = "gpt-image-1-mini"
  prompt     = "Made after the victim"
  size       = "1024x1024"
  path       = "dependent.png"
  depends_on = [%s]
}
%s
`

const (
	openaiVictimImage = `image "victim" {
  provider = openai
  model    = "gpt-image-1"
  prompt   = "The victim"
  size     = "1024x1024"
  path     = "victim.png"
}`
	openaiVictimSet = `image_set "victim" {
  provider   = openai
  model      = "gpt-image-1"
  prompt     = "The victim, two panels"
  size       = "1024x1024"
  max_images = 2
  dir        = "victim"
}`
	openaiVictimURL = `image "victim" {
  provider        = openai
  model           = "dall-e-3"
  prompt          = "The victim"
  response_format = "url"
  path            = "victim.png"
}`
)

type openaiFaultRow struct {
	name       string
	fault      openaitest.Fault
	victim     string
	requests   int
	images     int
	errWant    string
	minElapsed time.Duration
	next       pipeline.Action
}

// TestFaultMatrixOpenAI is TestFaultMatrix against the OpenAI fake: the
// same guarantees (a correct retry or a clear error naming the asset, the
// lock matching the disk, the bystander done and the dependent skipped,
// the paid answer kept or asked again) for the other provider.
func TestFaultMatrixOpenAI(t *testing.T) {
	t.Parallel()
	status := func(code int, c string, retryAfter time.Duration) openaitest.Fault {
		return openaitest.Fault{Kind: openaitest.KindStatus, Status: code, Code: c, RetryAfter: retryAfter}
	}
	kind := func(k openaitest.FaultKind) openaitest.Fault { return openaitest.Fault{Kind: k} }
	rows := []openaiFaultRow{
		{name: "429 with Retry-After", fault: status(429, "", time.Second), requests: 2, images: 1, minElapsed: time.Second, next: pipeline.NoOp},
		{name: "429 without Retry-After", fault: status(429, "", 0), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "429 quota spent", fault: status(429, "insufficient_quota", 0), requests: 1, errWant: "insufficient_quota", next: pipeline.Create},
		{name: "500", fault: status(500, "", 0), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "503", fault: status(503, "", 0), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "400 moderation", fault: status(400, "moderation_blocked", 0), requests: 1, errWant: "moderation_blocked", next: pipeline.Create},
		{name: "connection reset", fault: kind(openaitest.KindReset), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "hang", fault: kind(openaitest.KindHang), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "truncated body", fault: kind(openaitest.KindTruncate), requests: 2, images: 1, next: pipeline.NoOp},
		{name: "invalid JSON", fault: kind(openaitest.KindInvalidJSON), requests: 1, errWant: "reading the answer", next: pipeline.Create},
		{name: "corrupt base64", fault: kind(openaitest.KindCorruptBase64), requests: 1, errWant: "every image failed", next: pipeline.Create},
		{name: "not an image", fault: kind(openaitest.KindNotAnImage), requests: 1, errWant: "not an image", next: pipeline.Create},
		{name: "wrong size", fault: kind(openaitest.KindWrongSize), requests: 1, errWant: "was asked for", next: pipeline.Create},
		{name: "one slot of a set corrupt", fault: openaitest.Fault{Kind: openaitest.KindCorruptBase64, Index: 1}, victim: openaiVictimSet,
			requests: 1, images: 1, next: pipeline.NoOp},
		{name: "url download 503 is retried", fault: openaitest.Fault{Kind: openaitest.KindDownloadStatus, Status: 503, Times: 2},
			victim: openaiVictimURL, requests: 1, images: 1, next: pipeline.NoOp},
		{name: "url download refused for good", fault: openaitest.Fault{Kind: openaitest.KindDownloadStatus, Status: 404, Times: 9},
			victim: openaiVictimURL, requests: 1, errWant: "HTTP 404", next: pipeline.Create},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			runOpenAIFaultRow(t, row)
		})
	}
}

func runOpenAIFaultRow(t *testing.T, row openaiFaultRow) {
	srv := openaitest.New()
	defer srv.Close()
	srv.SetAPIKey(faultAPIKey)
	row.fault.PromptContains = "The victim"
	srv.Inject(row.fault)
	if row.victim == "" {
		row.victim = openaiVictimImage
	}
	victimAddr := "image.victim"
	if strings.HasPrefix(row.victim, "image_set") {
		victimAddr = "image_set.victim"
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(openaiFaultConfig, srv.BaseURL(), victimAddr, row.victim))

	ws, plan := openAndPlan(t, dir)
	client, err := openai.NewClient(openai.Config{BaseURL: srv.BaseURL(), APIKey: faultAPIKey, MaxRetries: 2,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 5 * time.Second, MaxImageBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: 4, Providers: map[string]provider.Provider{"openai": provider.NewOpenAI(client)}, Hook: nopHook{},
	})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	got := resultsByAddr(res)
	if r := got["image.bystander"]; r.Err != nil || r.Skipped != "" {
		t.Errorf("image.bystander: %v %s, want done", r.Err, r.Skipped)
	}
	v := got[victimAddr]
	if row.errWant == "" && v.Err != nil {
		t.Errorf("%s: %v, want success", victimAddr, v.Err)
	}
	if row.errWant != "" && (v.Err == nil || !strings.Contains(v.Err.Error(), row.errWant) || !strings.Contains(v.Err.Error()+victimAddr, victimAddr)) {
		t.Errorf("%s: error %v, want one saying %q", victimAddr, v.Err, row.errWant)
	}
	if v.Err != nil && strings.Contains(v.Err.Error(), faultAPIKey) {
		t.Errorf("the error holds the API key: %v", v.Err)
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
	n := 0
	for _, r := range srv.Requests() {
		if p, _ := r.Body["prompt"].(string); strings.Contains(p, "The victim") {
			n++
		}
	}
	if n != row.requests {
		t.Errorf("the victim cost %d request(s), want %d", n, row.requests)
	}
	lock := checkLockMatchesDisk(t, dir)
	if e := lock.Assets[victimAddr]; len(outputsOf(e)) != row.images {
		t.Errorf("%s has %d recorded image(s), want %d", victimAddr, len(outputsOf(e)), row.images)
	}
	if c := makePlan(t, dir).Change(victimAddr); c == nil || c.Action != row.next {
		t.Errorf("next plan for %s: %+v, want %s", victimAddr, c, row.next)
	}
}
