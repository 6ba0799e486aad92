package report

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
)

// GitHub's limits on Markdown, in characters; a byte count never
// undercounts them.
const (
	CommentLimit     = 65536   // a pull-request comment
	StepSummaryLimit = 1 << 20 // $GITHUB_STEP_SUMMARY
)

// tableRows is how many changes the Markdown shows before folding the
// rest into <details>.
const tableRows = 20

// MarkdownOptions shape the Markdown rendering.
type MarkdownOptions struct {
	// Limit is the most bytes the text may have (CommentLimit when 0).
	Limit int
	// ImageURL is the URL to show an image by, "" for none; before is
	// set for the images before the change.
	ImageURL func(img *Image, before bool) string
	// FullReport, when set, names where the full report is (a URL or a
	// path), for the line that says what was left out.
	FullReport string
}

// Markdown renders r for a CI summary or a pull-request comment: a
// headline, a table of address, action, why and the images before and
// after, the rest of the changes and the spec changes folded into
// <details>, and, when it would not fit Limit, as many rows as fit
// followed by "and N more".
func Markdown(r *Report, o MarkdownOptions) string {
	if o.Limit <= 0 {
		o.Limit = CommentLimit
	}
	head := "### seedform review\n\n**" + mdEscape(r.Headline()) + "**\n"
	if r.Base != nil {
		head += fmt.Sprintf("\nCompared with `%s` (%s).\n", mdCode(r.Base.Ref), r.Base.Commit[:min(12, len(r.Base.Commit))])
	}
	if len(r.Items) == 0 {
		return head
	}
	rows := make([]string, len(r.Items))
	var specs []string
	for i, it := range r.Items {
		rows[i] = mdRow(it, o.ImageURL)
		if s := mdSpec(it); s != "" {
			specs = append(specs, s)
		}
	}
	const tableHead = "\n| asset | action | why | before | after |\n|---|---|---|---|---|\n"
	const moreOpen, moreClose = "\n<details><summary>%d more changes</summary>\n\n| asset | action | why | before | after |\n|---|---|---|---|---|\n", "\n</details>\n"
	const specOpen, specClose = "\n<details><summary>What changed in each spec</summary>\n\n", "\n</details>\n"
	// Room for the wrappers (the count in moreOpen has at most 10
	// digits) and the longest footer, so that whatever is kept fits.
	budget := o.Limit - len(head) - len(tableHead) - len(moreOpen) - 10 - len(moreClose) - len(specOpen) - len(specClose) - len(footer(len(r.Items), o.FullReport))
	shown := 0
	for shown < len(rows) && len(rows[shown]) <= budget {
		budget -= len(rows[shown])
		shown++
	}
	keptSpecs := 0
	for keptSpecs < len(specs) && len(specs[keptSpecs]) <= budget {
		budget -= len(specs[keptSpecs])
		keptSpecs++
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(tableHead)
	for _, row := range rows[:min(shown, tableRows)] {
		b.WriteString(row)
	}
	if shown > tableRows {
		fmt.Fprintf(&b, moreOpen, shown-tableRows)
		for _, row := range rows[tableRows:shown] {
			b.WriteString(row)
		}
		b.WriteString(moreClose)
	}
	if keptSpecs > 0 {
		b.WriteString(specOpen)
		for _, s := range specs[:keptSpecs] {
			b.WriteString(s)
		}
		b.WriteString(specClose)
	}
	if shown < len(rows) {
		b.WriteString(footer(len(rows)-shown, o.FullReport))
	}
	return b.String()
}

func footer(more int, full string) string {
	s := fmt.Sprintf("\nand %d more not shown here, to stay within GitHub's size limit", more)
	if full != "" {
		s += ": see the full report, " + mdEscape(full)
	}
	return s + ".\n"
}

func mdRow(it *Item, url func(*Image, bool) string) string {
	addr := "<code>" + mdEscape(it.Address) + "</code>"
	if it.PrevAddress != "" {
		addr += " (was <code>" + mdEscape(it.PrevAddress) + "</code>)"
	}
	after := mdImages(it.After, false, url)
	switch {
	case it.Pending && it.Images > 0:
		after = fmt.Sprintf("up to %s, made by apply", plural(it.Images, "image"))
	case it.Pending:
		after = "made by apply"
	}
	if it.Pending && it.Cost != nil {
		if m := it.Cost.MoneyText(); m != "" {
			after += " (" + mdEscape(m) + ")"
		}
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s%s |\n", addr, mdEscape(actionLabel(it)), mdEscape(why(it)), mdImages(it.Before, true, url), after, verdictNote(it))
}

// mdImages is a table cell showing a set's first image (and how many
// more there are).
func mdImages(imgs []Image, before bool, url func(*Image, bool) string) string {
	if len(imgs) == 0 {
		return "—"
	}
	var cell string
	img := &imgs[0]
	if url != nil && !img.Missing {
		if u := url(img, before); u != "" {
			cell = fmt.Sprintf(`<img src="%s" width="120" alt="%s">`, html.EscapeString(u), mdEscape(img.Path))
		}
	}
	if cell == "" {
		cell = "<code>" + mdEscape(img.Path) + "</code>"
	}
	if img.Missing {
		cell += " (missing)"
	}
	if len(imgs) > 1 {
		cell += fmt.Sprintf(" +%d", len(imgs)-1)
	}
	return cell
}

// mdSpec is one asset's spec changes as a list, "" when none.
func mdSpec(it *Item) string {
	if len(it.Diffs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**<code>%s</code>**\n", mdEscape(it.Address))
	for _, d := range it.Diffs {
		var old, now string
		if d.Name == "prompt" && json.Unmarshal([]byte(d.Old), &old) == nil && json.Unmarshal([]byte(d.New), &now) == nil {
			b.WriteString("- prompt: ")
			for i, s := range promptDiff(old, now) {
				if i > 0 {
					b.WriteString(" ")
				}
				switch {
				case s.Removed():
					b.WriteString("<del>" + mdEscape(s.Text) + "</del>")
				case s.Added():
					b.WriteString("<ins>" + mdEscape(s.Text) + "</ins>")
				default:
					b.WriteString(mdEscape(s.Text))
				}
			}
			b.WriteString("\n")
			continue
		}
		fmt.Fprintf(&b, "- %s: <code>%s</code> → <code>%s</code>\n", mdEscape(d.Name), mdEscape(d.Old), mdEscape(d.New))
	}
	return b.String() + "\n"
}

// mdEscape makes text safe inside a Markdown table cell that GitHub
// renders as HTML: no markup, no column break, no line break, no
// Markdown emphasis or links.
func mdEscape(s string) string {
	s = html.EscapeString(s)
	r := strings.NewReplacer("|", "&#124;", "\n", " ", "\r", " ", "`", "&#96;", "*", "&#42;", "_", "&#95;",
		"[", "&#91;", "]", "&#93;", "\\", "&#92;", "~", "&#126;", "@", "&#64;")
	return r.Replace(s)
}

// mdCode is text for inside backticks.
func mdCode(s string) string { return strings.NewReplacer("`", "'", "\n", " ", "|", "/").Replace(s) }
