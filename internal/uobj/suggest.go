package uobj

import (
	"sort"
	"strings"
)

// suggestion formats up to three names closest to name by edit distance, or
// "" when none is close enough to be a plausible typo.
func suggestion(name string, names []string) string {
	near := Closest(name, names, 3)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(near, ", ") + "?"
}

// Closest returns up to n names within a typo's distance of name (at most
// half its length, at least 2), nearest first, then alphabetical. disasm
// uses it for kernel function names too.
func Closest(name string, names []string, n int) []string {
	limit := max(2, len(name)/2)
	type scored struct {
		name string
		d    int
	}
	var hits []scored
	for _, c := range names {
		if diff := len(c) - len(name); diff > limit || -diff > limit {
			continue
		}
		if d := levenshtein(name, c); d <= limit {
			hits = append(hits, scored{c, d})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].d != hits[j].d {
			return hits[i].d < hits[j].d
		}
		return hits[i].name < hits[j].name
	})
	var out []string
	for i := 0; i < len(hits) && i < n; i++ {
		out = append(out, hits[i].name)
	}
	return out
}

// levenshtein is the edit distance between two byte strings, counting a
// swap of two neighbours as one edit (the optimal-string-alignment variant):
// "getpdi" is then closer to getpid than to getpgid, as a typist expects.
func levenshtein(a, b string) int {
	pp := make([]int, len(b)+1) // row i-2
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(b)]
}
