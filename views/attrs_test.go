package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/pipeline"
)

// A long prompt's change shows the words that changed, marked without
// colour and in colour on a terminal, whole in a log and wrapped to a
// terminal's width.
func TestLongPromptDiff(t *testing.T) {
	t.Parallel()
	was := "A poster of a lighthouse at dawn featuring a steady beam over a calm sea, soft watercolor palette"
	is := "A poster of a lighthouse at dusk featuring a steady beam over a calm sea, soft watercolor palette"
	c := &pipeline.Change{Addr: "image.hero", Action: pipeline.Replace, Details: &pipeline.Details{Attrs: []pipeline.AttrChange{
		{Name: "prompt", Before: []byte(`"` + was + `"`), After: []byte(`"` + is + `"`), ForcesReplacement: true},
	}}}
	var buf bytes.Buffer
	(&Human{W: &buf}).Plan(&pipeline.Plan{Changes: []*pipeline.Change{c}})
	want := `      ~ prompt = "A poster of a lighthouse at [-dawn-] {+dusk+} featuring a steady beam over a calm sea, soft watercolor palette" # forces replacement` + "\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("plan lacks\n%s\ngot\n%s", want, buf.String())
	}

	buf.Reset()
	(&Human{W: &buf, Color: true, Width: 60}).Plan(&pipeline.Plan{Changes: []*pipeline.Change{c}})
	out := buf.String()
	if !strings.Contains(out, red+"dawn"+reset) || !strings.Contains(out, green+"dusk"+reset) {
		t.Errorf("colours missing:\n%q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if n := visibleLen(line); n > 60 && strings.HasPrefix(line, "      ") {
			t.Errorf("line of %d columns on a 60-column terminal: %q", n, line)
		}
	}
	if !strings.Contains(out, "\n                 ") {
		t.Errorf("continuation lines are not hung under the value:\n%s", out)
	}
}

// The word diff keeps every word of both texts, in order.
func TestWordDiff(t *testing.T) {
	t.Parallel()
	h := &Human{}
	for _, tt := range []struct{ was, is, want string }{
		{"a b c", "a x c", `"a [-b-] {+x+} c"`},
		{"a b c", "a b c d", `"a b c {+d+}"`},
		{"one two", "two", `"[-one-] two"`},
		{"", "new words", `"{+new+} {+words+}"`},
	} {
		if diff := cmp.Diff(tt.want, h.wordDiff(tt.was, tt.is)); diff != "" {
			t.Errorf("wordDiff(%q, %q) (-want +got):\n%s", tt.was, tt.is, diff)
		}
	}
}

// A new asset lists every attribute, a sensitive one hidden; a changed
// one each change, a reference file by name with "(content changed)".
func TestAttrLines(t *testing.T) {
	t.Parallel()
	create := &pipeline.Change{Addr: "image.a", Action: pipeline.Create, Details: &pipeline.Details{Attrs: []pipeline.AttrChange{
		{Name: "model", After: []byte(`"doubao-seedream-4-5-251128"`)},
		{Name: "prompt", Sensitive: true},
		{Name: "references", After: []byte(`["refs/girl.png","image.base"]`)},
		{Name: "meta", After: []byte(`{"alt":"A girl"}`)},
	}}}
	replace := &pipeline.Change{Addr: "image.b", Action: pipeline.Replace, Details: &pipeline.Details{Attrs: []pipeline.AttrChange{
		{Name: "references", Before: []byte(`["refs/girl.png"]`), After: []byte(`["refs/girl.png"]`), ForcesReplacement: true},
		{Name: "seed", Before: []byte(`null`), After: []byte(`42`), ForcesReplacement: true},
	}}}
	h := &Human{}
	for _, tt := range []struct {
		c    *pipeline.Change
		want []string
	}{
		{create, []string{
			`+ model      = "doubao-seedream-4-5-251128"`,
			`+ prompt     = (sensitive value)`,
			`+ references = ["refs/girl.png", "image.base"]`,
			`+ meta       = { alt = "A girl" }`,
		}},
		{replace, []string{
			`~ references = ["refs/girl.png"] (content changed) # forces replacement`,
			`~ seed       = null -> 42 # forces replacement`,
		}},
	} {
		if diff := cmp.Diff(tt.want, h.attrLines(tt.c)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.c.Addr, diff)
		}
	}
}
