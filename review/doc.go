// Package review owns seedform.review.json, the approvals reviewers give
// to generated outputs. An approval is keyed by the output's content (its
// sha256), not by its path or address, so it survives moves, renames,
// pushes and rebases: the same bytes stay approved wherever they go.
//
// The file is its own versioned format, written deterministically with one
// line per approval, sorted by content, so that approvals added on two
// branches merge without conflict. The package reads it strictly, merges
// approvals (an export from the HTML report, say) and answers whether a
// content is approved. It knows nothing of plans, the lock or git.
package review
