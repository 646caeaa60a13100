package expr

import (
	"fmt"
	"regexp"
	"strings"
)

// ErrBareName is wrapped when a value starts with a plain name (skb->len)
// instead of %N: a caller that knows the probed function's prototype can
// say which %N the name is.
var ErrBareName = fmt.Errorf("%w: a value names no argument", ErrSyntax)

// unexpectedRe takes apart the parser's "unexpected token "X" (expected Y)".
var unexpectedRe = regexp.MustCompile(`^unexpected token "((?:[^"\\]|\\.)*)"(?: \(expected (.*)\))?$`)

// filterOps are the comparison operators of a filter, longest first.
var filterOps = []string{"==", "!=", "<=", ">=", "<", ">", "~", "&"}

// wording is a parse problem said in the expression language's words.
type wording struct {
	msg, hint string
	sentinel  error
}

// inWords rewrites the parser's message about text (an ARG, or the filter
// when filter is set) at byte off. The grammar's rule names (Source,
// TypeSuffix, OrExpr) mean nothing to the user and never show.
func inWords(text string, off int, msg string, filter bool) wording {
	m := unexpectedRe.FindStringSubmatch(msg)
	if m == nil {
		return wording{msg: msg}
	}
	tok, expect := m[1], m[2]
	end := tok == "<EOF>"
	before := strings.TrimRight(text[:min(max(off, 0), len(text))], " \t")
	if filter {
		return filterWords(text, before, tok, expect, end)
	}
	return argWords(text, off, before, tok, expect, end)
}

func argWords(text string, off int, before, tok, expect string, end bool) wording {
	if at := strings.LastIndex(before, "@("); at >= 0 && !strings.Contains(before[at:], ")") && strings.Contains(expect, `"*"`) {
		return wording{msg: fmt.Sprintf("after `%s` a `*)` is expected", before[at:]),
			hint: "a packet cast is @(struct HDR *)l2|l3|l4%N, e.g. @(struct iphdr *)l3%2->daddr"}
	}
	switch {
	case strings.Contains(expect, "Source"):
		switch {
		case end:
			return wording{msg: fmt.Sprintf("a value is expected after `%s`", lastToken(before)), hint: valueHint}
		case tok == "(":
			return wording{msg: "a cast needs ! or @ before its (",
				hint: "!(struct sock *)%0 follows a pointer as that type; @(struct iphdr *)l3%2 reads a packet header"}
		case regexp.MustCompile(`^l[0-9]+$`).MatchString(tok) && strings.HasSuffix(before, ")"):
			return wording{msg: fmt.Sprintf("`%s` is no layer: a packet cast reads l2, l3 or l4", tok), hint: "e.g. @(struct iphdr *)l3%2->daddr"}
		case isIdentWord(tok):
			w := text[off:]
			if i := strings.IndexAny(w, " \t"); i >= 0 {
				w = w[:i]
			}
			return wording{msg: fmt.Sprintf("`%s`: name the argument as %%0…%%N", w), hint: valueHint, sentinel: ErrBareName}
		}
		return wording{msg: fmt.Sprintf("%s cannot start a value", quoteTok(tok)), hint: valueHint}
	case expect == "<ident>" && (strings.HasSuffix(before, "->") || strings.HasSuffix(before, ".")):
		return wording{msg: fmt.Sprintf("a member name is expected after `%s`", lastToken(before))}
	case expect == "<ident>" && strings.HasSuffix(before, ":"):
		return wording{msg: "a type is expected after `:`", hint: "u8 … u64, s8 … s64, x8 … x64, string, symbol"}
	case strings.HasSuffix(expect, `"]"`):
		return wording{msg: fmt.Sprintf("an index and `]` are expected after `[`, not %s", quoteTok(tok)), hint: "e.g. %0->cb[2]"}
	case expect == `")"`:
		return wording{msg: fmt.Sprintf("a `)` is expected here, not %s", quoteTok(tok)), hint: "a cast is !(TYPE *)VALUE, e.g. !(struct sock *)%0"}
	}
	return wording{msg: fmt.Sprintf("unexpected %s", quoteTok(tok))}
}

func filterWords(text, before, tok, expect string, end bool) wording {
	switch {
	case tok == "&" && expect == "":
		return wording{msg: "`&` between comparisons: did you mean `&&`?"}
	case expect == "Value":
		return wording{msg: fmt.Sprintf("a value is expected after `%s`", lastToken(before)), hint: "e.g. f:len>100, f:comm==\"nc\""}
	case strings.Contains(expect, "Cmp"):
		return wording{msg: fmt.Sprintf("a comparison is expected after `%s`", lastToken(before)), hint: "e.g. f:len>100&&proto==17"}
	case strings.Contains(expect, `"=="`):
		return wording{msg: fmt.Sprintf("`%s` is compared with nothing: a comparison is FIELD OP VALUE with OP one of == != < <= > >= ~ &", lastToken(before)),
			hint: "unquoted, the shell takes `>` and `<` as redirections (and creates a file): quote the whole expression"}
	case expect == `")"`:
		return wording{msg: fmt.Sprintf("a `)` is expected, not %s: a ( is never closed", quoteTok(tok))}
	case expect == "" && !end:
		return wording{msg: fmt.Sprintf("unexpected %s: join comparisons with && or ||", quoteTok(tok))}
	}
	return wording{msg: fmt.Sprintf("unexpected %s", quoteTok(tok))}
}

// valueHint lists what a value may start with.
const valueHint = "a value is %N (argument N), %REG, $retval, $comm, $stackN, @SYMBOL, !(TYPE *)VALUE or @(struct HDR *)l3%N"

// lastToken is the operator or word text ends with.
func lastToken(s string) string {
	for _, op := range []string{"->", "&&", "||", "==", "!=", "<=", ">="} {
		if strings.HasSuffix(s, op) {
			return op
		}
	}
	if s == "" {
		return s
	}
	i := len(s) - 1
	for i > 0 && isWordByte(s[i-1]) && isWordByte(s[len(s)-1]) {
		i--
	}
	return s[i:]
}

func isWordByte(c byte) bool {
	return c == '_' || c == '%' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isIdentWord(s string) bool {
	return s != "" && !(s[0] >= '0' && s[0] <= '9') && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0
}

func quoteTok(tok string) string {
	if tok == "<EOF>" {
		return "the end"
	}
	return "`" + tok + "`"
}
