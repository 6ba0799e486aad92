package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the fake serves JPEGs; the check decodes their headers
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/openai/openaitest"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// The crash test's shape: enough assets and latency that the kills land
// all over an apply, small enough to stay well under two minutes with
// -race on two cores.
const (
	crashKills       = 24
	crashParallelism = 6
	crashLatency     = 120 * time.Millisecond
	// crashDownloadStall is how long the proxy holds a download halfway,
	// so that a kill can land in the middle of one.
	crashDownloadStall = 40 * time.Millisecond
	// crashSlowEvent is the wait before each event of the streams that
	// crawl (seedreamtest.KindSlowEvents).
	crashSlowEvent = 150 * time.Millisecond
)

// crashBlocks are the assets, by the shape of the answer they get: url
// images, b64_json images, streamed b64_json images, streamed url sets
// and b64_json sets (two images each). The block name is the shape.
var crashBlocks = []struct {
	name, kind, provider, model, size string
	count, maxImages                  int
	stream                            bool
}{
	{"url", "image", "seedream", "doubao-seedream-3-0-t2i-250415", "512x512", 10, 0, false},
	{"b64", "image", "seedream.b64", "doubao-seedream-3-0-t2i-250415", "512x512", 10, 0, false},
	{"stream", "image", "seedream.b64", "doubao-seedream-4-0-250828", "960x960", 8, 0, true},
	{"set", "image_set", "seedream", "doubao-seedream-4-0-250828", "960x960", 10, 2, true},
	{"bset", "image_set", "seedream.b64", "doubao-seedream-4-0-250828", "960x960", 10, 2, false},
}

// crashAssets is how many assets crashBlocks declare.
var crashAssets = func() int {
	n := 0
	for _, b := range crashBlocks {
		n += b.count
	}
	return n
}()

// crashShapes groups the blocks as the issue names the answers: url,
// b64_json, streamed and set.
var crashShapes = map[string]string{"url": "url", "b64": "b64_json", "stream": "streamed", "set": "set", "bset": "set"}

// crashMoment is what a round waits for before it sends SIGKILL.
type crashMoment int

const (
	momentRequestSent   crashMoment = iota // a generation request has just reached the server
	momentDownloading                      // a download is half sent
	momentAnswered                         // the server has just sent an answer
	momentFileWritten                      // an image has just appeared in the output directory
	momentBetweenImages                    // a stream has just sent an image event
	momentAnywhere                         // a random instant
)

var momentNames = []string{"request sent", "mid-download", "just answered", "file written", "between stream images", "anywhere"}

// TestCrashKillAnywhere is the crash-safety proof: it applies 48 assets
// of every answer shape (url and b64_json images, streamed images,
// streamed and plain sets) against the fake server and SIGKILLs seedform
// at 24 moments spread over the run (a request in flight, a download half
// received, an answer just received, an image just renamed into place, a
// stream between two images, random instants). After each kill, with no
// exception: the lock and manifest parse, every file the lock names holds
// the sha256 it records, every image in the output folder is whole and
// recorded or a staged answer's, and nothing outside the config directory
// changed. The next run finishes staged answers with no new request; the
// last leaves staging empty. Over the whole test the requests sent stay
// within the asset generations plus the requests whose answers were not
// saved when a kill came.
//
// It runs once per provider, against each one's fake: the guarantees are
// the same whichever API an asset uses. The Seedream run covers every
// answer shape; the OpenAI run, images of one shape.
func TestCrashKillAnywhere(t *testing.T) {
	bin, err := exec.LookPath("seedform")
	if err != nil {
		t.Fatalf("the seedform command is not on PATH (TestMain installs it): %v", err)
	}
	for _, b := range []func() *crashBackend{seedreamBackend, openaiBackend} {
		be := b()
		t.Run(be.name, func(t *testing.T) {
			defer be.close()
			crashKillAnywhere(t, bin, be)
		})
	}
}

