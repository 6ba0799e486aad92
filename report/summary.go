package report

import (
	"fmt"
	"strings"

	"github.com/seedform/seedform/review"
)

// Counts are how many items the report has of each status.
type Counts struct {
	New, Changed, Moved, Deleted int
	// Images is how many images the plan's changes may generate.
	Images int
	// Unapproved counts the items needing review that are not approved.
	Unapproved int
}

// Counts counts r's items.
func (r *Report) Counts() Counts {
	var c Counts
	for _, it := range r.Items {
		switch it.Status {
		case StatusNew:
			c.New++
		case StatusChanged:
			c.Changed++
		case StatusMoved:
			c.Moved++
		case StatusDeleted:
			c.Deleted++
		}
		if it.Pending {
			c.Images += it.Images
		}
		if it.NeedsReview && !it.Approved() {
			c.Unapproved++
		}
	}
	return c
}

// Headline is the report in one sentence: what changes, how many images.
func (r *Report) Headline() string {
	c := r.Counts()
	n := len(r.Items)
	if n == 0 {
		if r.Base != nil {
			return fmt.Sprintf("No image changed since %s.", r.Base.Ref)
		}
		return "No changes: the outputs match the configuration."
	}
	var parts []string
	for _, p := range []struct {
		n    int
		word string
	}{{c.New, "new"}, {c.Changed, "changed"}, {c.Moved, "moved"}, {c.Deleted, "deleted"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	subject := plural(n, "asset")
	var s string
	if r.Base != nil {
		s = fmt.Sprintf("%s changed since %s: %s", subject, r.Base.Ref, strings.Join(parts, ", "))
	} else {
		s = fmt.Sprintf("%s will change: %s", subject, strings.Join(parts, ", "))
	}
	if c.Images > 0 {
		s += fmt.Sprintf("; up to %s to generate", plural(c.Images, "image"))
	}
	if r.Cost != nil {
		if m := r.Cost.MoneyText(); m != "" {
			s += ", " + m
		}
	}
	if c.Unapproved > 0 {
		s += fmt.Sprintf("; %d awaiting approval", c.Unapproved)
	}
	return s + "."
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// actionLabel is an item's action in a reviewer's words.
func actionLabel(it *Item) string {
	switch it.Action {
	case "create":
		return "generate"
	case "replace":
		return "regenerate"
	case "update":
		return "update manifest"
	case "recover":
		return "recover"
	case "accept":
		return "accept edit"
	}
	return it.Action
}

// why is an item's reason in a few words: the attributes that changed,
// or the plan's first reason.
func why(it *Item) string {
	if len(it.Diffs) > 0 {
		names := make([]string, len(it.Diffs))
		for i, d := range it.Diffs {
			names[i] = d.Name
		}
		return strings.Join(names, ", ") + " changed"
	}
	if it.PrevAddress != "" {
		return "renamed from " + it.PrevAddress
	}
	if len(it.Reasons) > 0 {
		return it.Reasons[0]
	}
	switch it.Status {
	case StatusNew:
		return "new asset"
	case StatusDeleted:
		return "removed from the configuration"
	case StatusMoved:
		return "files moved"
	}
	return ""
}

// Approved reports whether every current image of the item is approved.
func (it *Item) Approved() bool {
	cur := it.Current()
	for _, img := range cur {
		if img.Verdict != review.Approved {
			return false
		}
	}
	return len(cur) > 0
}

// verdictNote is a Markdown cell's word on the item's verdict.
func verdictNote(it *Item) string {
	cur := it.Current()
	for _, img := range cur {
		if img.Verdict == review.Rejected {
			return " ✗ rejected"
		}
	}
	if it.Approved() {
		return " ✓ approved"
	}
	return ""
}
