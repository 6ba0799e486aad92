package spec

import "github.com/seedform/seedform/schema"

// nameSuggestion returns the candidate closest to given, or "".
func nameSuggestion(given string, candidates []string) string {
	return schema.Suggestion(given, candidates)
}

// didYouMean formats nameSuggestion as a sentence to append to a detail.
func didYouMean(given string, candidates []string) string {
	return schema.DidYouMean(given, candidates)
}
