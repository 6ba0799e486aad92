package pipeline

import (
	"slices"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
)

// NearestAddr returns the address in candidates that given most likely
// meant, or "" when none is close. It first compares keys without their
// quoting, since a shell turns -target=image.hero["en"] into
// image.hero[en]; then it allows a typo or two (the threshold hclsyntax
// uses for names).
func NearestAddr(given string, candidates []string) string {
	candidates = slices.Sorted(slices.Values(candidates)) // the same answer on every run
	norm := normalAddr(given)
	for _, c := range candidates {
		if normalAddr(c) == norm {
			return c
		}
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(norm, normalAddr(c), nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// normalAddr drops spaces and the quoting of an instance key:
// image.a["x"], image.a['x'], image.a[x] and image.a[ "x" ] all become
// image.a[x].
func normalAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	open := strings.IndexByte(addr, '[')
	if open < 0 || !strings.HasSuffix(addr, "]") {
		return addr
	}
	key := strings.TrimSpace(addr[open+1 : len(addr)-1])
	if k, err := strconv.Unquote(key); err == nil {
		key = k
	} else if len(key) >= 2 && key[0] == '\'' && key[len(key)-1] == '\'' {
		key = key[1 : len(key)-1]
	}
	return strings.TrimSpace(addr[:open]) + "[" + key + "]"
}
