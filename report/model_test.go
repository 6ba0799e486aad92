package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/review"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/worddiff"
)

// repo is a git repository made in a test, with the config directory in
// a subdirectory so that paths relative to it differ from the repo's.
type repo struct {
	t    *testing.T
	root string
	dir  string // the config directory, root/design
	lock *lockfile.Lock
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	r := &repo{t: t, root: root, dir: filepath.Join(root, "design"), lock: lockfile.NewLock()}
	r.lock.OutputDir = "assets"
	r.git("init", "-q")
	return r
}

func (r *repo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.root}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// pngOf is a w x h PNG of one colour.
func pngOf(t *testing.T, c color.RGBA, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// put writes an image asset's file under assets/ and records it.
func (r *repo) put(addr, rel string, c color.RGBA, w, h int) string {
	data := pngOf(r.t, c, w, h)
	p := filepath.Join(r.dir, "assets", filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	var in schema.Values
	for _, kv := range [][2]string{{"provider_type", "placeholder"}, {"prompt", "a picture of " + addr}, {"output_format", "png"}} {
		if err := in.Set(kv[0], kv[1]); err != nil {
			r.t.Fatal(err)
		}
	}
	r.lock.Assets[addr] = &lockfile.Entry{Kind: "image", SpecHash: in.Hash(), Spec: in, Path: rel, Provider: "placeholder",
		CreatedAt: time.Unix(1700000000, 0).UTC(),
		Outputs:   []lockfile.Output{{Path: rel, SHA256: sha, Bytes: int64(len(data)), Width: w, Height: h, Format: "png"}}}
	return sha
}

// putSet writes an image set's files under assets/<dir>/ and records it.
func (r *repo) putSet(addr, dir string, colors ...color.RGBA) {
	var in schema.Values
	for _, kv := range []struct {
		k string
		v any
	}{{"provider_type", "placeholder"}, {"prompt", "pictures of " + addr}, {"output_format", "png"}, {"max_images", len(colors)}} {
		if err := in.Set(kv.k, kv.v); err != nil {
			r.t.Fatal(err)
		}
	}
	e := &lockfile.Entry{Kind: "image_set", SpecHash: in.Hash(), Spec: in, Dir: dir, Provider: "placeholder",
		CreatedAt: time.Unix(1700000000, 0).UTC()}
	for i, c := range colors {
		data := pngOf(r.t, c, 48, 32)
		rel := fmt.Sprintf("%s/%d.png", dir, i+1)
		p := filepath.Join(r.dir, "assets", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			r.t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		e.Outputs = append(e.Outputs, lockfile.Output{Path: rel, SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(data)), Width: 48, Height: 32, Format: "png"})
	}
	r.lock.Assets[addr] = e
}

func (r *repo) remove(addr string) {
	e := r.lock.Assets[addr]
	delete(r.lock.Assets, addr)
	if err := os.Remove(filepath.Join(r.dir, "assets", e.Path)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) writeLock() {
	if err := lockfile.WriteFile(filepath.Join(r.dir, lockfile.FileName), r.lock.Marshal()); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) {
	r.writeLock()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

// now is the state on disk, as a workspace reads it.
func (r *repo) now() Side {
	r.writeLock()
	lock, err := lockfile.Read(filepath.Join(r.dir, lockfile.FileName))
	if err != nil {
		r.t.Fatal(err)
	}
	return Side{Lock: lock, OutputDir: lock.OutputDir, Read: DiskReader(r.dir)}
}

var (
	red   = color.RGBA{200, 0, 0, 255}
	green = color.RGBA{0, 200, 0, 255}
	blue  = color.RGBA{0, 0, 200, 255}
	grey  = color.RGBA{128, 128, 128, 255}
)

// The base report finds what changed between the lock at a revision and
// the lock now, and reads the before images from git, not from disk.
func TestFromBase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRepo(t)
	r.put("image.changed", "changed.png", red, 40, 20)
	r.put("image.same", "same.png", grey, 8, 8)
	renamedSHA := r.put("image.old_name", "old.png", blue, 16, 16)
	r.put("image.path_only", "a/p.png", green, 10, 10)
	r.put("image.gone", "gone.png", green, 12, 12)
	r.commit("base")

	r.put("image.changed", "changed.png", green, 80, 20) // new content, new size, same path
	r.remove("image.old_name")
	r.put("image.new_name", "renamed/new.png", blue, 16, 16) // same content: a move
	r.remove("image.path_only")
	r.put("image.path_only", "b/p.png", green, 10, 10) // same content, another path
	r.remove("image.gone")
	r.put("image.added", "added.png", red, 9, 9)

	rev, err := OpenRev(ctx, r.dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rev.Close() })
	now := r.now()
	base, err := RevSide(ctx, rev, "assets")
	if err != nil {
		t.Fatal(err)
	}
	rep := FromBase(base, now, &BaseRev{Ref: rev.Ref, Commit: rev.Commit})

	type row struct {
		Addr, Prev string
		Status     Status
		Before     []string
		After      []string
	}
	var got []row
	for _, it := range rep.Items {
		got = append(got, row{it.Address, it.PrevAddress, it.Status, paths(it.Before), paths(it.After)})
	}
	want := []row{
		{"image.added", "", StatusNew, nil, []string{"assets/added.png"}},
		{"image.changed", "", StatusChanged, []string{"assets/changed.png"}, []string{"assets/changed.png"}},
		{"image.gone", "", StatusDeleted, []string{"assets/gone.png"}, nil},
		{"image.new_name", "image.old_name", StatusMoved, []string{"assets/old.png"}, []string{"assets/renamed/new.png"}},
		{"image.path_only", "", StatusMoved, []string{"assets/a/p.png"}, []string{"assets/b/p.png"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("items (-want +got):\n%s", diff)
	}
	// Only content the base did not have needs a review.
	var review []string
	for _, it := range rep.Items {
		if it.NeedsReview {
			review = append(review, it.Address)
		}
	}
	if diff := cmp.Diff([]string{"image.added", "image.changed"}, review); diff != "" {
		t.Errorf("items needing review (-want +got):\n%s", diff)
	}
	if d := rep.Items[1].Diffs; len(d) != 0 {
		t.Errorf("image.changed: the spec did not change, got diffs %v", d)
	}
	if rep.Items[3].After[0].SHA256 != renamedSHA {
		t.Errorf("the moved asset's content changed")
	}

	// The thumbnails of the before images come from the revision: the
	// deleted file is gone from disk, and changed.png is green now.
	out := t.TempDir()
	if err := WriteThumbs(ctx, rep, out); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		img  Image
		want color.RGBA
	}{
		{rep.Items[1].Before[0], red}, {rep.Items[1].After[0], green}, {rep.Items[2].Before[0], green},
	} {
		if tc.img.Thumb == "" || tc.img.Missing {
			t.Fatalf("%s: no thumbnail (missing=%v)", tc.img.Path, tc.img.Missing)
		}
		if c := centre(t, filepath.Join(out, tc.img.Thumb)); !near(c, tc.want) {
			t.Errorf("%s: thumbnail colour %v, want %v", tc.img.Path, c, tc.want)
		}
	}
}

func paths(imgs []Image) []string {
	var out []string
	for _, i := range imgs {
		out = append(out, i.Path)
	}
	return out
}

func centre(t *testing.T, path string) color.RGBA {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	r, g, bl, _ := img.At(b.Dx()/2, b.Dy()/2).RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
}

func near(a, b color.RGBA) bool {
	d := func(x, y uint8) bool { return x+16 > y && y+16 > x }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// A base with no lock yet makes every asset new; a ref that is not a
// commit, or a directory outside git, is a clear error.
func TestRevErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRepo(t)
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(r.root, "README"), []byte("x"), 0o644)
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "no lock")
	rev, err := OpenRev(ctx, r.dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rev.Close() })
	base, err := RevSide(ctx, rev, "assets")
	if err != nil || len(base.Lock.Assets) != 0 {
		t.Fatalf("a revision without a lock: %v, %d assets", err, len(base.Lock.Assets))
	}
	for _, ref := range []string{"nope", "-p", "HEAD~5", ""} {
		if _, err := OpenRev(ctx, r.dir, ref); err == nil || !strings.Contains(err.Error(), "-base=") {
			t.Errorf("OpenRev(%q): %v, want an error naming -base", ref, err)
		}
	}
	if _, err := OpenRev(ctx, t.TempDir(), "HEAD"); err == nil || !strings.Contains(err.Error(), "not in one") {
		t.Errorf("outside git: %v", err)
	}
	// A corrupt lock at the revision is refused, named with the revision.
	os.WriteFile(filepath.Join(r.dir, lockfile.FileName), []byte(`{"version": 1, "assets": {"image.x": null}}`), 0o644)
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "bad lock")
	rev, _ = OpenRev(ctx, r.dir, "HEAD")
	defer rev.Close()
	if _, err := RevSide(ctx, rev, "assets"); err == nil || !strings.Contains(err.Error(), "at HEAD") {
		t.Errorf("corrupt lock at the base: %v", err)
	}
}

