package main

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/openai/openaitest"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// testAPIKey is the key scripts run with; TestScripts' secret scan makes
// sure it never reaches a file or an output.
const testAPIKey = "sk-seedform-test-0123456789abcdef"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"seedform": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script over the real
// binary. Each script gets its own fake Seedream server; its base URL is
// in $SEEDREAM_URL and also given to configs as var.base_url.
// SEEDFORM_UPDATE_SCRIPTS=1 rewrites the golden files in the scripts.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("SEEDFORM_UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			srv := seedreamtest.New()
			srv.SetAPIKey(testAPIKey)
			env.Defer(srv.Close)
			env.Values["server"] = srv
			env.Values["calls"] = new(int)
			env.Setenv("SEEDREAM_URL", srv.BaseURL())
			env.Setenv("SEEDFORM_VAR_base_url", srv.BaseURL())
			env.Setenv("ARK_API_KEY", testAPIKey)
			oai := openaitest.New()
			oai.SetAPIKey(testAPIKey)
			env.Defer(oai.Close)
			env.Values["openai"] = oai
			env.Values["openaicalls"] = new(int)
			env.Setenv("OPENAI_URL", oai.BaseURL())
			env.Setenv("SEEDFORM_VAR_openai_url", oai.BaseURL())
			env.Setenv("OPENAI_API_KEY", testAPIKey)
			// The GitHub Action's script, for action_*.txtar.
			script, err := filepath.Abs(filepath.Join("action", "run.sh"))
			if err != nil {
				return err
			}
			env.Setenv("ACTION_SCRIPT", script)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"calls":       cmdCalls,
			"openaicalls": cmdOpenAICalls,
			"waitcalls":   cmdWaitCalls,
			"fake":        cmdFake,
			"waitfor":     cmdWaitFor,
			"lockok":      cmdLockOK,
			"nosecret":    cmdNoSecret,
			"replace":     cmdReplace,
			"sleep":       cmdSleep,
			"mkimage":     cmdMkImage,
			"lfsify":      cmdLFSify,
			"tfui":        cmdTFUI,
			"mdtrim":      cmdMdTrim,
		},
	})
}

