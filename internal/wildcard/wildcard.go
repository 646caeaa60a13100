// Package wildcard expands a probe point with glob characters into one
// expression per match: `p tcp_v4_*` over the kernel's traceable
// functions, `P libc:str*` over an object's functions, `e
// syscalls/sys_enter_exec*` over the trace events. Each match is then
// compiled as if written by hand, so it is typed from its own prototype.
//
// Expansion works on the expression's text, before parsing: the target
// word is replaced by each matching name and the rest of the expression
// is kept as written. Matching is path.Match's glob (* ? [...]), on the
// function name or on SUBSYS/EVENT.
package wildcard

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
)

// Sentinel errors, wrapped by the *expr.Error values Expand returns.
var (
	// ErrNoMatch: the pattern matches nothing.
	ErrNoMatch = errors.New("no match")
	// ErrTooMany: the pattern matches more than the cap.
	ErrTooMany = errors.New("too many matches")
)

// DefaultMax is the expansion cap unless raised: a thousand probes is
// the order of what one run can attach in seconds.
const DefaultMax = 1000

// Names lists what a pattern may match, per probe kind.
type Names struct {
	// Kernel lists traceable kernel function names (p, r).
	Kernel func() ([]string, error)
	// Events lists trace events as SUBSYS/EVENT (e).
	Events func() ([]string, error)
	// User lists the function names of the object OBJ (P, R).
	User func(obj string) ([]string, error)
}

// Has reports whether s holds glob characters.
func Has(s string) bool { return strings.ContainsAny(s, "*?[") }

// Match is one expansion of a pattern.
type Match struct {
	Src     string // the expression with the target replaced
	Name    string // the matched function or SUBSYS/EVENT
	Pattern string // the pattern as written
}

// Expand returns src unchanged (one Match with an empty Pattern) when its
// target has no glob characters, else one Match per matching name, in
// name order. More than max matches (0: DefaultMax) is an error saying
// how to raise the cap.
func Expand(src string, names Names, max int) ([]Match, error) {
	kind, start, end, ok := targetWord(src)
	if !ok || !Has(src[start:end]) {
		return []Match{{Src: src}}, nil
	}
	if max <= 0 {
		max = DefaultMax
	}
	word := src[start:end]
	// The glob covers the function (or SUBSYS/EVENT) only: an object
	// before ':' and an offset after '+' are kept as written.
	prefix, pat, suffix := word, "", ""
	switch kind {
	case 'P', 'R':
		i := strings.LastIndexByte(word, ':')
		if i < 0 {
			return []Match{{Src: src}}, nil // the parser reports it
		}
		prefix, pat = word[:i+1], word[i+1:]
	case 'e':
		prefix, pat = "", word
	default:
		prefix, pat = "", word
		if i := strings.LastIndexByte(word, ':'); i >= 0 { // MODULE:func
			prefix, pat = word[:i+1], word[i+1:]
		}
	}
	if kind != 'e' {
		if i := strings.IndexByte(pat, '+'); i >= 0 {
			pat, suffix = pat[:i], pat[i:]
		}
	}
	if _, err := path.Match(pat, ""); err != nil {
		return nil, expr.Errorf(src, start+len(prefix), len(pat), ErrNoMatch, "bad pattern %q: %v", pat, err).
			WithHint("* matches any run of characters, ? one, [abc] one of a set")
	}
	var list []string
	var err error
	var what string
	switch kind {
	case 'e':
		what = "trace event"
		if names.Events != nil {
			list, err = names.Events()
		}
	case 'P', 'R':
		what = "function of " + strings.TrimSuffix(prefix, ":")
		if names.User != nil {
			list, err = names.User(strings.TrimSuffix(prefix, ":"))
		}
	default:
		what = "traceable kernel function"
		if names.Kernel != nil {
			list, err = names.Kernel()
		}
	}
	if err != nil {
		return nil, expr.Errorf(src, start, end-start, ErrNoMatch, "cannot expand %s: %v", word, err)
	}
	var hits []string
	seen := map[string]bool{}
	for _, n := range list {
		if ok, _ := path.Match(pat, n); ok && !seen[n] {
			seen[n] = true
			hits = append(hits, n)
		}
	}
	if len(hits) == 0 {
		return nil, expr.Errorf(src, start+len(prefix), len(pat), ErrNoMatch, "no %s matches %s", what, pat)
	}
	if len(hits) > max {
		return nil, expr.Errorf(src, start+len(prefix), len(pat), ErrTooMany, "%s matches %d of them, more than %d", pat, len(hits), max).
			WithHint(fmt.Sprintf("narrow the pattern, or raise the cap with --max-matches %d", len(hits)))
	}
	sort.Strings(hits)
	out := make([]Match, len(hits))
	for i, h := range hits {
		out[i] = Match{Src: src[:start] + prefix + h + suffix + src[end:], Name: h, Pattern: word}
	}
	return out, nil
}

// targetWord finds the probe type letter and the target word of an
// expression: the first two words.
func targetWord(src string) (kind byte, start, end int, ok bool) {
	i := 0
	for i < len(src) && src[i] == ' ' {
		i++
	}
	if i+1 >= len(src) || src[i+1] != ' ' {
		return 0, 0, 0, false
	}
	kind = src[i]
	i += 2
	for i < len(src) && src[i] == ' ' {
		i++
	}
	start = i
	for i < len(src) && src[i] != ' ' && src[i] != '\t' {
		i++
	}
	return kind, start, i, i > start
}

// Explain marks a compile error of an expanded expression with the match
// it was compiled for, so "tcp_v4_rcv has no parameter %3" says which of
// the pattern's functions the argument does not fit.
func Explain(m Match, err error) error {
	var ee *expr.Error
	if m.Pattern == "" || !errors.As(err, &ee) {
		return err
	}
	c := *ee
	c.Msg = fmt.Sprintf("%s (matched by %s): %s", m.Name, m.Pattern, ee.Msg)
	return &c
}
