package compile

import (
	"sort"

	"github.com/surftrace/surftrace/internal/suggest"
)

func sortStrings(s []string) { sort.Strings(s) }

// closest and didYouMean are how every "unknown X" error of the compiler
// suggests real names (internal/suggest ranks them).
func closest(name string, cands []string, n int) []string { return suggest.Closest(name, cands, n) }

func didYouMean(c []string) string { return suggest.DidYouMean(c) }