// crashBackend is one provider's fake as the crash test drives it.
type crashBackend struct {
	name string
	// root is the fake's URL without the API path; apiPath is that path.
	root, apiPath string
	// count and prompts are the generation requests received.
	count   func() int
	prompts func() []string
	close   func()
	// config is the configuration of the crashAssets assets, given the
	// base URL; every block's prompt is "<block> <index>, epoch <epoch>".
	config func(baseURL string) string
	// moments are the kill moments that can happen: a b64 answer has no
	// download to kill in the middle of, a plain answer no stream.
	moments []crashMoment
	kills   int
	// shapes says the assets cover crashShapes, each of which must be
	// caught in flight by kills.
	shapes bool
}

func promptsOf(bodies []map[string]any) []string {
	var out []string
	for _, b := range bodies {
		p, _ := b["prompt"].(string)
		out = append(out, p)
	}
	return out
}

func seedreamBackend() *crashBackend {
	srv := seedreamtest.New()
	srv.SetAPIKey(testAPIKey)
	srv.SetLatency(crashLatency)
	// Some streams crawl (issue 11: slow stream events), so that kills
	// land while an image of them is in and the next one is on its way.
	for _, shape := range []string{"stream ", "set "} {
		srv.Inject(seedreamtest.Fault{Kind: seedreamtest.KindSlowEvents, Delay: crashSlowEvent, Times: 6, PromptContains: shape})
	}
	return &crashBackend{name: "seedream", root: srv.URL(), apiPath: "/api/v3", count: srv.Count, close: srv.Close,
		prompts: func() []string {
			var bodies []map[string]any
			for _, r := range srv.Requests() {
				bodies = append(bodies, r.Body)
			}
			return promptsOf(bodies)
		},
		config:  seedreamCrashConfig,
		moments: []crashMoment{momentRequestSent, momentDownloading, momentAnswered, momentFileWritten, momentBetweenImages, momentAnywhere},
		kills:   crashKills,
		shapes:  true,
	}
}

func openaiBackend() *crashBackend {
	srv := openaitest.New()
	srv.SetAPIKey(testAPIKey)
	srv.SetLatency(crashLatency)
	return &crashBackend{name: "openai", root: srv.URL(), apiPath: "/v1", count: srv.Count, close: srv.Close,
		prompts: func() []string {
			var bodies []map[string]any
			for _, r := range srv.Requests() {
				bodies = append(bodies, r.Body)
			}
			return promptsOf(bodies)
		},
		config: func(baseURL string) string {
			return fmt.Sprintf(`seedform { output_dir = "assets" }
variable "epoch" {
  type    = number
  default = 1
}
provider "openai" {
  base_url    = %q
  parallelism = %d
  max_retries = 2
}
image "tile" {
  count   = %d
  model   = "gpt-image-1-mini"
  size    = "1024x1024"
  quality = "low"
  prompt  = "tile ${count.index}, epoch ${var.epoch}"
  path    = "tiles/${count.index}.png"
}
`, baseURL, crashParallelism, crashAssets)
		},
		moments: []crashMoment{momentRequestSent, momentAnswered, momentFileWritten, momentAnywhere},
		kills:   20,
	}
}