// Only content new since the base needs an approval, and an approval
// follows content to another address.
func TestNeedApproval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRepo(t)
	r.put("image.a", "a.png", red, 4, 4)
	r.put("image.b", "b.png", blue, 4, 4)
	r.commit("base")
	newSHA := r.put("image.a", "a.png", green, 4, 4)
	r.remove("image.b")
	r.put("image.c", "c.png", blue, 4, 4) // b's content, moved
	rev, _ := OpenRev(ctx, r.dir, "HEAD")
	defer rev.Close()
	base, err := RevSide(ctx, rev, "assets")
	if err != nil {
		t.Fatal(err)
	}
	f := review.New()
	got := NeedApproval(base, r.now(), f)
	want := []Unapproved{{Address: "image.a", Path: "assets/a.png", SHA256: newSHA}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("before approving (-want +got):\n%s", diff)
	}
	f.Record(newSHA, review.Approval{Address: "image.elsewhere", Verdict: review.Approved})
	if got := NeedApproval(base, r.now(), f); len(got) != 0 {
		t.Fatalf("after approving the content: %v", got)
	}
}

// Markdown over the limit keeps as many rows as fit and says how many
// more there are; the rest folds into <details>.
func TestMarkdownTrimmed(t *testing.T) {
	t.Parallel()
	rep := &Report{FormatVersion: FormatVersion, Source: "plan"}
	for i := range 500 {
		rep.Items = append(rep.Items, &Item{Address: fmt.Sprintf("image.tile[%d]", i), Action: "replace", Status: StatusChanged,
			Before:  []Image{{Path: fmt.Sprintf("tiles/%03d.png", i), SHA256: strings.Repeat("a", 64), Thumb: "thumbs/x.jpeg"}},
			Pending: true, Images: 1})
	}
	url := func(img *Image, _ bool) string { return "https://example.com/r/" + img.Thumb }
	full := Markdown(rep, MarkdownOptions{Limit: StepSummaryLimit, ImageURL: url})
	if strings.Contains(full, "more not shown") || strings.Count(full, "| <code>image.tile") != 500 {
		t.Fatalf("under the limit, every row is shown")
	}
	if !strings.Contains(full, "<details><summary>480 more changes</summary>") {
		t.Errorf("rows past the first %d fold into <details>", tableRows)
	}
	for _, limit := range []int{4096, 20000, CommentLimit} {
		md := Markdown(rep, MarkdownOptions{Limit: limit, ImageURL: url})
		if len(md) > limit {
			t.Errorf("limit %d: %d bytes", limit, len(md))
		}
		shown := strings.Count(md, "| <code>image.tile")
		if shown == 0 || shown == 500 {
			t.Fatalf("limit %d: %d rows shown", limit, shown)
		}
		if !strings.Contains(md, fmt.Sprintf("\nand %d more not shown here", 500-shown)) {
			t.Errorf("limit %d: %d rows shown, no \"and %d more\" line:\n%s", limit, shown, 500-shown, md[len(md)-300:])
		}
		if !strings.HasPrefix(md, "### seedform review\n\n**500 assets will change: 500 changed; up to 500 images to generate.**") {
			t.Errorf("limit %d: the headline is lost: %.200s", limit, md)
		}
	}
}

