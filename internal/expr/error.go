package expr

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("syntax error")

// Error is a problem at a position of an expression. Every step that
// rejects input (parser, compiler, kernel write) reports one, so the user
// sees the expression with a caret under the offending part.
type Error struct {
	Src  string // the whole expression
	Pos  int    // byte offset of the offending part
	Len  int    // its length in bytes (at least 1 when shown)
	Msg  string // what is wrong, lowercase, no trailing period
	Hint string // how to fix it, when a fix is likely
	Err  error  // sentinel or cause, for errors.Is
}

// Errorf builds an Error at pos/len wrapping sentinel (may be nil).
func Errorf(src string, pos, n int, sentinel error, format string, args ...any) *Error {
	return &Error{Src: src, Pos: pos, Len: n, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// WithHint returns e with a hint attached.
func (e *Error) WithHint(hint string) *Error {
	e.Hint = hint
	return e
}

// Error gives a one-line form: "col N: message".
func (e *Error) Error() string {
	s := fmt.Sprintf("col %d: %s", e.Column(), e.Msg)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Unwrap lets errors.Is find the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Column is the 1-based column of the offending part.
func (e *Error) Column() int { return e.Pos + 1 }

// Pretty renders the message, the expression and a caret line under the
// offending part, and the hint; this is what users see on stderr.
func (e *Error) Pretty() string {
	var b strings.Builder
	b.WriteString(e.Msg)
	b.WriteByte('\n')
	src := e.Src
	pos := e.Pos
	if pos > len(src) {
		pos = len(src)
	}
	if pos < 0 {
		pos = 0
	}
	// Show only the line holding pos (expressions from -f are one line,
	// but be safe with newlines inside quoted strings).
	start := strings.LastIndexByte(src[:pos], '\n') + 1
	end := len(src)
	if i := strings.IndexByte(src[pos:], '\n'); i >= 0 {
		end = pos + i
	}
	b.WriteString("    ")
	// A control byte would move the terminal's cursor: show it as one
	// visible column so the caret stays under it.
	b.WriteString(strings.Map(func(r rune) rune {
		if r < ' ' && r != '\t' || r == 0x7f {
			return '·'
		}
		return r
	}, src[start:end]))
	b.WriteString("\n    ")
	for _, r := range src[start:pos] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	n := e.Len
	if n < 1 {
		n = 1
	}
	if pos+n > end {
		n = max(end-pos, 1)
	}
	b.WriteByte('^')
	b.WriteString(strings.Repeat("~", n-1))
	if e.Hint != "" {
		b.WriteString("\n")
		b.WriteString(e.Hint)
	}
	return b.String()
}
