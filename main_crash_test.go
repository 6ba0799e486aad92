package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
	crashAssets      = 48
	crashKills       = 20
	crashParallelism = 6
	crashLatency     = 120 * time.Millisecond
	// crashDownloadStall is how long the proxy holds a download halfway,
	// so that a kill can land in the middle of one.
	crashDownloadStall = 40 * time.Millisecond
)

// crashMoment is what a round waits for before it sends SIGKILL.
type crashMoment int

const (
	momentRequestSent crashMoment = iota // a generation request has just reached the server
	momentDownloading                    // a download is half sent
	momentAnswered                       // the server has just sent an answer
	momentFileWritten                    // an image has just appeared in the output directory
	momentAnywhere                       // a random instant
)

var momentNames = []string{"request sent", "mid-download", "just answered", "file written", "anywhere"}

// TestCrashKillAnywhere is the crash-safety proof: it applies 48 assets
// against the fake server and SIGKILLs seedform at 20 moments spread over
// the run (a request in flight, a download half received, an answer just
// received, an image just renamed into place, random instants). After each
// kill the lock and manifest parse, every recorded output is on disk with
// its sha256, no image is half-written and any other file is a paid answer
// waiting in staging. The next run recovers staged answers with no new
// request. Over the whole test the requests sent stay within the assets
// plus the requests whose answers were not saved when a kill came.
//
// It runs once per provider, against each one's fake: the guarantees are
// the same whichever API an asset uses.
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
	// provider is the provider block and the tile's provider-specific
	// lines, for writeCrashConfig.
	provider, tile string
	ext            string
	// moments are the kill moments that can happen: a b64 answer has no
	// download to kill in the middle of.
	moments []crashMoment
}

func seedreamBackend() *crashBackend {
	srv := seedreamtest.New()
	srv.SetAPIKey(testAPIKey)
	srv.SetLatency(crashLatency)
	return &crashBackend{name: "seedream", root: srv.URL(), apiPath: "/api/v3", count: srv.Count, close: srv.Close,
		prompts: func() []string {
			var out []string
			for _, r := range srv.Requests() {
				p, _ := r.Body["prompt"].(string)
				out = append(out, p)
			}
			return out
		},
		provider: `provider "seedream" {
  base_url    = %q
  parallelism = %d
  max_retries = 2
}`,
		tile: `model  = "doubao-seedream-3-0-t2i-250415"
  size   = "512x512"`,
		ext:     "jpeg",
		moments: []crashMoment{momentRequestSent, momentDownloading, momentAnswered, momentFileWritten, momentAnywhere},
	}
}

func openaiBackend() *crashBackend {
	srv := openaitest.New()
	srv.SetAPIKey(testAPIKey)
	srv.SetLatency(crashLatency)
	return &crashBackend{name: "openai", root: srv.URL(), apiPath: "/v1", count: srv.Count, close: srv.Close,
		prompts: func() []string {
			var out []string
			for _, r := range srv.Requests() {
				p, _ := r.Body["prompt"].(string)
				out = append(out, p)
			}
			return out
		},
		provider: `provider "openai" {
  base_url    = %q
  parallelism = %d
  max_retries = 2
}`,
		tile: `model   = "gpt-image-1-mini"
  size    = "1024x1024"
  quality = "low"`,
		ext:     "png",
		moments: []crashMoment{momentRequestSent, momentAnswered, momentFileWritten, momentAnywhere},
	}
}