// Text from the config never becomes Markdown or HTML markup.
func TestMarkdownEscapes(t *testing.T) {
	t.Parallel()
	rep := &Report{FormatVersion: FormatVersion, Source: "plan", Items: []*Item{{
		Address: `image.x["a|b<script>"]`, Action: "replace", Status: StatusChanged,
		Reasons: []string{"**bold** [link](http://x) @someone\nnext | cell"},
	}}}
	md := Markdown(rep, MarkdownOptions{})
	for _, bad := range []string{"<script>", "a|b", "**bold**", "](", "@someone", "\nnext"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown holds %q unescaped:\n%s", bad, md)
		}
	}
}

func TestPromptDiff(t *testing.T) {
	t.Parallel()
	got := promptDiff("A lighthouse at dawn, flat pastel", "A lighthouse at dusk, flat pastel")
	want := []worddiff.Span{{Text: "A lighthouse at", Op: worddiff.Kept}, {Text: "dawn,", Op: worddiff.Removed},
		{Text: "dusk,", Op: worddiff.Added}, {Text: "flat pastel", Op: worddiff.Kept}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	long := strings.Repeat("word ", 1100)
	if got := promptDiff(long, long+"more"); len(got) != 2 || !got[0].Removed() || !got[1].Added() {
		t.Errorf("a prompt too long to diff: %d spans, want removed then added", len(got))
	}
}

// An image claiming a size no model makes is not decoded: it gets no
// thumbnail and is marked missing, and the report still completes.
func TestThumbRefusesHugeImage(t *testing.T) {
	t.Parallel()
	var hdr bytes.Buffer
	png.Encode(&hdr, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := hdr.Bytes()
	// IHDR's width and height follow the 8-byte signature, the chunk
	// length and type; its CRC covers the type and the 13 data bytes.
	copy(b[16:24], []byte{0, 1, 0, 0, 0, 1, 0, 0}) // 65536 x 65536
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if cfg, err := png.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width != 65536 {
		t.Fatalf("the forged header does not read as 65536 wide: %v %v", cfg, err)
	}
	rep := &Report{Items: []*Item{{Address: "image.x", After: []Image{{Path: "x.png", SHA256: strings.Repeat("b", 64),
		read: func(context.Context) ([]byte, error) { return b, nil }}}}}}
	if err := WriteThumbs(context.Background(), rep, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if img := rep.Items[0].After[0]; img.Thumb != "" || !img.Missing {
		t.Fatalf("a 65536x65536 image got a thumbnail: %+v", img)
	}
}

func TestThumbnailFits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ w, h, ww, wh int }{{2848, 1600, 480, 269}, {600, 900, 320, 480}, {64, 64, 64, 64}, {4000, 10, 480, 1}} {
		got := Thumbnail(image.NewRGBA(image.Rect(0, 0, tc.w, tc.h)), ThumbSize).Bounds()
		if got.Dx() != tc.ww || got.Dy() != tc.wh {
			t.Errorf("%dx%d: thumbnail %dx%d, want %dx%d", tc.w, tc.h, got.Dx(), got.Dy(), tc.ww, tc.wh)
		}
	}
}

// Files at a revision come through one git cat-file --batch: contents
// exactly, a missing file as fs.ErrNotExist, a directory as an error,
// and the reader still in step afterwards.
func TestRevReadFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRepo(t)
	os.MkdirAll(filepath.Join(r.dir, "a dir"), 0o755)
	want := []byte("two\nlines, no newline at the end")
	os.WriteFile(filepath.Join(r.dir, "a dir", "f i le.txt"), want, 0o644)
	os.WriteFile(filepath.Join(r.dir, "empty"), nil, 0o644)
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "files")
	rev, err := OpenRev(ctx, r.dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	defer rev.Close()
	for range 2 {
		if got, err := rev.ReadFile(ctx, "a dir/f i le.txt"); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("ReadFile: %q, %v", got, err)
		}
		if _, err := rev.ReadFile(ctx, "nope.png"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("a missing file: %v, want fs.ErrNotExist", err)
		}
		if _, err := rev.ReadFile(ctx, "a dir"); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("a directory: %v, want an error", err)
		}
		if got, err := rev.ReadFile(ctx, "empty"); err != nil || len(got) != 0 {
			t.Fatalf("an empty file: %q, %v", got, err)
		}
		for _, bad := range []string{"../../outside", "x\nHEAD:other"} {
			if _, err := rev.ReadFile(ctx, bad); err == nil {
				t.Fatalf("ReadFile(%q) read something", bad)
			}
		}
	}
}

