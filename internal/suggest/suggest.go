// Package suggest finds the real names closest to a misspelt one: the
// "did you mean" of every error that names an unknown function, member,
// field, event or register. One implementation, so that every message
// ranks candidates the same way.
package suggest

import (
	"sort"
	"strings"
)

// Closest returns up to n of names nearest to name: names that contain it
// (or that it contains) first, shortest first, then names within a typo's
// edit distance (a third of its length plus one, at least 2), nearest
// first.
func Closest(name string, names []string, n int) []string {
	seen := map[string]bool{name: true}
	var out []string
	var sub []string
	for _, c := range names {
		if !seen[c] && len(name) >= 3 && (strings.Contains(c, name) || len(c) >= 3 && strings.Contains(name, c)) {
			seen[c] = true
			sub = append(sub, c)
		}
	}
	sort.Slice(sub, func(i, j int) bool {
		if len(sub[i]) != len(sub[j]) {
			return len(sub[i]) < len(sub[j])
		}
		return sub[i] < sub[j]
	})
	out = append(out, sub[:min(len(sub), n)]...)
	for _, c := range Typos(name, names, n) {
		if len(out) == n {
			break
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Typos returns up to n names within a typo's distance of name (a third
// of its length plus one, at least 2), nearest first, then alphabetical.
func Typos(name string, names []string, n int) []string {
	limit := max(2, len(name)/3+1)
	type scored struct {
		name string
		d    int
	}
	var hits []scored
	for _, c := range names {
		if diff := len(c) - len(name); diff > limit || -diff > limit {
			continue
		}
		if d := Distance(name, c); d <= limit {
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
	for i := 0; i < len(hits) && len(out) < n; i++ {
		if i == 0 || hits[i].name != hits[i-1].name {
			out = append(out, hits[i].name)
		}
	}
	return out
}

// Distance is the edit distance between two byte strings, counting a swap
// of two neighbours as one edit (the optimal-string-alignment variant):
// "getpdi" is then closer to getpid than to getpgid, as a typist expects.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
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

// DidYouMean phrases candidates: "did you mean a, b?" ("" for none).
func DidYouMean(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return "did you mean " + strings.Join(c, ", ") + "?"
}

// DidYouMeanTail is DidYouMean to end a sentence with: "; did you mean
// a, b?", or "" without candidates.
func DidYouMeanTail(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return "; " + DidYouMean(c)
}
