package render

import (
	"bytes"

	"github.com/surftrace/surftrace/internal/numtext"
)

// span is a half-open byte range [s, e) of the line being rendered.
type span struct{ s, e int }

func (p span) of(b []byte) []byte { return b[p.s:p.e] }

// stackKind says whether an event line is really the head of a stack block.
type stackKind uint8

const (
	noStack stackKind = iota
	kernelStack
	userStack
)

// header is the fixed part of an event line:
// COMM-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: EVENT: PAYLOAD.
type header struct {
	comm, pid, tgid, flags, ts, event span
	cpu                               int
	hasTgid, hasFlags                 bool
	stack                             stackKind
	payload                           int // where the payload begins (len(line) when none)
}

var (
	stackTrace     = []byte("<stack trace>")
	userStackTrace = []byte("<user stack trace>")
	framePrefix    = []byte(" => ")
	lostPrefix     = []byte("CPU:")
	lostMid        = []byte(" [LOST ")
	lostEnd        = []byte(" EVENTS]")
	lostUnknown    = []byte(" [LOST EVENTS]")
	retArrow       = []byte(" <- ")
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maxTask bounds how far " [CPU]" may lie from the line's first non-blank:
// "%16s-%-7d (%7d) " with a 15-byte comm takes 34, so a line without one
// that early is no event, and a long line costs no more to reject.
const maxTask = 96

// parseHeader reads the fixed part of an event line. The comm may hold
// spaces, dashes and even " [": every " [CPU]" is tried from the left
// until the whole header around it parses.
func parseHeader(b []byte, h *header) bool {
	*h = header{}
	start := 0
	for start < len(b) && b[start] == ' ' {
		start++
	}
	from := start
	window := b[:min(len(b), start+maxTask)]
	for {
		j := indexCPUOpen(window, from)
		if j < 0 {
			return false
		}
		k, cpu := j+2, 0
		for k < len(b) && isDigit(b[k]) && k-j < 8 {
			cpu = cpu*10 + int(b[k]-'0')
			k++
		}
		if k > j+2 && k < len(b) && b[k] == ']' && parseTask(b, start, j, h) && parseAfterCPU(b, k+1, h) {
			h.cpu = cpu
			return true
		}
		from = j + 1
	}
}

// indexCPUOpen returns the index of the first " [" in b at or after from,
// or -1. It looks for the '[', which a comm seldom holds, rather than for
// the space, which pads every short comm.
func indexCPUOpen(b []byte, from int) int {
	for i := from + 1; i < len(b); i++ {
		k := bytes.IndexByte(b[i:], '[')
		if k < 0 {
			return -1
		}
		i += k
		if b[i-1] == ' ' {
			return i - 1
		}
	}
	return -1
}

// parseTask reads "COMM-PID" with an optional "(TGID)" (options/record-tgid)
// from b[start:end]. The pid follows the last '-', as a comm may hold dashes.
func parseTask(b []byte, start, end int, h *header) bool {
	e := trimRight(b, start, end)
	if e > start && b[e-1] == ')' {
		p := bytes.LastIndexByte(b[start:e], '(')
		if p < 0 {
			return false
		}
		p += start
		in := span{p + 1, e - 1}
		for in.s < in.e && b[in.s] == ' ' {
			in.s++
		}
		switch {
		case in.s < in.e && allBytes(b[in.s:in.e], isDigit) && in.e-in.s <= 10:
			h.tgid, h.hasTgid = in, true
		case in.s < in.e && allBytes(b[in.s:in.e], func(c byte) bool { return c == '-' }):
		default:
			return false
		}
		e = trimRight(b, start, p)
	}
	d := e
	for d > start && isDigit(b[d-1]) {
		d--
	}
	if d == e || e-d > 10 || d == start || b[d-1] != '-' {
		return false
	}
	h.pid = span{d, e}
	h.comm = span{start, d - 1}
	return true
}

// parseAfterCPU reads " [FLAGS] TIMESTAMP: EVENT: " after the CPU's ']'.
// The flags column is 4 or 5 characters, or absent (options/irq-info off);
// the timestamp is SECS.USECS, or a bare counter with some trace clocks.
func parseAfterCPU(b []byte, i int, h *header) bool {
	n := len(b)
	if i >= n || b[i] != ' ' {
		return false
	}
	i = skipSpaces(b, i)
	te, ok := timestampEnd(b, i)
	if !ok {
		h.flags, h.hasFlags = span{i, te}, true
		i = skipSpaces(b, te)
		if te, ok = timestampEnd(b, i); !ok {
			return false
		}
	}
	h.ts = span{i, te - 1}
	i = te
	if i < n {
		i++ // the space after "TIMESTAMP:"
	}
	rest := b[i:]
	switch {
	case len(rest) > 0 && rest[0] != '<':
	case bytes.HasPrefix(rest, stackTrace):
		h.event, h.stack, h.payload = span{i, i + len(stackTrace)}, kernelStack, n
		return true
	case bytes.HasPrefix(rest, userStackTrace):
		h.event, h.stack, h.payload = span{i, i + len(userStackTrace)}, userStack, n
		return true
	}
	j := i
	for j < n && b[j] != ':' && b[j] != ' ' {
		j++
	}
	if j == i || j == n || b[j] != ':' || (j+1 < n && b[j+1] != ' ') {
		return false
	}
	h.event = span{i, j}
	h.payload = min(j+2, n)
	return true
}

// timestampEnd returns the end of the space-delimited token at b[i:] and
// whether that token is a timestamp, as isTimestamp tells, in one pass
// over the usual timestamp.
func timestampEnd(b []byte, i int) (int, bool) {
	n := len(b)
	j := skipDigits(b, i)
	if j == i {
		return tokenEnd(b, i), false
	}
	if j < n && b[j] == '.' {
		k := skipDigits(b, j+1)
		if k == j+1 {
			return tokenEnd(b, i), false
		}
		j = k
	}
	if j < n && b[j] == ':' && (j+1 == n || b[j+1] == ' ') {
		return j + 1, true
	}
	return tokenEnd(b, i), false
}

// isTimestamp matches "DIGITS[.DIGITS]:".
func isTimestamp(t []byte) bool {
	if len(t) < 2 || t[len(t)-1] != ':' || !isDigit(t[0]) {
		return false
	}
	dot := false
	for _, c := range t[:len(t)-1] {
		switch {
		case isDigit(c):
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return t[len(t)-2] != '.'
}

// location splits a kprobe/uprobe payload's leading "(SYM+OFF/SIZE)" or
// "(RET <- FUNC)" off; it returns where the arguments begin.
func location(b []byte, p int) (loc, from span, hasLoc, hasFrom bool, args int) {
	n := len(b)
	if p >= n || b[p] != '(' {
		return span{}, span{}, false, false, p
	}
	for j := p + 1; j < n; j++ {
		k := bytes.IndexByte(b[j:], ')')
		if k < 0 {
			break
		}
		j += k
		if j+1 == n || b[j+1] == ' ' {
			loc = span{p + 1, j}
			if a := bytes.Index(loc.of(b), retArrow); a >= 0 {
				from = span{loc.s + a + len(retArrow), loc.e}
				loc.e = loc.s + a
				hasFrom = true
			}
			return loc, from, true, hasFrom, min(j+2, n)
		}
	}
	return span{}, span{}, false, false, p
}

// parseLost reads "CPU:N [LOST M EVENTS]" (or "[LOST EVENTS]" when the
// kernel could not count); an unknown count is reported as 0.
func parseLost(b []byte) (cpu int, n uint64, ok bool) {
	if len(b) < len(lostPrefix) || b[0] != 'C' || !bytes.HasPrefix(b, lostPrefix) {
		return 0, 0, false
	}
	i := len(lostPrefix)
	j := i
	for j < len(b) && isDigit(b[j]) && j-i < 8 {
		cpu = cpu*10 + int(b[j]-'0')
		j++
	}
	if j == i {
		return 0, 0, false
	}
	rest := b[j:]
	if bytes.Equal(rest, lostUnknown) {
		return cpu, 0, true
	}
	if !bytes.HasPrefix(rest, lostMid) || !bytes.HasSuffix(rest, lostEnd) {
		return 0, 0, false
	}
	num := rest[len(lostMid) : len(rest)-len(lostEnd)]
	if len(num) == 0 || !allBytes(num, isDigit) {
		return 0, 0, false
	}
	v, ok := numtext.ParseDec(num)
	return cpu, v, ok
}

// frame returns the symbol of a " => SYM" stack line.
func frame(b []byte) ([]byte, bool) {
	if len(b) < len(framePrefix) || b[1] != '=' || !bytes.HasPrefix(b, framePrefix) {
		return nil, false
	}
	f := b[len(framePrefix):]
	s, e := 0, len(f)
	for s < e && f[s] == ' ' {
		s++
	}
	for e > s && f[e-1] == ' ' {
		e--
	}
	return f[s:e], true
}

func trimRight(b []byte, start, end int) int {
	for end > start && b[end-1] == ' ' {
		end--
	}
	return end
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

func tokenEnd(b []byte, i int) int { return indexSpace(b, i) }

func allBytes(b []byte, f func(byte) bool) bool {
	for _, c := range b {
		if !f(c) {
			return false
		}
	}
	return true
}
