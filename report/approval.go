package report

import (
	"path"
	"sort"

	"github.com/seedform/seedform/review"
)

// Unapproved is one output whose content is new since the base and has
// no approving verdict.
type Unapproved struct {
	Address string
	// Path is relative to the configuration directory.
	Path   string
	SHA256 string
	// Verdict is "rejected" when a reviewer turned it down, else "".
	Verdict review.Verdict
}

// NeedApproval lists the outputs of now whose content the base did not
// have (at any address or path) and that f does not approve, sorted by
// address and path. Content the base already had needs no new approval;
// an approval follows content, so a moved output keeps it.
func NeedApproval(base, now Side, f *review.File) []Unapproved {
	had := baseContent(base)
	var out []Unapproved
	for addr, e := range now.Lock.Assets {
		for _, o := range e.Outputs {
			if had[o.SHA256] || f.IsApproved(o.SHA256) {
				continue
			}
			out = append(out, Unapproved{Address: addr, Path: path.Join(now.OutputDir, o.Path), SHA256: o.SHA256,
				Verdict: f.Approvals[o.SHA256].Verdict})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Address != out[j].Address {
			return out[i].Address < out[j].Address
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// baseContent is every output content the base has, at any address.
func baseContent(base Side) map[string]bool {
	had := map[string]bool{}
	for _, e := range base.Lock.Assets {
		for _, o := range e.Outputs {
			had[o.SHA256] = true
		}
	}
	return had
}