func crashKillAnywhere(t *testing.T, bin string, be *crashBackend) {
	px := newCrashProxy(be.root)
	defer px.Close()

	// The config directory has a neighbour that no run may touch.
	root := t.TempDir()
	dir := filepath.Join(root, "config")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFileT(t, filepath.Join(root, "outside", "keep.jpeg"), "not seedform's")
	writeFileT(t, filepath.Join(dir, "main.sf.hcl"), be.config(px.URL()+be.apiPath))
	c := &crashRun{t: t, bin: bin, dir: dir, root: root, px: px, be: be, epoch: 1,
		rng: rand.New(rand.NewPCG(20250906, 1)), whole: map[string]bool{}}
	c.outside = c.outsideStamp()

	start := time.Now()
	var lost, serverInFlight, budget int
	budget = crashAssets
	moments := map[string]int{}
	shapes := map[string]int{} // kills that caught a request of each shape in flight
	kills, rounds := 0, 0
	for kills < be.kills {
		if rounds++; rounds > 3*be.kills {
			t.Fatalf("only %d kills landed in %d rounds", kills, rounds)
		}
		if c.campaignKills == be.kills/2 {
			// Half the kills land on first generations: finish them, so
			// that the other half land on regenerations, which replace
			// files the lock names.
			if out, err := c.command("apply", "-auto-approve", "-no-color", "-parallelism="+strconv.Itoa(crashParallelism)); err != nil {
				t.Fatalf("the apply finishing epoch %d failed: %v\n%s", c.epoch, err, out)
			}
			c.checkInvariants()
		}
		if c.recorded() == crashAssets {
			// Everything is done: regenerate the lot (a changed prompt) so
			// that the remaining kills have work to interrupt.
			c.epoch++
			c.campaignKills = 0
			budget += crashAssets
		}
		// Spread the kills over the run, stopping short of its end so that
		// there are still requests and downloads to catch.
		target := c.campaignKills * (crashAssets - crashParallelism) / (be.kills / 2)
		moment := be.moments[kills%len(be.moments)]
		r := c.killRound(target, moment)
		if !r.killed {
			continue
		}
		kills++
		c.campaignKills++
		moments[momentNames[moment]]++
		for _, shape := range r.shapes {
			shapes[shape]++
		}
		lost += r.lost
		serverInFlight += r.serverInFlight
		t.Logf("kill %2d (%s, after %d recorded, in flight: %v): %d request(s) this round, %d answer(s) not saved (%d of them unanswered by the server), %d staged for recovery",
			kills, momentNames[moment], target, r.shapes, r.requests, r.lost, r.serverInFlight, r.staged)
	}

	// A last, uninterrupted run finishes everything.
	out, err := c.command("apply", "-auto-approve", "-no-color", "-parallelism="+strconv.Itoa(crashParallelism))
	if err != nil {
		t.Fatalf("the final apply failed: %v\n%s", err, out)
	}
	c.checkInvariants()
	c.checkNoRepeatPayment()
	if out, err := c.command("plan", "-detailed-exitcode", "-no-color"); err != nil {
		t.Fatalf("plan after the final apply shows changes or failed: %v\n%s", err, out)
	}
	c.checkClean()
	if got := c.recorded(); got != crashAssets {
		t.Fatalf("%d assets recorded after the final apply, want %d", got, crashAssets)
	}

	total := be.count()
	t.Logf("crash figure: %d kills (by moment %v; with in flight %v) in %v; %d generation requests for %d asset generations; %d answers not saved at the kills (%d of them not yet answered by the server); bound %d",
		kills, moments, shapes, time.Since(start).Round(time.Millisecond), total, budget, lost, serverInFlight, budget+lost)
	if total > budget+lost {
		t.Errorf("%d generation requests, more than %d asset generations plus %d answers lost to kills: something was paid for twice", total, budget, lost)
	}
	for _, shape := range []string{"url", "b64_json", "streamed", "set"} {
		if be.shapes && shapes[shape] < 2 {
			t.Errorf("only %d kill(s) caught a %s answer in flight, want at least 2", shapes[shape], shape)
		}
	}
}