func crashKillAnywhere(t *testing.T, bin string, be *crashBackend) {
	px := newCrashProxy(be.root)
	defer px.Close()

	dir := t.TempDir()
	writeCrashConfig(t, dir, px.URL()+be.apiPath, be)
	c := &crashRun{t: t, bin: bin, dir: dir, px: px, be: be, epoch: 1,
		rng: rand.New(rand.NewPCG(20250906, 1))}

	start := time.Now()
	var lost, serverInFlight, budget int
	budget = crashAssets
	moments := map[string]int{}
	kills, rounds := 0, 0
	for kills < crashKills {
		if rounds++; rounds > 3*crashKills {
			t.Fatalf("only %d kills landed in %d rounds", kills, rounds)
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
		target := c.campaignKills * (crashAssets - 2*crashParallelism) / crashKills
		moment := be.moments[kills%len(be.moments)]
		r := c.killRound(target, moment)
		if !r.killed {
			continue
		}
		kills++
		c.campaignKills++
		moments[momentNames[moment]]++
		lost += r.lost
		serverInFlight += r.serverInFlight
		t.Logf("kill %2d (%s, after %d recorded): %d request(s) this round, %d answer(s) not saved (%d of them unanswered by the server), %d staged for recovery",
			kills, momentNames[moment], target, r.requests, r.lost, r.serverInFlight, r.staged)
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
	t.Logf("crash figure: %d kills (%v) in %v; %d generation requests for %d asset generations; %d answers not saved at the kills (%d of them not yet answered by the server); bound %d",
		kills, moments, time.Since(start).Round(time.Millisecond), total, budget, lost, serverInFlight, budget+lost)
	if total > budget+lost {
		t.Errorf("%d generation requests, more than %d asset generations plus %d answers lost to kills: something was paid for twice", total, budget, lost)
	}
}

// crashRun is the state of TestCrashKillAnywhere between rounds.
type crashRun struct {
	t             *testing.T
	bin, dir      string
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
	requests       int // generation requests the round sent
	lost           int // of those, the ones whose answers were not saved at the kill
	serverInFlight int // of those, the ones the server had not finished answering
	staged         int // answers waiting in staging after the kill
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
	if res.lost < 0 || res.lost > crashParallelism {
		t.Fatalf("round sent %d request(s) and saved %d new answer(s): the accounting is off", res.requests, newlySaved)
	}
	if res.serverInFlight > res.lost {
		t.Fatalf("%d request(s) unanswered by the server but only %d answer(s) unsaved", res.serverInFlight, res.lost)
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

func crashPrompt(i, epoch int) string { return fmt.Sprintf("Tile %d, epoch %d", i, epoch) }

func writeCrashConfig(t *testing.T, dir, baseURL string, be *crashBackend) {
	t.Helper()
	cfg := fmt.Sprintf(`seedform { output_dir = "assets" }
variable "epoch" {
  type    = number
  default = 1
}
`+be.provider+`
image "tile" {
  count  = %d
  `+be.tile+`
  prompt = "Tile ${count.index}, epoch ${var.epoch}"
  path   = "tiles/${count.index}.`+be.ext+`"
}
`, baseURL, crashParallelism, crashAssets)
	if err := os.WriteFile(filepath.Join(dir, "main.sf.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lock is what seedform knows is recorded: the lock file, which must
// parse, with the journal of finished entries an interrupted apply left
// replayed onto it.
func (c *crashRun) lock() *lockfile.Lock {
	name := filepath.Join(c.dir, lockfile.FileName)
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
	journal := filepath.Join(c.dir, pipeline.StateDirName, lockfile.JournalName)
	if _, err := lockfile.ReplayJournal(journal, digest, l, lockfile.NewManifest()); err != nil {
		c.t.Fatalf("the journal of finished entries: %v", err)
	}
	return l
}

// recorded counts the assets recorded from the current epoch's prompts.
func (c *crashRun) recorded() int {
	n := 0
	for addr, e := range c.lock().Assets {
		if recordedPrompt(e) == crashPrompt(tileIndex(c.t, addr), c.epoch) {
			n++
		}
	}
	return n
}

func tileIndex(t *testing.T, addr string) int {
	s, ok := strings.CutPrefix(addr, "image.tile[")
	n, err := strconv.Atoi(strings.TrimSuffix(s, "]"))
	if !ok || err != nil {
		t.Fatalf("unexpected address %q in the lock", addr)
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
		if p := crashPrompt(tileIndex(c.t, addr), c.epoch); recordedPrompt(e) == p {
			out[p] = true
		}
	}
	for addr := range c.stagedAnswers() {
		out[crashPrompt(tileIndex(c.t, addr), c.epoch)] = true
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

// checkInvariants checks what must hold after any kill: the lock and the
// manifest parse; each recorded output is on disk with its sha256 (or has
// just been replaced by a staged answer's image, which the next run
// records); every image in the output directory is whole and either
// recorded or a staged answer's; anything else is a temp file of an
// atomic write.
func (c *crashRun) checkInvariants() {
	t := c.t
	lock := c.lock()
	out := filepath.Join(c.dir, "assets")
	if _, err := lockfile.ReadManifest(filepath.Join(out, "manifest.json")); err != nil {
		t.Fatalf("the manifest does not parse: %v", err)
	}
	staged := map[string]bool{} // sha256 of images waiting in staging
	for _, ans := range c.stagedAnswers() {
		for _, it := range ans.Items {
			if it.SHA256 != "" {
				staged[it.SHA256] = true
			}
		}
	}
	recorded := map[string]string{} // file -> sha256
	for addr, e := range lock.Assets {
		for _, o := range e.Outputs {
			name := filepath.Join(out, filepath.FromSlash(o.Path))
			recorded[name] = o.SHA256
			sum, size, err := lockfile.HashFile(name)
			switch {
			case err != nil:
				t.Fatalf("%s: recorded output %s: %v", addr, o.Path, err)
			case sum == o.SHA256 && size == o.Bytes:
			case staged[sum]:
				// Replaced by a regenerated image whose record the kill cut off.
			default:
				t.Fatalf("%s: %s does not match the lock", addr, o.Path)
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
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, _, err := image.Decode(f); err != nil {
			return fmt.Errorf("%s is not a whole image: %w", p, err)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
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
// generation requests it forwards and the answers it has finished sending,
// points the answers' download URLs at itself and holds each download
// halfway for a moment, so that a kill can land in the middle of one.
type crashProxy struct {
	// upstream is the fake server's root URL.
	upstream string
	hs       *httptest.Server
	client   *http.Client

	mu    sync.Mutex
	stats proxyStats
}

type proxyStats struct {
	at                         time.Time
	started, answered          int // generation requests
	downloadsStarted, finished int // downloads
}

func newCrashProxy(upstream string) *crashProxy {
	p := &crashProxy{upstream: upstream, client: &http.Client{}}
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

func (p *crashProxy) count(f func(*proxyStats)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.stats)
}

func (p *crashProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	generation := strings.HasSuffix(r.URL.Path, "/images/generations") || strings.HasSuffix(r.URL.Path, "/images/edits")
	if generation {
		p.count(func(s *proxyStats) { s.started++ })
	} else {
		p.count(func(s *proxyStats) { s.downloadsStarted++ })
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
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
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if generation {
		data = bytes.ReplaceAll(data, []byte(p.upstream), []byte(p.hs.URL))
	}
	for k, v := range resp.Header {
		w.Header()[k] = slices.Clone(v)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(resp.StatusCode)
	if generation {
		if _, err := w.Write(data); err == nil {
			p.count(func(s *proxyStats) { s.answered++ })
		}
		return
	}
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

// recordedPrompt is the prompt a lock entry's request holds.
func recordedPrompt(e *lockfile.Entry) string {
	prompt, _ := e.Spec.String("prompt")
	return prompt
}
