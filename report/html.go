package report

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/seedform/seedform/review"
	"github.com/seedform/seedform/worddiff"
)

//go:embed static
var static embed.FS

var pageTemplate = template.Must(template.New("index.html").Funcs(template.FuncMap{
	"dims": func(img *Image) string {
		if img == nil || img.Width == 0 {
			return ""
		}
		return fmt.Sprintf("%d×%d", img.Width, img.Height)
	},
}).ParseFS(static, "static/index.html"))

// page is what the HTML template renders.
type page struct {
	Headline string
	Source   string
	ID       string
	CSS      template.CSS
	JS       template.JS
	Counts   Counts
	Total    int
	// Changed counts changed and moved items, as the filter shows them.
	Changed int
	Items   []pageItem
}

// pageItem is one asset on the page.
type pageItem struct {
	*Item
	ID, Label, Why string
	Pairs          []pair
	Prompt         []worddiff.Span
	OtherDiffs     []AttrDiff
	// Model and Size are shown unless a diff shows them.
	Model, Size string
	// MoreReasons are the plan's reasons that Why does not already say.
	MoreReasons []string
	// SHAs are the current content's sha256s, space-separated: what an
	// approval on the page records.
	SHAs    string
	Verdict review.Verdict
	Note    string
}

// pair is one before image beside its after image (a set has several).
// A side with no image says why in its note.
type pair struct {
	Before, After         *Image
	BeforeNote, AfterNote string
	DimsDiffer            bool
	// Reviewable is set when After is current content a verdict can be
	// given to; OwnButtons when it gets buttons of its own (a set's image).
	Reviewable, OwnButtons bool
}

// WriteHTML renders r as the report's index.html. The page is one file
// with its style and script inside; it loads only the thumbnails, by
// relative path, so it opens from disk or any static host, offline.
func WriteHTML(w io.Writer, r *Report) error {
	css, err := static.ReadFile("static/report.css")
	if err != nil {
		return err
	}
	js, err := static.ReadFile("static/report.js")
	if err != nil {
		return err
	}
	p := page{Headline: r.Headline(), Source: sourceLine(r), ID: reportID(r), Counts: r.Counts(), Total: len(r.Items),
		CSS: template.CSS(css), JS: template.JS(js)}
	p.Changed = p.Counts.Changed + p.Counts.Moved
	for i, it := range r.Items {
		p.Items = append(p.Items, newPageItem(fmt.Sprintf("item-%d", i+1), it))
	}
	return pageTemplate.Execute(w, p)
}

func sourceLine(r *Report) string {
	if r.Base != nil {
		return fmt.Sprintf("Outputs now compared with %s (%s).", r.Base.Ref, r.Base.Commit[:min(12, len(r.Base.Commit))])
	}
	return "What the plan will change; new images are made by the apply."
}

// reportID names the report's content, so that approvals a reviewer
// gave in the browser are kept for this report and no other.
func reportID(r *Report) string {
	h := sha256.New()
	for _, it := range r.Items {
		fmt.Fprintln(h, it.Address, it.Action)
		for _, img := range append(append([]Image(nil), it.Before...), it.After...) {
			fmt.Fprintln(h, img.Path, img.SHA256)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func newPageItem(id string, it *Item) pageItem {
	pi := pageItem{Item: it, ID: id, Label: actionLabel(it), Why: why(it)}
	for _, r := range it.Reasons {
		if r != pi.Why && (len(it.Diffs) == 0 || !strings.HasSuffix(r, " changed")) {
			pi.MoreReasons = append(pi.MoreReasons, r)
		}
	}
	for i := 0; i < max(len(it.Before), len(it.After)); i++ {
		var pr pair
		if i < len(it.Before) {
			pr.Before = &it.Before[i]
		}
		if i < len(it.After) {
			pr.After = &it.After[i]
		}
		switch {
		case pr.Before == nil && it.Status == StatusNew:
			pr.BeforeNote = "new"
		case pr.After == nil && it.Pending:
			pr.AfterNote = "made by the apply"
		case pr.After == nil && it.Status == StatusDeleted:
			pr.AfterNote = "deleted"
		}
		pr.DimsDiffer = pr.Before != nil && pr.After != nil &&
			(pr.Before.Width != pr.After.Width || pr.Before.Height != pr.After.Height)
		pr.Reviewable = pr.After != nil && i < len(it.Current())
		pi.Pairs = append(pi.Pairs, pr)
	}
	if len(it.Current()) > 1 {
		for i := range pi.Pairs {
			pi.Pairs[i].OwnButtons = pi.Pairs[i].Reviewable
		}
	}
	if it.Spec != nil {
		pi.Model, pi.Size = it.Spec.Model, it.Spec.Size
	}
	for _, d := range it.Diffs {
		var old, now string
		if d.Name == "prompt" && json.Unmarshal([]byte(d.Old), &old) == nil && json.Unmarshal([]byte(d.New), &now) == nil {
			pi.Prompt = promptDiff(old, now)
			continue
		}
		switch d.Name {
		case "model":
			pi.Model = ""
		case "size":
			pi.Size = ""
		}
		pi.OtherDiffs = append(pi.OtherDiffs, AttrDiff{Name: d.Name, Old: plainValue(d.Old), New: plainValue(d.New)})
	}
	cur := it.Current()
	shas := make([]string, 0, len(cur))
	approved := len(cur) > 0
	for _, img := range cur {
		shas = append(shas, img.SHA256)
		if img.Verdict == review.Rejected {
			pi.Verdict, pi.Note = review.Rejected, img.Note
		}
		if img.Verdict != review.Approved {
			approved = false
		}
	}
	if approved {
		pi.Verdict, pi.Note = review.Approved, cur[0].Note
	}
	pi.SHAs = strings.Join(shas, " ")
	return pi
}

// plainValue shows a JSON string value as its text; other values (numbers,
// lists, null) as they are.
func plainValue(v string) string {
	var s string
	if json.Unmarshal([]byte(v), &s) == nil {
		return s
	}
	return v
}

// promptDiff is a changed prompt word by word; one too long to diff is
// shown removed, then added.
func promptDiff(old, now string) []worddiff.Span {
	if spans, ok := worddiff.Diff(old, now); ok {
		return spans
	}
	return []worddiff.Span{{Text: old, Op: worddiff.Removed}, {Text: now, Op: worddiff.Added}}
}