func writeFileT(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// crashRun is the state of TestCrashKillAnywhere between rounds.
type crashRun struct {
	t             *testing.T
	bin, dir      string
	root          string          // the config directory's parent
	outside       string          // what root held besides the config directory, at the start
	whole         map[string]bool // sha256 of images already decoded whole
	px            *crashProxy
	be            *crashBackend
	rng           *rand.Rand
	epoch         int // bumped to regenerate everything
	campaignKills int // kills since the epoch changed

	// savedAt maps an asset's prompt to the request count at the moment
	// its answer was known saved (staged or recorded): no request for that
	// prompt may come later.
	savedAt map[string]int
}

// roundResult is what one kill round did.
type roundResult struct {
	killed         bool
	shapes         []string // the answer shapes of the requests in flight at the kill
	requests       int      // generation requests the round sent
	lost           int      // of those, the ones whose answers were not saved at the kill
	serverInFlight int      // of those, the ones the server had not finished answering
	staged         int      // answers waiting in staging after the kill
}

// killRound starts an apply, waits until target assets of the current
// epoch are recorded and then for moment, and SIGKILLs it.
func (c *crashRun) killRound(target int, moment crashMoment) roundResult {
	t := c.t
	savedBefore := c.saved()
	before := c.px.Stats()
	cmd := exec.Command(c.bin, "apply", "-auto-approve", "-no-color", "-parallelism="+strconv.Itoa(crashParallelism), "-var", "epoch="+strconv.Itoa(c.epoch))
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "ARK_API_KEY="+testAPIKey, "OPENAI_API_KEY="+testAPIKey)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	fired := c.waitFor(target, moment, exited)
	var res roundResult
	var answeredAtKill int
	if fired {
		answeredAtKill = c.px.Stats().answered
		res.shapes = c.px.InFlightShapes()
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
	}
	err := <-exited
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		res.killed = true
	case err != nil:
		t.Fatalf("apply failed on its own: %v\n%s", err, out.String())
	}
	c.checkInvariants()
	if !res.killed {
		return res
	}
	st := c.px.Stats()
	// Per round: a request killed in an earlier round is never answered.
	res.requests = st.started - before.started
	res.serverInFlight = res.requests - (answeredAtKill - before.answered)
	savedAfter := c.saved()
	newlySaved := 0
	for p := range savedAfter {
		if !savedBefore[p] {
			newlySaved++
		}
	}
	res.lost = res.requests - newlySaved
	res.staged = len(c.stagedAnswers())
	// At a kill, at most crashParallelism requests are in flight; and since
	// a request's slot is freed as soon as its answer is in, before the
	// answer is journaled, as many answers may be in hand and not yet
	// journaled (seen with the OpenAI fake on a loaded machine: 7 lost).
	if res.lost < 0 || res.lost > 2*crashParallelism {
		all := c.be.prompts()
		t.Fatalf("round sent %d request(s) and saved %d new answer(s): the accounting is off\nthis round's prompts: %q\nsaved before: %d, after: %d",
			res.requests, newlySaved, all[max(0, len(all)-res.requests):], len(savedBefore), len(savedAfter))
	}
	// A stream's answer is saved with its first image, before the server
	// has finished it: unanswered requests may be saved ones.
	if res.serverInFlight > res.requests {
		t.Fatalf("%d request(s) unanswered by the server of %d sent", res.serverInFlight, res.requests)
	}
	if c.savedAt == nil {
		c.savedAt = map[string]int{}
	}
	count := c.be.count()
	for p := range savedAfter {
		if _, ok := c.savedAt[p]; !ok {
			c.savedAt[p] = count
		}
	}
	c.checkNoRepeatPayment()
	return res
}

// waitFor waits until target assets are recorded, then for moment. It
// returns false if the apply exited first.
func (c *crashRun) waitFor(target int, moment crashMoment, exited chan error) bool {
	deadline := time.Now().Add(60 * time.Second)
	poll := func(cond func() bool) bool {
		for !cond() {
			select {
			case err := <-exited:
				exited <- err // for the caller, which waits on it too
				return false
			default:
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("waited a minute for a kill moment")
			}
			time.Sleep(time.Millisecond)
		}
		return true
	}
	if !poll(func() bool { return c.recorded() >= target }) {
		return false
	}
	armed := c.px.Stats()
	switch moment {
	case momentRequestSent:
		return poll(func() bool { return c.px.Stats().started > armed.started })
	case momentDownloading:
		if !poll(func() bool { return c.px.Stats().downloadsStarted > armed.downloadsStarted }) {
			return false
		}
		time.Sleep(crashDownloadStall / 4)
		return true
	case momentAnswered:
		return poll(func() bool { return c.px.Stats().answered > armed.answered })
	case momentFileWritten:
		before := c.outputStamps()
		return poll(func() bool {
			now := c.outputStamps()
			for name, stamp := range now {
				if before[name] != stamp {
					return true
				}
			}
			return false
		})
	case momentBetweenImages:
		if !poll(func() bool { return c.px.Stats().events > armed.events }) {
			return false
		}
		// Long enough for the image to be journaled, short of the next.
		time.Sleep(crashLatency / 4)
		return true
	default:
		wait := time.Duration(c.rng.Int64N(int64(3 * crashLatency)))
		return poll(func() bool { return time.Since(armed.at) >= wait })
	}
}

