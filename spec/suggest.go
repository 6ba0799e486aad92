package spec

import (
	"fmt"

	"github.com/agext/levenshtein"
)

// nameSuggestion returns the candidate closest to given, or "" when none is
// close enough to be a likely typo (the same threshold hclsyntax uses).
func nameSuggestion(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean formats nameSuggestion as a sentence to append to a detail,
// with a leading space, or "" when there is no suggestion.
func didYouMean(given string, candidates []string) string {
	if s := nameSuggestion(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}
