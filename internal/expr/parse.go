package expr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// reservedNames are the fields every event has; an ARG may not shadow them.
var reservedNames = map[string]bool{
	"common_pid": true, "common_preempt_count": true, "common_flags": true, "common_type": true,
}

// Parse parses one expression. The error is an *Error wrapping ErrSyntax.
func Parse(src string) (*Expr, error) {
	if i := badControl(src); i >= 0 {
		return nil, Errorf(src, i, 1, ErrSyntax, "control character %q in the expression", src[i]).
			WithHint("the kernel splits probe definitions at whitespace such as \\v and \\f, so it would start another argument there; remove it")
	}
	head, ftext, fpos := splitFilter(src)
	words := splitWords(head)
	e := &Expr{Src: src, FilterPos: fpos, FilterSrc: ftext}
	if len(words) == 0 {
		return nil, Errorf(src, 0, 1, ErrSyntax, "empty expression").
			WithHint("an expression is TYPE SYMBOL [NAME=VALUE ...] [f:FILTER], e.g. 'p do_sys_openat2 dfd=%0'")
	}
	k := words[0]
	if vocab.LookupKind(k.text) == nil {
		return nil, Errorf(src, k.pos, len(k.text), ErrSyntax, "unknown probe type %q", k.text).
			WithHint("the type is one of " + vocab.KindList())
	}
	e.Kind, e.KindPos = probe.Kind(k.text[0]), k.pos
	if len(words) < 2 {
		return nil, Errorf(src, len(strings.TrimRight(head, " \t")), 1, ErrSyntax, "missing probe point after %q", k.text).
			WithHint(vocab.KindOf(e.Kind).TargetHint)
	}
	t, err := parseTarget(src, e.Kind, words[1])
	if err != nil {
		return nil, err
	}
	e.Target = t
	seen := map[string]int{}
	for _, w := range words[2:] {
		if e.Kind == probe.Event {
			return nil, Errorf(src, w.pos, len(w.text), ErrSyntax, "a tracepoint takes no arguments").
				WithHint("its fields are printed already; filter on them with f:, e.g. 'e sched/sched_process_exec f:pid>1'")
		}
		a, err := parseArg(src, w)
		if err != nil {
			return nil, err
		}
		if reservedNames[a.Name] {
			return nil, Errorf(src, w.pos, len(a.Name), ErrSyntax, "%q is a field every event has", a.Name).
				WithHint("choose another name")
		}
		if prev, ok := seen[a.Name]; ok {
			return nil, Errorf(src, w.pos, len(a.Name), ErrSyntax, "duplicate name %q (first at column %d)", a.Name, prev+1).
				WithHint("names must be unique within an expression")
		}
		seen[a.Name] = w.pos
		e.Args = append(e.Args, a)
	}
	if fpos >= 0 {
		if strings.TrimSpace(ftext) == "" {
			return nil, Errorf(src, fpos, 1, ErrSyntax, "empty filter after f:")
		}
		f, err := filterParser.ParseString("", ftext)
		if err != nil {
			return nil, participleError(src, fpos, ftext, err, true)
		}
		e.Filter = f
	}
	return e, nil
}

// badControl returns the index of the first control byte of src that is
// not a blank between words (space, \t, \n, \r), or -1. Blanks separate
// words and never reach the kernel; \v and \f are whitespace to the
// kernel but not to people reading the expression.
func badControl(src string) int {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if (c < ' ' && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return i
		}
	}
	return -1
}