// openaicalls N: the fake OpenAI server received exactly N generation or
// edit requests since the previous `openaicalls`.
func cmdOpenAICalls(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: openaicalls N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	srv := ts.Value("openai").(*openaitest.Server)
	seen := ts.Value("openaicalls").(*int)
	got := srv.Count() - *seen
	*seen = srv.Count()
	if (got == want) == neg {
		ts.Fatalf("fake OpenAI server got %d request(s), want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// calls N: the fake server received exactly N generation requests since
// the previous `calls`.
func cmdCalls(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: calls N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	srv := ts.Value("server").(*seedreamtest.Server)
	seen := ts.Value("calls").(*int)
	got := srv.Count() - *seen
	*seen = srv.Count()
	if (got == want) == neg {
		ts.Fatalf("fake server got %d generation request(s), want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// waitcalls N [TIMEOUT]: wait until the fake server has received at least
// N generation requests since the previous `calls`, which still counts
// them: a script waits for requests to be in flight before it interrupts.
func cmdWaitCalls(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitcalls N [TIMEOUT]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	timeout := 30 * time.Second
	if len(args) == 2 {
		timeout, err = time.ParseDuration(args[1])
		ts.Check(err)
	}
	srv := ts.Value("server").(*seedreamtest.Server)
	seen := ts.Value("calls").(*int)
	deadline := time.Now().Add(timeout)
	for srv.Count()-*seen < want {
		if time.Now().After(deadline) {
			ts.Fatalf("waited %v for %d generation request(s), got %d", timeout, want, srv.Count()-*seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fake latency DURATION | fake maxinflight N: configure the fake server.
func cmdFake(ts *testscript.TestScript, neg bool, args []string) {
	srv := ts.Value("server").(*seedreamtest.Server)
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fake latency DURATION | fake maxinflight N")
	}
	switch args[0] {
	case "latency":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		srv.SetLatency(d)
	case "maxinflight":
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		srv.SetMaxInFlight(n)
	default:
		ts.Fatalf("unknown fake setting %q", args[0])
	}
}

// waitfor PATH [TIMEOUT]: wait until a file or directory exists.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfor PATH [TIMEOUT]")
	}
	timeout := 30 * time.Second
	if len(args) == 2 {
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		timeout = d
	}
	deadline := time.Now().Add(timeout)
	for {
		_, err := os.Stat(ts.MkAbs(args[0]))
		if (err == nil) != neg {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waited %v for %s", timeout, args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockok CONFIGDIR OUTPUTDIR: the lock in CONFIGDIR parses, every entry's
// files exist under OUTPUTDIR with the recorded sha256 and size, and no
// staging or temp file is left behind.
func cmdLockOK(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lockok CONFIGDIR OUTPUTDIR")
	}
	dir, out := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	ts.Check(err)
	for addr, e := range lock.Assets {
		for _, o := range e.Outputs {
			sum, size, err := lockfile.HashFile(filepath.Join(out, filepath.FromSlash(o.Path)))
			if err != nil {
				ts.Fatalf("%s: %v", addr, err)
			}
			if sum != o.SHA256 || size != o.Bytes {
				ts.Fatalf("%s: %s does not match the lock", addr, o.Path)
			}
		}
	}
	staging := filepath.Join(dir, ".seedform", "staging")
	ents, _ := os.ReadDir(staging)
	for _, ent := range ents {
		ts.Fatalf("staging not cleaned: %s", ent.Name())
	}
	// An atomic write's temp file (lockfile.WriteFile: ".NAME.tmp-*")
	// left next to the lock, or anywhere under the output directory
	// where the manifest and images go, is a write that never finished.
	temps, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	ts.Check(err)
	ts.Check(filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if p == out && errors.Is(err, fs.ErrNotExist) {
			return nil // nothing generated yet
		}
		if err != nil {
			return err
		}
		if name := d.Name(); strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
			temps = append(temps, p)
		}
		return nil
	}))
	for _, tmp := range temps {
		ts.Fatalf("temp file left behind: %s", tmp)
	}
}

// nosecret DIR [SECRET]: the test API key (or SECRET) appears in no file
// under DIR, nor in the last command's stdout and stderr.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: nosecret DIR [SECRET]")
	}
	secret := testAPIKey
	if len(args) == 2 {
		secret = args[1]
	}
	for _, out := range []string{ts.ReadFile("stdout"), ts.ReadFile("stderr")} {
		if strings.Contains(out, secret) {
			ts.Fatalf("the secret appears in the output")
		}
	}
	err := filepath.Walk(ts.MkAbs(args[0]), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			return fmt.Errorf("the secret appears in %s", p)
		}
		return nil
	})
	ts.Check(err)
}

// replace FILE OLD NEW: replace every OLD in FILE with NEW.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	name := ts.MkAbs(args[0])
	b, err := os.ReadFile(name)
	ts.Check(err)
	if !strings.Contains(string(b), args[1]) {
		ts.Fatalf("%s does not contain %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(name, []byte(strings.ReplaceAll(string(b), args[1], args[2])), 0o644))
}

// sleep DURATION
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// mkimage PATH WxH: write a real PNG of that size (reference images).
func cmdMkImage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkimage PATH WxH")
	}
	var w, h int
	if _, err := fmt.Sscanf(args[1], "%dx%d", &w, &h); err != nil {
		ts.Fatalf("bad size %q", args[1])
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(len(args[0])), 255})
		}
	}
	name := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(name), 0o755))
	f, err := os.Create(name)
	ts.Check(err)
	ts.Check(png.Encode(f, img))
	ts.Check(f.Close())
}

// lfsify PATH [FROM]: replace PATH with the Git LFS pointer a checkout
// without LFS would hold: to its own content, or to FROM's.
func cmdLFSify(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: lfsify PATH [FROM]")
	}
	from := args[len(args)-1]
	sum, size, err := lockfile.HashFile(ts.MkAbs(from))
	ts.Check(err)
	ptr := fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", sum, size)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(ptr), 0o644))
}

// mdtrim LIMIT TOTAL: the Markdown report in stdout has at most LIMIT
// bytes, and the table rows it shows plus its "and N more" make TOTAL.
func cmdMdTrim(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mdtrim LIMIT TOTAL")
	}
	limit, err := strconv.Atoi(args[0])
	ts.Check(err)
	total, err := strconv.Atoi(args[1])
	ts.Check(err)
	md := ts.ReadFile("stdout")
	if len(md) > limit {
		ts.Fatalf("the Markdown has %d bytes, over the limit of %d", len(md), limit)
	}
	rows := strings.Count(md, "\n| <code>")
	more := 0
	if i := strings.Index(md, "\nand "); i >= 0 {
		fmt.Sscanf(md[i+1:], "and %d more", &more)
	}
	if rows == 0 || more == 0 || rows+more != total {
		ts.Fatalf("%d rows shown and %d more announced; want some of each, adding up to %d", rows, more, total)
	}
}
