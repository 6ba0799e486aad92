package schema

import (
	"fmt"

	"github.com/agext/levenshtein"
)

// Suggestion returns the candidate closest to given, or "" when none is
// close enough to be a likely typo (the same threshold hclsyntax uses).
func Suggestion(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean formats Suggestion as a sentence to append to a detail, with
// a leading space, or "" when there is no suggestion. Provider types use
// it so that their messages read like the language's own.
func DidYouMean(given string, candidates []string) string {
	if s := Suggestion(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}
