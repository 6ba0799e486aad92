package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/review"
)

// chromium finds a Chromium to drive. Without one the browser tests skip,
// except in CI (CI=true), where .ci/run installs it and its absence is a
// failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; .ci/run installs it (apt-get install -y chromium)")
	}
	t.Skip("Chromium is not installed (apt-get install -y chromium): skipping the browser test")
	return ""
}

// fixture12 is a report of 12 changes over a git repo: 8 changed (one to
// another size, one an image set of two), 2 new, 1 deleted, 1 moved,
// written with its thumbnails into a directory.
func fixture12(t *testing.T) (dir string, rep *Report) {
	ctx := context.Background()
	r := newRepo(t)
	for i := range 7 {
		r.put(fmt.Sprintf("image.card[%d]", i), fmt.Sprintf("cards/%d.png", i), color.RGBA{uint8(30 * i), 90, 160, 255}, 96, 64)
	}
	r.putSet("image_set.sheet", "sheet", red, green)
	r.put("image.old", "old.png", red, 64, 64)
	r.put("image.logo", "logo.png", blue, 64, 64)
	r.commit("base")
	r.putSet("image_set.sheet", "sheet", blue, grey)
	for i := range 7 {
		w := 96
		if i == 0 {
			w = 128
		}
		r.put(fmt.Sprintf("image.card[%d]", i), fmt.Sprintf("cards/%d.png", i), color.RGBA{200, uint8(30 * i), 60, 255}, w, 64)
	}
	r.remove("image.old")
	r.remove("image.logo")
	r.put("image.brand", "brand/logo.png", blue, 64, 64)
	r.put("image.new[0]", "new0.png", green, 64, 64)
	r.put("image.new[1]", "new1.png", grey, 64, 64)
	rev, err := OpenRev(ctx, r.dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rev.Close() })
	base, err := RevSide(ctx, rev, "assets")
	if err != nil {
		t.Fatal(err)
	}
	rep = FromBase(base, r.now(), &BaseRev{Ref: "main", Commit: rev.Commit})
	if len(rep.Items) != 12 {
		t.Fatalf("the fixture has %d changes, want 12", len(rep.Items))
	}
	dir = t.TempDir()
	if err := WriteThumbs(ctx, rep, dir); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, rep
}