// A report written again into the same directory removes the
// thumbnails the new one does not show, and nothing else.
func TestWriteThumbsPrunes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := func(c byte, col color.RGBA) Image {
		data := pngOf(t, col, 8, 8)
		return Image{Path: string(c) + ".png", SHA256: strings.Repeat(string(c), 64),
			read: func(context.Context) ([]byte, error) { return data, nil }}
	}
	first := &Report{Items: []*Item{{Address: "image.a", After: []Image{img('a', red), img('b', blue)}}}}
	if err := WriteThumbs(context.Background(), first, dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, ThumbDir, "notes.txt"), []byte("mine"), 0o644)
	second := &Report{Items: []*Item{{Address: "image.a", After: []Image{img('b', blue), img('c', green)}}}}
	if err := WriteThumbs(context.Background(), second, dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, ThumbDir))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{strings.Repeat("b", 32) + ".jpeg", strings.Repeat("c", 32) + ".jpeg", "notes.txt"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("thumbnails (-want +got):\n%s", diff)
	}
}

// A thumbs directory that is a symbolic link would take the thumbnails
// elsewhere: refused, nothing written.
func TestWriteThumbsRefusesSymlink(t *testing.T) {
	t.Parallel()
	dir, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, ThumbDir)); err != nil {
		t.Skip("no symlinks here:", err)
	}
	data := pngOf(t, red, 4, 4)
	rep := &Report{Items: []*Item{{Address: "image.a", After: []Image{{Path: "a.png", SHA256: strings.Repeat("a", 64),
		read: func(context.Context) ([]byte, error) { return data, nil }}}}}}
	if err := WriteThumbs(context.Background(), rep, dir); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("WriteThumbs through a symlink: %v", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Fatalf("wrote %d file(s) through the link", len(entries))
	}
}