// command runs seedform in the config directory to completion.
func (c *crashRun) command(args ...string) (string, error) {
	args = append(args, "-var", "epoch="+strconv.Itoa(c.epoch))
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "ARK_API_KEY="+testAPIKey, "OPENAI_API_KEY="+testAPIKey)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// crashPrompt is the prompt of the asset at addr in epoch, as the config
// writes it: "url 3, epoch 2" for image.url[3].
func crashPrompt(t *testing.T, addr string, epoch int) string {
	_, rest, _ := strings.Cut(addr, ".")
	name, index, ok := strings.Cut(strings.TrimSuffix(rest, "]"), "[")
	if !ok {
		t.Fatalf("unexpected address %q in the lock", addr)
	}
	return fmt.Sprintf("%s %s, epoch %d", name, index, epoch)
}

// seedreamCrashConfig declares crashBlocks: two provider instances, one
// answering url, the other b64_json.
func seedreamCrashConfig(baseURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `seedform { output_dir = "assets" }
variable "epoch" {
  type    = number
  default = 1
}
provider "seedream" {
  base_url    = %q
  parallelism = %d
  max_retries = 2
}
provider "seedream" {
  alias           = "b64"
  base_url        = %q
  parallelism     = %d
  max_retries     = 2
  response_format = "b64_json"
}
`, baseURL, crashParallelism, baseURL, crashParallelism)
	for _, blk := range crashBlocks {
		fmt.Fprintf(&b, "%s %q {\n  count    = %d\n  provider = %s\n  model    = %q\n  size     = %q\n", blk.kind, blk.name, blk.count, blk.provider, blk.model, blk.size)
		fmt.Fprintf(&b, "  prompt   = \"%s ${count.index}, epoch ${var.epoch}\"\n", blk.name)
		if blk.stream {
			b.WriteString("  stream   = true\n")
		}
		if blk.kind == "image_set" {
			fmt.Fprintf(&b, "  max_images = %d\n  dir      = \"%s/${count.index}\"\n", blk.maxImages, blk.name)
		} else {
			fmt.Fprintf(&b, "  path     = \"%s/${count.index}.jpeg\"\n", blk.name)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// lock is what seedform knows is recorded: the lock file, which must
// parse, with the journal of finished entries an interrupted apply left
// replayed onto it. While an apply runs, the lock may be rewritten (and
// the journal restarted) between reading one and the other: a pair read
// across such a write is read again.
func (c *crashRun) lock() *lockfile.Lock {
	name := filepath.Join(c.dir, lockfile.FileName)
	journal := filepath.Join(c.dir, pipeline.StateDirName, lockfile.JournalName)
	for attempt := 0; ; attempt++ {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			data = nil
		} else if err != nil {
			c.t.Fatal(err)
		}
		l, digest := lockfile.NewLock(), ""
		if data != nil {
			if l, err = lockfile.ParseLock(name, data); err != nil {
				c.t.Fatalf("the lock does not parse: %v", err)
			}
			sum := sha256.Sum256(data)
			digest = "sha256:" + hex.EncodeToString(sum[:])
		}
		_, err = lockfile.ReplayJournal(journal, digest, l, lockfile.NewManifest())
		if after, _ := os.ReadFile(name); !bytes.Equal(after, data) && attempt < 100 {
			continue // rewritten meanwhile
		}
		if err != nil {
			c.t.Fatalf("the journal of finished entries: %v", err)
		}
		return l
	}
}

// recorded counts the assets recorded from the current epoch's prompts.
func (c *crashRun) recorded() int {
	n := 0
	for addr, e := range c.lock().Assets {
		if recordedPrompt(e) == crashPrompt(c.t, addr, c.epoch) {
			n++
		}
	}
	return n
}

// stagedAnswers reads the journal of paid answers, by address.
func (c *crashRun) stagedAnswers() map[string]*pipeline.StagedAnswer {
	out := map[string]*pipeline.StagedAnswer{}
	dirs, _ := filepath.Glob(filepath.Join(c.dir, pipeline.StateDirName, "staging", "*", "answer.json"))
	for _, name := range dirs {
		// A kill while the first record was being written leaves none:
		// that answer was not saved.
		ans, err := pipeline.ReadJournal(name)
		if err == nil && len(ans.Items) > 0 {
			out[ans.Addr] = ans
		}
	}
	return out
}

// saved is the set of current-epoch prompts whose answers are recorded or
// staged: paid for and safe.
func (c *crashRun) saved() map[string]bool {
	out := map[string]bool{}
	for addr, e := range c.lock().Assets {
		if p := crashPrompt(c.t, addr, c.epoch); recordedPrompt(e) == p {
			out[p] = true
		}
	}
	for addr := range c.stagedAnswers() {
		out[crashPrompt(c.t, addr, c.epoch)] = true
	}
	return out
}

// checkNoRepeatPayment fails if a prompt was requested after its answer
// was saved.
func (c *crashRun) checkNoRepeatPayment() {
	for i, p := range c.be.prompts() {
		if at, ok := c.savedAt[p]; ok && i >= at {
			c.t.Fatalf("request %d asks again for %q, whose paid answer was saved before request %d", i, p, at)
		}
	}
}

// outputStamps lists the output directory's files with size and mtime.
func (c *crashRun) outputStamps() map[string]string {
	out := map[string]string{}
	filepath.WalkDir(filepath.Join(c.dir, "assets"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			out[p] = fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())
		}
		return nil
	})
	return out
}