// The HTML report in a real browser: every image loads from the report
// directory, the views switch, filters and keys work, and an approval
// given on the page comes back in the export as a review file.
func TestBrowserReport(t *testing.T) {
	exe := chromium(t)
	dir, rep := fixture12(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir))) // 127.0.0.1
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 4000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string, v any) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[any](`JSON.stringify(`+expr+`)`))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if err := json.Unmarshal([]byte(got.(string)), v); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}

	// Every image on the page has loaded, with a real picture.
	do(chromedp.Navigate(srv.URL+"/index.html"), chromedp.WaitVisible(chromedp.CSS(".item")))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.images).every(i => i.complete) && document.images.length > 0`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("waiting for the images: %v", err)
	}
	var images, loaded int
	eval(`document.images.length`, &images)
	eval(`Array.from(document.images).filter(i => i.naturalWidth > 0).length`, &loaded)
	// 10 changed/moved pairs of two (the set has two pairs), 2 new and
	// 1 deleted of one.
	if images != 23 || loaded != images {
		t.Fatalf("%d of %d images loaded, want 23 of 23", loaded, images)
	}

	// The views: the after image lies over the before one in swipe,
	// clipped by the slider; in onion skin, faded; in toggle, a click
	// hides it. Keys 1-4 switch too.
	first := `document.querySelector(".pair.both")`
	var swipe struct {
		Position, Clip, Slider string
	}
	var onion, toggled, afterKey string
	do(chromedp.Click(chromedp.CSS(`button[data-view="swipe"]`)))
	eval(`(() => { const p = `+first+`, s = p.querySelector(".slider");
		s.value = 30; s.dispatchEvent(new Event("input", {bubbles: true}));
		const a = getComputedStyle(p.querySelector("img.after"));
		return {Position: a.position, Clip: a.clipPath, Slider: getComputedStyle(s).display}; })()`, &swipe)
	do(chromedp.Click(chromedp.CSS(`button[data-view="onion"]`)))
	eval(`getComputedStyle(`+first+`.querySelector("img.after")).opacity`, &onion)
	do(chromedp.Click(chromedp.CSS(`button[data-view="toggle"]`)), chromedp.Click(chromedp.CSS(`.pair.both .stage`)))
	eval(`getComputedStyle(`+first+`.querySelector("img.after")).visibility`, &toggled)
	do(chromedp.KeyEvent("1"))
	eval(`document.body.dataset.view + " " + getComputedStyle(`+first+`.querySelector("img.after")).position`, &afterKey)
	if want := (struct{ Position, Clip, Slider string }{"absolute", "inset(0px 0px 0px 30%)", "block"}); swipe != want {
		t.Errorf("swipe view: %+v, want %+v", swipe, want)
	}
	if onion != "0.3" {
		t.Errorf("onion skin at 30%%: opacity %s, want 0.3", onion)
	}
	if toggled != "hidden" {
		t.Errorf("toggle view after a click: the after image is %s, want hidden", toggled)
	}
	if afterKey != "side static" {
		t.Errorf("after the key 1: %q, want side by side", afterKey)
	}

	// Filters.
	var shown map[string]int
	eval(`(() => { const n = {}; for (const f of ["new", "deleted", "changed", "all"]) {
		document.querySelector('button[data-filter="' + f + '"]').click();
		n[f] = Array.from(document.querySelectorAll(".item")).filter(i => i.offsetParent !== null).length; } return n; })()`, &shown)
	if diff := cmp.Diff(map[string]int{"new": 2, "deleted": 1, "changed": 9, "all": 12}, shown); diff != "" {
		t.Errorf("items shown by filter (-want +got):\n%s", diff)
	}

	// The toggle click made the first item current: j moves to the
	// second and a approves it; image.card[3] is approved with its
	// button. The export is a review file.
	// One image of the set is approved on its own: the set stays
	// unreviewed until both are.
	var unreviewed int
	var setVerdict string
	do(chromedp.KeyEvent("j"), chromedp.KeyEvent("a"),
		chromedp.Click(chromedp.CSS(`article[data-address="image.card[3]"] button.approve`)),
		chromedp.Click(chromedp.CSS(`article[data-address="image_set.sheet"] .pair:nth-of-type(2) button.approve-one`)),
		chromedp.Click(chromedp.CSS(`button[data-filter="unreviewed"]`)))
	eval(`Array.from(document.querySelectorAll(".item")).filter(i => i.offsetParent !== null).length`, &unreviewed)
	eval(`(() => { const a = document.querySelector('article[data-address="image_set.sheet"]');
		return (a.dataset.verdict || "none") + " " + Array.from(a.querySelectorAll(".pair")).map(p => p.dataset.verdict || "none").join(","); })()`, &setVerdict)
	if setVerdict != "none none,approved" {
		t.Errorf("the set after approving its second image: %q, want the item unreviewed and only that image approved", setVerdict)
	}
	do(chromedp.Click(chromedp.CSS(`#export`)), chromedp.WaitVisible(chromedp.CSS(`#export-text`)))
	exported, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#export-text`)))
	if err != nil {
		t.Fatal(err)
	}
	if unreviewed != 8 {
		t.Errorf("unreviewed after two approvals: %d shown, want 8 (10 with content new since the base, less 2)", unreviewed)
	}
	f, err := review.Parse("export", []byte(exported))
	if err != nil {
		t.Fatalf("the export is not a review file: %v\n%s", err, exported)
	}
	want := review.New()
	for _, addr := range []string{rep.Items[1].Address, "image.card[3]", "image_set.sheet"} {
		for _, it := range rep.Items {
			if it.Address == addr {
				img := it.After[0]
				if it.Kind == "image_set" {
					img = it.After[1]
				}
				want.Record(img.SHA256, review.Approval{Address: it.Address, Verdict: review.Approved})
			}
		}
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("exported verdicts (-want +got):\n%s", diff)
	}
	if !bytes.Equal(f.Encode(), []byte(exported)) {
		t.Errorf("the export is not in the file's canonical form:\n%s", exported)
	}

	// At 500 changed assets the page stays usable: it is interactive
	// quickly, loads only the thumbnails in view, and a filter or a key
	// takes effect at once. (Bounds are generous: CI machines are shared.)
	big := filepath.Join(dir, "big")
	writeBigReport(t, big, 500)
	do(chromedp.Navigate(srv.URL+"/big/index.html"), chromedp.WaitVisible(chromedp.CSS(".item")))
	var perf struct {
		Items, Requested   int
		Ready, Filter, Key float64
	}
	eval(`(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const items = document.querySelectorAll(".item").length;
		let t = performance.now();
		document.querySelector('button[data-filter="deleted"]').click(); document.body.offsetHeight;
		const filter = performance.now() - t;
		document.querySelector('button[data-filter="all"]').click();
		t = performance.now();
		for (let i = 0; i < 20; i++) document.dispatchEvent(new KeyboardEvent("keydown", {key: "j", bubbles: true}));
		document.body.offsetHeight;
		const key = (performance.now() - t) / 20;
		const requested = performance.getEntriesByType("resource").filter(r => r.name.includes("/thumbs/")).length;
		return {Items: items, Requested: requested, Ready: nav.domInteractive, Filter: filter, Key: key};
	})()`, &perf)
	t.Logf("500 assets: interactive after %.0f ms, %d thumbnails fetched, a filter %.1f ms, a key %.1f ms", perf.Ready, perf.Requested, perf.Filter, perf.Key)
	if perf.Items != 500 {
		t.Fatalf("%d items on the page, want 500", perf.Items)
	}
	if perf.Ready > 5000 || perf.Filter > 1000 || perf.Key > 500 {
		t.Errorf("500 assets: interactive after %.0f ms, a filter %.0f ms, a key %.0f ms", perf.Ready, perf.Filter, perf.Key)
	}
	if perf.Requested == 0 || perf.Requested >= 1000 {
		t.Errorf("500 assets: %d thumbnails fetched at first; want those in view, not all 1000", perf.Requested)
	}
}

// writeBigReport writes a report of n changed assets into dir, each with
// a before and an after thumbnail of its own.
func writeBigReport(t *testing.T, dir string, n int) {
	t.Helper()
	rep := &Report{FormatVersion: FormatVersion, Source: "plan"}
	data := pngOf(t, grey, 32, 24)
	read := func(context.Context) ([]byte, error) { return data, nil }
	for i := range n {
		sha := func(side int) string { return fmt.Sprintf("%032x%032x", i, side) }
		rep.Items = append(rep.Items, &Item{Address: fmt.Sprintf("image.tile[%d]", i), Action: "move", Status: StatusMoved,
			Before: []Image{{Path: fmt.Sprintf("a/%d.png", i), SHA256: sha(0), Width: 32, Height: 24, read: read}},
			After:  []Image{{Path: fmt.Sprintf("b/%d.png", i), SHA256: sha(1), Width: 32, Height: 24, read: read}}})
	}
	if err := WriteThumbs(context.Background(), rep, dir); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
