package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/worddiff"
)

// sensitiveText is what every view shows for a sensitive value.
const sensitiveText = "(sensitive value)"

// attrLines renders a change's attributes as Terraform does: "+ name =
// value" for a new asset, "~ name = before -> after" for a changed one,
// with "# forces replacement" where it does. Values are shown whole.
func (h *Human) attrLines(c *pipeline.Change) []string {
	var lines []string
	width := 0
	for _, a := range c.Info().Attrs {
		width = max(width, len(a.Name))
	}
	for _, a := range c.Info().Attrs {
		name := a.Name + strings.Repeat(" ", width-len(a.Name))
		switch {
		case a.Before == nil && !(a.Sensitive && c.Action != pipeline.Create):
			lines = append(lines, fmt.Sprintf("%s %s = %s", h.paint(green, "+"), name, h.value(a.After, a.Sensitive, a.AfterUnknown)))
		case a.Name == "meta" && !a.Sensitive && isObject(a.Before) && isObject(a.After):
			lines = append(lines, h.objectDiff(name, a.Before, a.After)...)
		default:
			line := fmt.Sprintf("%s %s = %s", h.paint(yellow, "~"), name, h.change(a))
			if a.ForcesReplacement {
				line += " " + h.paint(red, "# forces replacement")
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// wrap breaks line at spaces so that, indented by indent, no piece is
// wider than h.Width; continuation lines line up after the first " = ".
// With no width (not a terminal: a CI log) the line is kept whole.
func (h *Human) wrap(line string, indent int) []string {
	if h.Width <= 0 || visibleLen(line)+indent <= h.Width {
		return []string{line}
	}
	hang := strings.Index(line, " = ") + 3
	if hang < 3 || hang > h.Width/2 {
		hang = 4
	}
	var out []string
	cur := ""
	for _, w := range strings.Split(line, " ") {
		width := h.Width - indent
		if len(out) > 0 {
			width -= hang
		}
		if cur != "" && visibleLen(cur)+1+visibleLen(w) > width {
			out = append(out, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	out = append(out, cur)
	for i := 1; i < len(out); i++ {
		out[i] = strings.Repeat(" ", hang) + out[i]
	}
	return out
}

// visibleLen is the width of s on a terminal: colour codes take none.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc:
			esc = r != 'm'
		default:
			n++
		}
	}
	return n
}

// change renders before -> after; two long strings as one text with the
// words that changed marked, so that the change is always in sight.
func (h *Human) change(a pipeline.AttrChange) string {
	if a.Sensitive {
		return sensitiveText
	}
	if bytes.Equal(a.Before, a.After) {
		// The same names, other content: a reference file that changed.
		return h.value(a.After, false, false) + " (content changed)"
	}
	var was, is string
	if json.Unmarshal(a.Before, &was) == nil && json.Unmarshal(a.After, &is) == nil && len(was)+len(is) > 80 {
		return h.wordDiff(was, is)
	}
	return h.value(a.Before, false, false) + " -> " + h.value(a.After, false, a.AfterUnknown)
}

// value renders a JSON value in HCL's notation.
func (h *Human) value(v json.RawMessage, sensitive, unknown bool) string {
	switch {
	case sensitive:
		return sensitiveText
	case unknown:
		return "(known after apply)"
	}
	var x any
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	if d.Decode(&x) != nil {
		return string(v)
	}
	return hclValue(x)
}

func hclValue(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = hclValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + " = " + hclValue(x[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return fmt.Sprint(x)
}

func isObject(v json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(v, &m) == nil && m != nil
}

// objectDiff shows a changed object key by key: "~ alt = "a" -> "b"".
func (h *Human) objectDiff(name string, before, after json.RawMessage) []string {
	var was, is map[string]json.RawMessage
	_ = json.Unmarshal(before, &was)
	_ = json.Unmarshal(after, &is)
	keys := map[string]bool{}
	for k := range was {
		keys[k] = true
	}
	for k := range is {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	lines := []string{fmt.Sprintf("%s %s = {", h.paint(yellow, "~"), name)}
	for _, k := range sorted {
		b, inB := was[k]
		a, inA := is[k]
		switch {
		case !inB:
			lines = append(lines, fmt.Sprintf("    %s %s = %s", h.paint(green, "+"), k, h.value(a, false, false)))
		case !inA:
			lines = append(lines, fmt.Sprintf("    %s %s = %s", h.paint(red, "-"), k, h.value(b, false, false)))
		case !bytes.Equal(a, b):
			lines = append(lines, fmt.Sprintf("    %s %s = %s -> %s", h.paint(yellow, "~"), k, h.value(b, false, false), h.value(a, false, false)))
		}
	}
	return append(lines, "  }")
}

// wordDiff shows two texts as one, the words only in the first marked
// [-removed-] and those only in the second {+added+}, removed first; on a
// terminal in red and green instead.
func (h *Human) wordDiff(was, is string) string {
	spans, ok := worddiff.Diff(was, is)
	if !ok {
		return strconv.Quote(was) + " -> " + strconv.Quote(is)
	}
	mark := func(w string, op worddiff.Op) string {
		switch {
		case op == worddiff.Removed && h.Color:
			return red + w + reset
		case op == worddiff.Removed:
			return "[-" + w + "-]"
		case op == worddiff.Added && h.Color:
			return green + w + reset
		case op == worddiff.Added:
			return "{+" + w + "+}"
		}
		return w
	}
	var out []string
	for _, sp := range spans {
		for _, w := range strings.Fields(sp.Text) {
			out = append(out, mark(w, sp.Op))
		}
	}
	return `"` + strings.Join(out, " ") + `"`
}

// fileLines names the files a change writes, removes, moves or keeps.
func fileLines(c *pipeline.Change) []string {
	var lines []string
	for _, f := range changeFiles(c) {
		switch f.action {
		case "write":
			lines = append(lines, "# writes "+f.path)
		case "remove":
			lines = append(lines, "# removes "+f.path)
		case "move":
			lines = append(lines, "# moves "+f.from+" -> "+f.path)
		case "keep":
			lines = append(lines, "# keeps "+f.path+" (edited by hand)")
		}
	}
	return lines
}

// fileChange is one file a planned change touches, relative to the config
// directory.
type fileChange struct {
	action     string // write, remove, move, keep
	path, from string
}

// changeFiles lists the files a change writes, removes, moves or keeps.
func changeFiles(c *pipeline.Change) []fileChange {
	var out []fileChange
	for _, f := range c.Info().Files {
		out = append(out, fileChange{action: string(f.Action), path: f.Path})
	}
	for _, mv := range c.Info().Moves {
		out = append(out, fileChange{action: "move", path: mv.To, from: mv.From})
	}
	return out
}