// checkInvariants checks what must hold after any kill, with no
// exception: the lock (with its journal of finished entries) and the
// manifest parse; every file the lock names holds the sha256 it records;
// every image in the output directory is whole and either recorded, a
// staged answer's, or a previous generation's a staged answer is about
// to replace; anything else is a temp file of an atomic write; and
// nothing outside the config directory changed.
func (c *crashRun) checkInvariants() {
	t := c.t
	lock := c.lock()
	out := filepath.Join(c.dir, "assets")
	if _, err := lockfile.ReadManifest(filepath.Join(out, "manifest.json")); err != nil {
		t.Fatalf("the manifest does not parse: %v", err)
	}
	staged := map[string]bool{} // sha256 of images a staged answer holds or replaces
	for _, ans := range c.stagedAnswers() {
		for _, it := range ans.Items {
			if it.SHA256 != "" {
				staged[it.SHA256] = true
			}
		}
		for _, f := range ans.Replaces {
			staged[f.SHA256] = true
		}
	}
	recorded := map[string]string{} // file -> sha256
	for addr, e := range lock.Assets {
		for _, o := range e.Outputs {
			name := filepath.Join(out, filepath.FromSlash(o.Path))
			recorded[name] = o.SHA256
			sum, size, err := lockfile.HashFile(name)
			if err != nil || sum != o.SHA256 || size != o.Bytes {
				t.Fatalf("the lock lies: %s names %s with sha256 %.12s, the file has %.12s (%v)", addr, o.Path, o.SHA256, sum, err)
			}
		}
	}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "manifest.json" {
			return err
		}
		if isAtomicTemp(p) {
			return nil
		}
		sum, _, err := lockfile.HashFile(p)
		if err != nil {
			return err
		}
		if recorded[p] != sum && !staged[sum] {
			return fmt.Errorf("%s is neither recorded nor a staged answer's image", p)
		}
		if c.whole[sum] {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, _, err := image.Decode(f); err != nil {
			return fmt.Errorf("%s is not a whole image: %w", p, err)
		}
		c.whole[sum] = true
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if now := c.outsideStamp(); now != c.outside {
		t.Fatalf("something outside the config directory changed:\nbefore %s\nafter  %s", c.outside, now)
	}
}

// outsideStamp lists every file under the config directory's parent,
// except the config directory itself, with its size, mode and content hash.
func (c *crashRun) outsideStamp() string {
	var b strings.Builder
	filepath.WalkDir(c.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == c.dir {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		sum := ""
		if fi.Mode().IsRegular() {
			sum, _, _ = lockfile.HashFile(p)
		}
		fmt.Fprintf(&b, "%s %v %d %.12s; ", p, fi.Mode(), fi.Size(), sum)
		return nil
	})
	return b.String()
}

// isAtomicTemp reports whether name is a temp file of lockfile.WriteFile.
func isAtomicTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-")
}

// checkClean fails if a finished run left staging or a temp file behind.
func (c *crashRun) checkClean() {
	ents, _ := os.ReadDir(filepath.Join(c.dir, pipeline.StateDirName, "staging"))
	for _, e := range ents {
		c.t.Errorf("staging not cleaned after a complete run: %s", e.Name())
	}
	filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && isAtomicTemp(p) {
			c.t.Errorf("temp file left behind after a complete run: %s", p)
		}
		return nil
	})
}

