package graph

import (
	"strconv"
	"strings"
	"time"
)

// Kind says what a function_graph line means.
type Kind uint8

// The kinds of lines the function_graph tracer prints.
const (
	KindOther    Kind = iota // headers, blank lines, separators, anything unknown
	KindEntry                // `f() {`: a call with callees; its duration comes with the exit
	KindExit                 // `}` or `} /* f */`: the end of the innermost open call
	KindLeaf                 // `f();`: a call without traced callees, with its duration
	KindComment              // `/* … */`: an event or trace_printk inside the graph
	KindIRQEnter             // `==========>`: an interrupt starts on this CPU
	KindIRQExit              // `<==========`: the interrupt returns
	KindSwitch               // `prev-1 => next-2`: another task now runs on this CPU
	KindLost                 // `CPU:1 [LOST 42 EVENTS]`: the ring buffer overflowed
)

var kindNames = [...]string{"other", "entry", "exit", "leaf", "comment", "irq-enter", "irq-exit", "switch", "lost"}

// String names the kind for tests and debugging.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Line is one parsed line of function_graph output. Fields whose column was
// not printed hold their "unknown" value: CPU and PID -1, Duration and Time -1.
type Line struct {
	Kind     Kind
	CPU      int
	Comm     string        // task name, from funcgraph-proc or a switch line (the next task)
	PID      int           // task id, likewise
	PrevComm string        // KindSwitch: the task that ran before
	PrevPID  int           // KindSwitch: likewise, -1 when unknown
	Time     time.Duration // funcgraph-abstime, since boot
	Duration time.Duration // the inclusive time of a leaf or an exit
	Mark     byte          // the overhead mark before the duration (`+ ! # * @ $`), 0 when none
	Depth    int           // the call depth, from the indentation
	Func     string        // entry and leaf: the function; exit: the name in `/* f */` if printed
	Lost     int64         // KindLost: how many events the kernel dropped
	Text     string        // the function column as printed, trimmed
}

// ParseLine reads one line of function_graph output (without its newline).
// It never fails: what it cannot read is KindOther.
func ParseLine(s string) Line {
	l := Line{CPU: -1, PID: -1, PrevPID: -1, Time: -1, Duration: -1}
	s = strings.TrimRight(s, "\r\n")
	t := strings.TrimLeft(s, " ")
	switch {
	case t == "" || t[0] == '#' || strings.HasPrefix(t, "---"):
		return l
	case strings.HasPrefix(t, "CPU:"):
		return parseLost(t, l)
	}
	rest := s
	if ts, r, ok := cutAbsTime(rest); ok {
		l.Time, rest = ts, r
	}
	if cpu, r, ok := cutCPU(rest); ok {
		l.CPU, rest = cpu, r
	}
	if prev, next, ok := strings.Cut(rest, "=>"); ok && !strings.Contains(rest, "|") {
		l.Kind = KindSwitch
		l.PrevComm, l.PrevPID = parseProc(prev)
		l.Comm, l.PID = parseProc(next)
		return l
	}
	seg, after, ok := strings.Cut(rest, "|")
	if !ok {
		return l
	}
	if !isDurationColumn(seg) && !isIRQMark(seg) {
		// A task column comes before the duration column.
		if comm, pid := parseProc(seg); pid >= 0 {
			l.Comm, l.PID = comm, pid
		}
		if seg, after, ok = strings.Cut(after, "|"); !ok {
			return l
		}
	}
	switch {
	case strings.Contains(seg, "==========>"):
		l.Kind = KindIRQEnter
		return l
	case strings.Contains(seg, "<=========="):
		l.Kind = KindIRQExit
		return l
	}
	l.Mark, l.Duration = parseDuration(seg)
	return parseFunc(after, l)
}

