package compile

import (
	"sort"
	"strings"
)

func sortStrings(s []string) { sort.Strings(s) }

// closest returns up to n candidates nearest to name by edit distance,
// with substring matches first; it is how every "unknown X" error
// suggests the real names.
func closest(name string, cands []string, n int) []string {
	type sc struct {
		s string
		d int
	}
	var best []sc
	limit := max(2, len(name)/2)
	for _, c := range cands {
		d := levenshtein(name, c)
		if strings.Contains(c, name) || strings.Contains(name, c) && len(c) > 2 {
			d = min(d, 1+abs(len(c)-len(name))/4)
		}
		if d <= limit {
			best = append(best, sc{c, d})
		}
	}
	sort.SliceStable(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		return best[i].s < best[j].s
	})
	var out []string
	seen := map[string]bool{}
	for _, b := range best {
		if !seen[b.s] {
			seen[b.s] = true
			out = append(out, b.s)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func levenshtein(a, b string) int {
	if a == b {
		return 0
	}
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
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// didYouMean formats suggestions.
func didYouMean(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return "did you mean: " + strings.Join(c, ", ") + "?"
}