// crashProxy stands between seedform and the fake server. It counts the
// generation requests it forwards, the answers it has finished sending and
// the stream events it has passed on, knows the shape of each request in
// flight, points the answers' download URLs at itself, passes answers on
// line by line as they come (a stream keeps its pace), and holds each
// download halfway for a moment, so that a kill can land in the middle of
// one.
type crashProxy struct {
	// upstream is the fake server's root URL.
	upstream string
	hs       *httptest.Server
	client   *http.Client

	mu       sync.Mutex
	stats    proxyStats
	inFlight map[*http.Request]string // generation requests by answer shape
}

type proxyStats struct {
	at                         time.Time
	started, answered          int // generation requests
	events                     int // stream image events passed on
	downloadsStarted, finished int // downloads
}

func newCrashProxy(upstream string) *crashProxy {
	p := &crashProxy{upstream: upstream, client: &http.Client{}, inFlight: map[*http.Request]string{}}
	p.hs = httptest.NewServer(p)
	return p
}

func (p *crashProxy) URL() string { return p.hs.URL }

func (p *crashProxy) Close() {
	p.hs.CloseClientConnections()
	p.hs.Close()
}

func (p *crashProxy) Stats() proxyStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.at = time.Now()
	return s
}

// InFlightShapes lists the answer shapes of the generation requests not
// yet answered in full, once each.
func (p *crashProxy) InFlightShapes() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, shape := range p.inFlight {
		if shape != "" && !slices.Contains(out, shape) {
			out = append(out, shape)
		}
	}
	slices.Sort(out)
	return out
}

func (p *crashProxy) count(f func(*proxyStats)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.stats)
}

// shapeOf is the answer shape a generation request's prompt ("set 3,
// epoch 1") names by its block.
func shapeOf(body []byte) string {
	var req struct{ Prompt string }
	json.Unmarshal(body, &req)
	name, _, _ := strings.Cut(req.Prompt, " ")
	return crashShapes[name]
}

func (p *crashProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	generation := strings.HasSuffix(r.URL.Path, "/images/generations") || strings.HasSuffix(r.URL.Path, "/images/edits")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if generation {
		p.mu.Lock()
		p.stats.started++
		p.inFlight[r] = shapeOf(body)
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			delete(p.inFlight, r)
			p.mu.Unlock()
		}()
	} else {
		p.count(func(s *proxyStats) { s.downloadsStarted++ })
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header = r.Header.Clone()
	resp, err := p.client.Do(req)
	if err != nil {
		panic(http.ErrAbortHandler) // seedform was killed: drop the connection
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = slices.Clone(v)
	}
	if generation {
		p.relay(w, resp)
		return
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(resp.StatusCode)
	half := len(data) / 2
	w.Write(data[:half])
	http.NewResponseController(w).Flush()
	select {
	case <-time.After(crashDownloadStall):
	case <-r.Context().Done():
		return
	}
	if _, err := w.Write(data[half:]); err == nil {
		p.count(func(s *proxyStats) { s.finished++ })
	}
}

// relay passes a generation answer on line by line, with its download
// URLs pointed at the proxy, flushing after each line so that a stream's
// events arrive when the server sends them.
func (p *crashProxy) relay(w http.ResponseWriter, resp *http.Response) {
	w.Header().Del("Content-Length") // the URLs change length
	w.WriteHeader(resp.StatusCode)
	flush := http.NewResponseController(w)
	rd := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := rd.ReadBytes('\n')
		if len(line) > 0 {
			line = bytes.ReplaceAll(line, []byte(p.upstream), []byte(p.hs.URL))
			if _, werr := w.Write(line); werr != nil {
				return
			}
			flush.Flush()
			if bytes.HasPrefix(line, []byte("event: image_generation.partial_succeeded")) {
				p.count(func(s *proxyStats) { s.events++ })
			}
		}
		if err == io.EOF {
			p.count(func(s *proxyStats) { s.answered++ })
			return
		}
		if err != nil {
			panic(http.ErrAbortHandler)
		}
	}
}

// recordedPrompt is the prompt a lock entry's request holds.
func recordedPrompt(e *lockfile.Entry) string {
	prompt, _ := e.Spec.String("prompt")
	return prompt
}
