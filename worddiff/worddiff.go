// Package worddiff owns the word-level diff of two texts: what a plan and
// a review report show of a changed prompt, the words it lost and gained.
package worddiff

import "strings"

// Op is what a span is to the two texts.
type Op byte

const (
	Kept    Op = '='
	Removed Op = '-' // only in the old text
	Added   Op = '+' // only in the new text
)

// Span is a run of words with one Op, joined by single spaces.
type Span struct {
	Text string
	Op   Op
}

// maxCells bounds the quadratic diff: longer texts are not diffed.
const maxCells = 1 << 20

// Diff compares old and new word by word (words are what strings.Fields
// splits; white space between them is not compared). ok is false when the
// texts are too long to diff, and spans are then nil.
func Diff(old, new string) (spans []Span, ok bool) {
	a, b := strings.Fields(old), strings.Fields(new)
	if len(a)*len(b) > maxCells {
		return nil, false
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			spans = add(spans, a[i], Kept)
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			spans = add(spans, a[i], Removed)
			i++
		default:
			spans = add(spans, b[j], Added)
			j++
		}
	}
	return spans, true
}

// add appends word to the last span when it has the same Op.
func add(spans []Span, word string, op Op) []Span {
	if n := len(spans); n > 0 && spans[n-1].Op == op {
		spans[n-1].Text += " " + word
		return spans
	}
	return append(spans, Span{Text: word, Op: op})
}

// Removed reports whether the span is only in the old text.
func (s Span) Removed() bool { return s.Op == Removed }

// Added reports whether the span is only in the new text.
func (s Span) Added() bool { return s.Op == Added }