// parseFunc reads the function column: two spaces, two more per level of
// depth, then `f() {`, `f();`, `}`, `} /* f */` or a comment.
func parseFunc(col string, l Line) Line {
	text := strings.TrimLeft(col, " ")
	if n := len(col) - len(text); n >= 2 {
		l.Depth = (n - 2) / 2
	}
	text = strings.TrimRight(text, " ")
	l.Text = text
	switch {
	case text == "":
		return l
	case text[0] == '}':
		l.Kind = KindExit
		l.Func = commentName(text[1:])
	case strings.HasPrefix(text, "/*"):
		l.Kind = KindComment
	case strings.HasSuffix(text, "{"):
		if name, _, ok := strings.Cut(text, "("); ok && strings.TrimSpace(name) != "" {
			l.Kind, l.Func = KindEntry, strings.TrimSpace(name)
		}
	default:
		// A leaf may carry a comment after its `;` (funcgraph-retval on newer kernels).
		code, _, _ := strings.Cut(text, "/*")
		name, _, ok := strings.Cut(code, "(")
		if ok && strings.TrimSpace(name) != "" && strings.HasSuffix(strings.TrimSpace(code), ";") {
			l.Kind, l.Func = KindLeaf, strings.TrimSpace(name)
		}
	}
	return l
}

// commentName returns f from ` /* f */` or ` /* f = 0x0 */`, "" when absent.
func commentName(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "/*") {
		return ""
	}
	f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(s, "/*"), "*/"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// parseLost reads `CPU:1 [LOST 42 EVENTS]`.
func parseLost(t string, l Line) Line {
	cpu, rest, ok := strings.Cut(strings.TrimPrefix(t, "CPU:"), " ")
	n, err := strconv.Atoi(cpu)
	if !ok || err != nil || !strings.HasPrefix(rest, "[LOST ") {
		return l
	}
	f := strings.Fields(strings.TrimPrefix(rest, "[LOST "))
	if len(f) == 0 {
		return l
	}
	lost, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return l
	}
	l.Kind, l.CPU, l.Lost = KindLost, n, lost
	return l
}

// cutAbsTime takes `  18.804313 |` (seconds.microseconds) off the front.
func cutAbsTime(s string) (time.Duration, string, bool) {
	t := strings.TrimLeft(s, " ")
	num, rest, ok := strings.Cut(t, " ")
	if !ok || !strings.Contains(num, ".") || !strings.HasPrefix(strings.TrimLeft(rest, " "), "|") {
		return 0, s, false
	}
	d, ok := parseDecimal(num, 1_000_000_000)
	if !ok {
		return 0, s, false
	}
	rest = strings.TrimLeft(rest, " ")
	return d, rest[1:], true
}

// cutCPU takes ` 12) ` off the front.
func cutCPU(s string) (int, string, bool) {
	t := strings.TrimLeft(s, " ")
	num, rest, ok := strings.Cut(t, ")")
	if !ok || num == "" {
		return 0, s, false
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, s, false
	}
	return n, rest, true
}

// parseProc reads the task column `comm-pid`: the comm (cut to 7 bytes by the
// kernel) may itself hold '-' or spaces, the pid follows the last '-'.
func parseProc(s string) (string, int) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return "", -1
	}
	pid, err := strconv.Atoi(s[i+1:])
	if err != nil || pid < 0 {
		return "", -1
	}
	return s[:i], pid
}

// isDurationColumn reports whether s is an empty duration column or one like
// `+ 23.405 us   `.
func isDurationColumn(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return true
	}
	_, d := parseDuration(s)
	return d >= 0
}

func isIRQMark(s string) bool {
	return strings.Contains(s, "==========>") || strings.Contains(s, "<==========")
}

// parseDuration reads `! 758.170 us`: the overhead mark, then microseconds
// with up to three decimals (fewer for long durations, none past 7 digits).
func parseDuration(s string) (byte, time.Duration) {
	t := strings.TrimSpace(s)
	var mark byte
	if len(t) > 1 && strings.IndexByte("+!#*@$", t[0]) >= 0 && t[1] == ' ' {
		mark, t = t[0], strings.TrimLeft(t[1:], " ")
	}
	num, ok := strings.CutSuffix(t, "us")
	if !ok {
		return 0, -1
	}
	d, ok := parseDecimal(strings.TrimSpace(num), 1000)
	if !ok {
		return 0, -1
	}
	return mark, d
}

// parseDecimal reads "123.456" exactly (no float rounding) and scales it:
// unit is the number of nanoseconds in one whole unit.
func parseDecimal(s string, unit int64) (time.Duration, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	d := w * unit
	scale := unit
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		scale /= 10
		d += int64(c-'0') * scale
	}
	return time.Duration(d), true
}