func parseTarget(src string, k probe.Kind, w word) (Target, error) {
	t := Target{Pos: w.pos, Text: w.text}
	bad := func(off, n int, msg string) error {
		return Errorf(src, w.pos+off, n, ErrSyntax, "%s", msg).WithHint(vocab.KindOf(k).TargetHint)
	}
	s := w.text
	base := 0
	switch k {
	case probe.Event:
		sys, ev, ok := strings.Cut(s, "/")
		if !ok || sys == "" || ev == "" || !isIdentish(sys) || !isIdentish(ev) {
			return t, bad(0, len(s), "a tracepoint is SUBSYS/EVENT")
		}
		t.Symbol = s
		return t, nil
	case probe.Uprobe, probe.Uretprobe:
		i := strings.LastIndexByte(s, ':')
		if i <= 0 || i == len(s)-1 {
			return t, bad(0, len(s), "a user probe point is OBJ:FUNC")
		}
		t.Obj, s, base = s[:i], s[i+1:], i+1
	default:
		if strings.HasPrefix(s, "0x") {
			a, err := strconv.ParseUint(s[2:], 16, 64)
			if err != nil {
				return t, bad(0, len(s), "bad address")
			}
			t.Addr = a
			return t, nil
		}
		if i := strings.IndexByte(s, ':'); i > 0 {
			t.Module, s, base = s[:i], s[i+1:], i+1
		}
	}
	if i := strings.IndexByte(s, '+'); i >= 0 {
		off, err := strconv.ParseUint(s[i+1:], 0, 64)
		if err != nil || i+1 == len(s) {
			return t, bad(base+i+1, len(s)-i-1, "bad offset (decimal or 0x hex)")
		}
		t.Offset, t.HasOffset, t.OffPos = off, true, w.pos+base+i+1
		s = s[:i]
	}
	if s == "" || !isSymbol(s) {
		return t, bad(base, len(s), "bad symbol name")
	}
	t.Symbol = s
	return t, nil
}

func isIdentish(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

func isSymbol(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c == '$' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func parseArg(src string, w word) (*Arg, error) {
	if !strings.Contains(w.text, "=") {
		return nil, Errorf(src, w.pos, len(w.text), ErrSyntax, "an argument is NAME=VALUE").
			WithHint("e.g. comm=%0->comm, dfd=X%0, ip_dst=@(struct iphdr *)l3%2->daddr")
	}
	if i, open := unbalanced(w.text); i >= 0 {
		if open && i > 0 && w.text[i-1] == '@' {
			cast := strings.TrimRight(w.text[i-1:], " \t*")
			return nil, Errorf(src, w.pos+i-1, len(cast), ErrSyntax, "after `%s` a `*)` is expected", cast).
				WithHint("a packet cast is @(struct HDR *)l2|l3|l4%N, e.g. @(struct iphdr *)l3%2->daddr")
		}
		if open {
			return nil, Errorf(src, w.pos+i, 1, ErrSyntax, "unbalanced parenthesis: this ( is never closed")
		}
		return nil, Errorf(src, w.pos+i, 1, ErrSyntax, "unbalanced parenthesis: ) without (")
	}
	a, err := argParser.ParseString("", w.text)
	if err != nil {
		return nil, participleError(src, w.pos, w.text, err, false)
	}
	a.Text, a.Base = w.text, w.pos
	return a, nil
}

// participleError converts a participle error into an *Error positioned in
// the whole expression, in the expression language's words (filter: text
// is the filter).
func participleError(src string, base int, text string, err error, filter bool) error {
	var pe participle.Error
	if errors.As(err, &pe) {
		off := pe.Position().Offset
		n := 1
		if off < len(text) {
			// Underline the token that did not fit.
			j := off + 1
			for j < len(text) && text[j] != ' ' && !strings.ContainsRune("()[]=-.>%$@!*:&|", rune(text[j])) {
				j++
			}
			n = j - off
		}
		msg := pe.Message()
		if strings.HasPrefix(msg, "lexer: ") && off < len(text) {
			// The lexer's own words ("invalid input text") say less
			// than naming the character.
			c := text[off]
			switch {
			case c == '"' || c == '\'':
				msg = "unterminated string"
				n = len(text) - off
			case filter && c == '=':
				return Errorf(src, base+off, 1, ErrSyntax, "`=` in a filter: did you mean `==`?")
			case filter && c == '|':
				return Errorf(src, base+off, 1, ErrSyntax, "`|` between comparisons: did you mean `||`?")
			default:
				msg = fmt.Sprintf("unexpected character %q", c)
				n = 1
			}
			return Errorf(src, base+off, n, ErrSyntax, "%s", msg)
		}
		w := inWords(text, off, msg, filter)
		sentinel := ErrSyntax
		if w.sentinel != nil {
			sentinel = w.sentinel
		}
		e := Errorf(src, base+off, n, sentinel, "%s", w.msg)
		if w.hint != "" {
			e.Hint = w.hint
		}
		return e
	}
	return Errorf(src, base, len(text), ErrSyntax, "%v", err)
}

// unbalanced returns the position of the first parenthesis without a
// partner in s and whether it is an opening one; -1 when all match.
func unbalanced(s string) (int, bool) {
	var open []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			open = append(open, i)
		case ')':
			if len(open) == 0 {
				return i, false
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return open[0], true
	}
	return -1, false
}
