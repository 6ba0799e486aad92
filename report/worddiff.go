package report

import "strings"

// Span is one run of a word diff: kept, removed (Old) or added (New).
type Span struct {
	Text string
	Op   byte // '=' kept, '-' removed, '+' added
}

// Removed reports whether the span is only in the old text.
func (s Span) Removed() bool { return s.Op == '-' }

// Added reports whether the span is only in the new text.
func (s Span) Added() bool { return s.Op == '+' }

// maxDiffWords bounds the quadratic word diff; longer prompts are shown
// as removed then added.
const maxDiffWords = 2000

// WordDiff compares two texts word by word (spaces kept with the word
// before them), so that a reviewer sees the words a prompt gained and lost.
func WordDiff(old, now string) []Span {
	a, b := words(old), words(now)
	if len(a) > maxDiffWords || len(b) > maxDiffWords {
		return merge(nil, Span{old, '-'}, Span{now, '+'})
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
	var out []Span
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = merge(out, Span{a[i], '='})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			out = merge(out, Span{a[i], '-'})
			i++
		default:
			out = merge(out, Span{b[j], '+'})
			j++
		}
	}
	return out
}

// words splits s after each run of spaces, so that joining gives s back.
func words(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexAny(s, " \t\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		j := i
		for j < len(s) && strings.ContainsRune(" \t\n", rune(s[j])) {
			j++
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out
}

// merge appends spans, joining a span to the last one of the same kind.
func merge(out []Span, spans ...Span) []Span {
	for _, s := range spans {
		if s.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == s.Op {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}
