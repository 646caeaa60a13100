package discover

import (
	"fmt"
	"strings"
)

// commonFields are the fields every event has.
var commonFields = []string{"common_pid", "common_preempt_count", "common_flags", "common_type"}

// filter completes the field name at the end of a filter.
func (x *exprCtx) filter(f string) []Candidate {
	i := len(f)
	for i > 0 && isIdent(f[i-1]) {
		i--
	}
	partial := f[i:]
	before := strings.TrimRight(f[:i], " ")
	if before != "" && !strings.HasSuffix(before, "(") && !strings.HasSuffix(before, "&&") &&
		!strings.HasSuffix(before, "||") && !strings.HasSuffix(before, "!") {
		return nil // a value after an operator
	}
	var names []string
	if x.isEvent() {
		if sys, ev, ok := strings.Cut(x.symbol, "/"); ok && x.c.Kernel != nil {
			names, _ = x.c.Kernel.EventFieldNames(sys, ev)
		}
	}
	for _, a := range x.args {
		if n, _, ok := strings.Cut(a, "="); ok {
			names = append(names, n)
		}
	}
	names = append(names, commonFields...)
	var out []Candidate
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, partial) && !seen[n] {
			seen[n] = true
			out = append(out, Candidate{Word: f[:i] + n, Desc: fieldDesc(n)})
		}
	}
	return out
}

func fieldDesc(n string) string {
	if strings.HasPrefix(n, "common_") {
		return "every event's header"
	}
	return fmt.Sprintf("field %s", n)
}
