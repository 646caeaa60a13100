package render

import (
	"bytes"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// arg is one NAME=VALUE of the payload with what is known of its display.
type arg struct {
	name, val span
	display   probe.Display
	enum      map[int64]string
	bits      int // DisplaySignedBits: the bitfield's width
}

// convert appends the display form of the value v of a (see convert).
func (a *arg) convert(dst, v []byte, jsonOut bool) ([]byte, bool) {
	if a.display == probe.DisplaySignedBits {
		return appendSignExtended(dst, v, a.bits)
	}
	return convert(dst, v, a.display, a.enum, jsonOut)
}

// maxTries bounds the schema split's backtracking, so a line built to
// confuse it costs a bounded amount of work before the name split takes over.
const maxTries = 64

// splitArgs fills r.args (and r.text for a payload that is not NAME=VALUE)
// from the payload b[p:].
func (r *Renderer) splitArgs(b []byte, p int, ev *eventSchema) {
	r.args = r.args[:0]
	r.text, r.hasText = span{}, false
	if p >= len(b) {
		return
	}
	if ev != nil && len(ev.args) > 0 {
		r.tries = maxTries
		if r.matchSchema(b, p, ev, 0) {
			return
		}
		r.args = r.args[:0]
	}
	r.splitNames(b, p)
	if ev != nil {
		for i := range r.args {
			a := &r.args[i]
			for j := range ev.args {
				if bytes.Equal(a.name.of(b), ev.args[j].eq[:len(ev.args[j].eq)-1]) {
					a.display, a.enum, a.bits = ev.args[j].display, ev.args[j].enum, ev.args[j].bits
					break
				}
			}
		}
	}
}

// matchSchema splits b[p:] as "n_i=v_i n_{i+1}=v_{i+1} …" for the known
// names. A value ends where " n_{i+1}=" begins; when that text also occurs
// inside a string, the cuts are tried from the left until the rest of the
// line parses too.
func (r *Renderer) matchSchema(b []byte, p int, ev *eventSchema, i int) bool {
	a := &ev.args[i]
	if !bytes.HasPrefix(b[p:], a.eq) {
		return false
	}
	vs := p + len(a.eq)
	r.args = append(r.args[:i], arg{name: span{p, vs - 1}, display: a.display, enum: a.enum, bits: a.bits})
	if i == len(ev.args)-1 {
		r.args[i].val = span{vs, len(b)}
		return a.kind.fits(b[vs:]) // else an earlier cut was inside a string
	}
	next := ev.args[i+1].sep
	for from := vs; ; {
		k := bytes.Index(b[from:], next)
		if k < 0 {
			return false
		}
		k += from
		if a.kind.fits(b[vs:k]) {
			if r.tries--; r.tries < 0 {
				return false
			}
			r.args[i].val = span{vs, k}
			if r.matchSchema(b, k+1, ev, i+1) {
				return true
			}
			r.args = r.args[:i+1]
		}
		if a.kind == kindNumber {
			return false // a number has no space: no later cut can fit
		}
		from = k + 1
	}
}

// splitNames splits b[p:] on the " name=" tokens of the line alone, so the
// result depends on nothing but the line (surftrace render FILE).
func (r *Renderer) splitNames(b []byte, p int) {
	n := len(b)
	if identEq(b, p) < 0 {
		r.text, r.hasText = span{p, n}, true
		return
	}
	budget := maxTries
	eq := identEq(b, p)
	for p < n {
		if eq < 0 {
			break // unreachable: a value only ends before " name=" or at the end
		}
		ve, next := valueEnd(b, eq+1, &budget)
		r.args = append(r.args, arg{name: span{p, eq}, val: span{eq + 1, ve}, display: vocab.DisplayOf(b[p:eq])})
		p = ve + 1
		if eq = next; eq < 0 {
			eq = identEq(b, p)
		}
	}
}

// valueEnd finds where the value starting at vs ends: a string at the
// first '"' followed by " name=" or the end of the line, an array likewise
// at '}', anything else before the next " name=". The kernel prints a
// string as "%s" without escaping, so a string holding `" x=1` shows a
// quote followed by " name=" before its end; such a cut is taken only if
// the rest of the line still reads as values the kernel prints, where a
// value that is not a string holds no '"'. budget bounds that look-ahead
// on a line built to make it costly; once spent, the first cut wins.
// next is the '=' of the name after the value when the search found it
// (the caller would look for it again), else -1.
func valueEnd(b []byte, vs int, budget *int) (end, next int) {
	n := len(b)
	if vs < n && (b[vs] == '"' || b[vs] == '{') {
		cl := byte('"')
		if b[vs] == '{' {
			cl = '}'
		}
		first, firstEq := -1, -1
		for j := vs + 1; j < n; j++ {
			k := bytes.IndexByte(b[j:], cl)
			if k < 0 {
				break
			}
			j += k
			if j == n-1 {
				return n, -1
			}
			eq := -1
			if b[j+1] == ' ' {
				eq = identEq(b, j+2)
			}
			if eq < 0 {
				continue
			}
			if cl == '}' {
				return j + 1, eq
			}
			if first < 0 {
				first, firstEq = j+1, eq
			}
			if bytes.IndexByte(b[j+1:], '"') < 0 {
				return j + 1, eq // without another quote the rest reads right
			}
			if *budget <= 0 {
				return first, firstEq
			}
			*budget--
			if plausibleRest(b, j+1, budget) {
				return j + 1, eq
			}
		}
		if first >= 0 {
			return first, firstEq
		}
		if cl == '"' {
			return n, -1 // no closing quote: a string cut by a newline
		}
	}
	for j := indexSpace(b, vs); j < n; j = indexSpace(b, j+1) {
		if eq := identEq(b, j+1); eq >= 0 {
			return j, eq
		}
	}
	return n, -1
}

// plausibleRest reports whether b[p:], which starts with " name=", splits
// into values of which none but strings holds a '"'.
func plausibleRest(b []byte, p int, budget *int) bool {
	for p < len(b) {
		eq := identEq(b, p+1)
		if eq < 0 {
			return false
		}
		ve, _ := valueEnd(b, eq+1, budget)
		if v := b[eq+1 : ve]; len(v) > 0 && v[0] != '"' && bytes.IndexByte(v, '"') >= 0 {
			return false
		}
		p = ve
	}
	return true
}

// identEq returns the index of the '=' ending a C identifier at b[p:], or -1.
// It runs after every space of every value, so it looks bytes up in a table.
func identEq(b []byte, p int) int {
	if p >= len(b) || identByte[b[p]] != identStart {
		return -1
	}
	for j := p + 1; j < len(b); j++ {
		switch identByte[b[j]] {
		case identEqSign:
			return j
		case 0:
			return -1
		}
	}
	return -1
}

// identByte classes bytes for identEq.
var identByte = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case isIdentStart(byte(c)):
			t[c] = identStart
		case isDigit(byte(c)):
			t[c] = identDigit
		case c == '=':
			t[c] = identEqSign
		}
	}
	return t
}()

const (
	identStart = 1 + iota
	identDigit
	identEqSign
)

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// plainText reports whether a payload split on the names it shows alone
// would have no value to convert and no string, looking only for a quote
// and for text like a prefix (vocab.Prefixes) anywhere in it. It may
// answer false for a payload that is plain after all, never the reverse.
func plainText(b []byte) bool {
	// Prefixes first: a line that has one usually shows it early.
	for i := 0; ; i++ {
		k := bytes.IndexByte(b[i:], '_')
		if k < 0 {
			return bytes.IndexByte(b, '"') < 0
		}
		i += k
		if vocab.EndsInPrefix(b[:i+1]) {
			return false
		}
	}
}
