// Package report owns the visual review of what changes: the report
// model (which assets change, their images before and after, what
// changed in their spec), built from a plan or by comparing the lock at a
// git revision with the lock now (reading the revision's files through
// git, with no checkout); the thumbnails; and the renderings, an HTML
// contact sheet that needs no network and Markdown for CI summaries and
// pull-request comments, trimmed to fit their limits.
//
// It reads the lock, the workspace and the review file, and writes only
// into the report directory it is given. It does not decide what a plan
// does (pipeline does) or record approvals (review does).
package report
