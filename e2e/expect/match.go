package expect

import (
	"fmt"
	"strings"
)

// Outcome is the verdict on one check.
type Outcome struct {
	Check Check
	OK    bool
	// Why says what went wrong, or for a "line" check which line matched.
	Why string
}

// Result is the verdict on a whole output.
type Result struct {
	Outcomes []Outcome
	Failed   int
}

// OK reports whether every check passed.
func (r Result) OK() bool { return r.Failed == 0 }

// span is the part of the output the checks look at: lines [lo, hi).
type span struct{ lo, hi int }

// Match runs every check against the output lines.
func (w *Want) Match(out []string) Result {
	var r Result
	sp := span{0, len(out)}
	next := 0 // where the next "line" check starts looking: the last match
	for _, c := range w.Checks {
		o := Outcome{Check: c}
		switch c.Kind {
		case Section:
			var ok bool
			if sp, ok = section(out, c.Title); ok {
				o.OK, o.Why = true, fmt.Sprintf("lines %d-%d", sp.lo+1, sp.hi)
			} else {
				o.Why = "no such heading in the output"
			}
			next = sp.lo
		case Line:
			o.OK, o.Why, next = matchLine(c, out, sp, max(next, sp.lo))
		case Every:
			o.OK, o.Why = matchEvery(c, out, sp)
		case None:
			o.OK = true
			for i := sp.lo; i < sp.hi; i++ {
				if c.Re.MatchString(out[i]) {
					o.OK, o.Why = false, fmt.Sprintf("line %d matches", i+1)
					break
				}
			}
		case Count, AtLeast:
			n := 0
			for i := sp.lo; i < sp.hi; i++ {
				if c.Re.MatchString(out[i]) {
					n++
				}
			}
			o.OK = n == c.N || (c.Kind == AtLeast && n > c.N)
			o.Why = fmt.Sprintf("%d lines match", n)
		}
		if !o.OK {
			r.Failed++
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	return r
}

// section finds the lines under the heading "# == title", up to the next
// heading. An absent heading gives an empty span, so its checks fail too.
func section(out []string, title string) (span, bool) {
	for i, l := range out {
		if l != HeadingPrefix+title {
			continue
		}
		end := i + 1
		for end < len(out) && !strings.HasPrefix(out[end], HeadingPrefix) {
			end++
		}
		return span{i + 1, end}, true
	}
	return span{len(out), len(out)}, false
}

func matchLine(c Check, out []string, sp span, from int) (bool, string, int) {
	for i := from; i < sp.hi; i++ {
		if c.Re.MatchString(out[i]) {
			return true, fmt.Sprintf("line %d", i+1), i
		}
	}
	for i := sp.lo; i < from; i++ {
		if c.Re.MatchString(out[i]) {
			return false, fmt.Sprintf("only line %d matches, before the previous check's line %d", i+1, from+1), from
		}
	}
	if from > sp.lo {
		return false, fmt.Sprintf("no line from line %d on matches", from+1), from
	}
	return false, "no line matches", from
}

func matchEvery(c Check, out []string, sp span) (bool, string) {
	n := 0
	for i := sp.lo; i < sp.hi; i++ {
		if IsNote(out[i]) {
			continue
		}
		n++
		if !c.Re.MatchString(out[i]) {
			return false, fmt.Sprintf("line %d does not match", i+1)
		}
	}
	if n == 0 {
		return false, "the tool printed no lines"
	}
	return true, ""
}

// Report renders the checks with their verdicts and the numbered output:
// the readable diff of a failing scenario.
func (r Result) Report(file string, out []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected (%s), %d of %d checks failed:\n", file, r.Failed, len(r.Outcomes))
	for _, o := range r.Outcomes {
		mark := "  ok  "
		if !o.OK {
			mark = "  FAIL"
		}
		fmt.Fprintf(&b, "%s %-3d %s", mark, o.Check.Pos, o.Check.Src)
		if o.Why != "" {
			fmt.Fprintf(&b, "    ← %s", o.Why)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "got (%d lines):\n", len(out))
	for i, l := range out {
		fmt.Fprintf(&b, "  %3d| %s\n", i+1, l)
	}
	return b.String()
}
