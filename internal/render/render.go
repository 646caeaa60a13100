package render

import (
	"io"

	"github.com/surftrace/surftrace/internal/probe"
)

// Options configure a Renderer.
type Options struct {
	// JSON prints one JSON object per event instead of the kernel's line.
	JSON bool
	// Schema gives the argument names of known events; nil renders from
	// the names in each line alone.
	Schema *Schema
	// OnLost is told of every "CPU:N [LOST M EVENTS]" line; n is 0 when
	// the kernel printed "[LOST EVENTS]" without a count.
	OnLost func(cpu int, n uint64)
	// Stacks says the stream has stack blocks (options/stacktrace is on,
	// surftrace -s), so a JSON event waits for its stack from the first
	// one on; without it the renderer learns so from the first block.
	Stacks bool
	// MaxEvents, when not 0, makes Copy return after that many events
	// (with their stack blocks), for surftrace -c.
	MaxEvents uint64
	// OnEvent, when set, is told the event name (f0, sched_switch) of
	// every event rendered, for per-probe counts; the slice is only valid
	// during the call.
	OnEvent func(name []byte)
	// Deliver, when set, receives every event parsed into an Event
	// instead of its text or JSON: nothing is written to the Renderer's
	// writer (which may be nil), and lines that are no event are skipped.
	// An event waits for its stack blocks as a JSON event does. An error
	// it returns stops the Renderer as a write error would, and is
	// returned by Line, Idle, Flush and (wrapped) Copy.
	Deliver func(*Event) error
}

// maxJoin and maxJoinLines bound what is gathered while a line ends inside
// a string (a kprobe string holds at most 4096 bytes); past them the rest
// passes as lines of their own.
const (
	maxJoin      = 16 << 10
	maxJoinLines = 64
)

// Renderer renders trace lines one at a time. It is not safe for
// concurrent use.
type Renderer struct {
	w      io.Writer
	buf    []byte // output not yet written to w (see put)
	opts   Options
	lost   uint64
	events uint64
	// stacked says the last event has had its kernel stack block: with
	// -s, -c N ends only then.
	stacked bool
	err     error
	hdr     header // the line being rendered
	tmp     header // scratch for lookahead, so hdr stays intact
	args    []arg  // its arguments
	text    span   // its payload when that is not NAME=VALUE
	loc     span   // "(LOCATION" …
	from    span   // … " <- FUNC)" of a return probe
	tries   int    // schema split budget
	join    []byte // an event line cut inside a string, waiting for the rest
	joins   int    // lines in join
	q       queue  // JSON and Deliver modes: events waiting for their stack

	hasText, hasLoc, hasFrom bool
}

// New returns a Renderer writing to w through its own buffer; call Flush
// when done (Copy does).
func New(w io.Writer, opts Options) *Renderer {
	r := &Renderer{
		w:    w,
		buf:  make([]byte, 0, outSize+4<<10),
		opts: opts,
		args: make([]arg, 0, 16),
	}
	r.q.sawStack = opts.Stacks
	return r
}

// holds says events wait for their stack blocks before they leave: as
// JSON objects or as Events, never as text, which passes lines through.
func (r *Renderer) holds() bool { return r.opts.JSON || r.opts.Deliver != nil }

// Lost returns the number of events the kernel reported lost so far
// ("[LOST EVENTS]" without a count counts as one).
func (r *Renderer) Lost() uint64 { return r.lost }

// Events returns the number of trace events rendered so far: event lines
// (one for an event whose string spans lines), not stack blocks, lost-event
// reports or other lines. A JSON event waiting for its stack counts.
func (r *Renderer) Events() uint64 { return r.events }

// Idle is the flush for a caller running its own read loop, to call when
// the source has delivered whole lines and its next read may block (as
// Copy does): it shows what is complete but keeps a JSON event whose stack
// block may be in the next read, where Flush would write it without one.
func (r *Renderer) Idle() error {
	r.q.drainIdle(r)
	r.flushWriter()
	return r.err
}

// Line renders one line, given without its trailing newline. It fails only
// when writing fails; a line it does not understand is passed through
// (text) or skipped (JSON).
func (r *Renderer) Line(line []byte) error {
	if r.err != nil {
		return r.err
	}
	if len(r.join) > 0 {
		if !r.structural(line) && len(r.join)+1+len(line) <= maxJoin && r.joins < maxJoinLines {
			r.joins++
			r.join = append(r.join, '\n')
			r.join = append(r.join, line...)
			if !r.parseEvent(r.join) { // cannot happen: its first line parsed
				r.other(r.join)
			} else if r.openTail(r.join) {
				return nil
			} else {
				r.emitEvent(r.join)
			}
			r.join = r.join[:0]
			return r.err
		}
		r.flushJoin()
	}
	r.process(line)
	return r.err
}

// Flush renders a line still waiting for the end of its string, writes
// the JSON events still waiting for a stack, and flushes the output.
func (r *Renderer) Flush() error {
	r.flushJoin()
	r.q.drain(r, true)
	r.flushWriter()
	return r.err
}

func (r *Renderer) flushJoin() {
	if len(r.join) == 0 {
		return
	}
	if r.parseEvent(r.join) {
		r.emitEvent(r.join)
	}
	r.join = r.join[:0]
}

func (r *Renderer) process(line []byte) {
	if cpu, n, ok := parseLost(line); ok {
		r.lostLine(cpu, n)
		return
	}
	if f, ok := frame(line); ok {
		if r.holds() {
			r.q.frame(f)
		} else {
			r.write(line)
		}
		return
	}
	if !parseHeader(line, &r.hdr) {
		r.other(line)
		return
	}
	if r.hdr.stack != noStack {
		r.stacked = r.stacked || r.hdr.stack == kernelStack
		if r.holds() {
			r.q.stackHead(r, line)
		} else {
			r.write(line)
		}
		return
	}
	r.parsePayload(line)
	if r.openTail(line) && len(line) < maxJoin {
		r.join = append(r.join[:0], line...)
		r.joins = 1
		return
	}
	r.emitEvent(line)
}

// parseEvent parses a whole event line (header and payload).
func (r *Renderer) parseEvent(b []byte) bool {
	if !parseHeader(b, &r.hdr) || r.hdr.stack != noStack {
		return false
	}
	r.parsePayload(b)
	return true
}

func (r *Renderer) parsePayload(b []byte) {
	ev := r.opts.Schema.lookup(r.hdr.event.of(b))
	if !r.opts.JSON && r.opts.Deliver == nil && ev == nil && plainText(b[r.hdr.payload:]) {
		// The text line is written as it is: nothing in it converts and
		// no string in it can be open, so its values need no split.
		r.args = r.args[:0]
		r.text, r.hasText, r.hasLoc, r.hasFrom = span{}, false, false, false
		return
	}
	var p int
	r.loc, r.from, r.hasLoc, r.hasFrom, p = location(b, r.hdr.payload)
	r.splitArgs(b, p, ev)
}

// openTail reports whether the parsed line ends inside a string: its last
// value opens a quote it never closes, so the kernel printed a newline
// from inside the string and the rest of the event is on the next line.
func (r *Renderer) openTail(b []byte) bool {
	if len(r.args) == 0 {
		return false
	}
	v := r.args[len(r.args)-1].val.of(b)
	return len(v) > 0 && v[0] == '"' && (len(v) == 1 || v[len(v)-1] != '"')
}

// structural reports whether a line starts something of its own (an
// event, a stack line, a lost-events line) rather than continuing a string.
func (r *Renderer) structural(line []byte) bool {
	if _, _, ok := parseLost(line); ok {
		return true
	}
	if _, ok := frame(line); ok {
		return true
	}
	return parseHeader(line, &r.tmp)
}

// startsEntry reports whether line begins a new trace entry (an event or
// a lost-events report), rather than belonging to the one before.
func (r *Renderer) startsEntry(line []byte) bool {
	if _, _, ok := parseLost(line); ok {
		return true
	}
	return len(r.join) == 0 && parseHeader(line, &r.tmp) && r.tmp.stack == noStack
}

func (r *Renderer) emitEvent(b []byte) {
	r.events++
	if r.opts.OnEvent != nil {
		var h header
		if parseHeader(b, &h) {
			r.opts.OnEvent(h.event.of(b))
		}
	}
	r.stacked = false
	if r.holds() {
		r.q.event(r, b)
		return
	}
	r.emitText(b)
}

func (r *Renderer) lostLine(cpu int, n uint64) {
	if n == 0 {
		r.lost++
	} else {
		r.lost += n
	}
	r.q.endStack()
	if r.opts.OnLost != nil {
		r.opts.OnLost(cpu, n)
	}
}

// other handles a line that is no trace event: headers ("# tracer: nop")
// and anything unexpected.
func (r *Renderer) other(line []byte) {
	if r.holds() {
		r.q.endStack()
		return
	}
	r.write(line)
}

// emitText writes the line with every convertible value replaced.
func (r *Renderer) emitText(b []byte) {
	if r.err != nil {
		return
	}
	out := r.buf
	last := 0
	for i := range r.args {
		a := &r.args[i]
		if a.display == probe.DisplayDefault && a.enum == nil {
			continue
		}
		mark := len(out)
		out = append(out, b[last:a.val.s]...)
		var ok bool
		if out, ok = a.convert(out, a.val.of(b), false); ok {
			last = a.val.e
		} else {
			out = out[:mark]
		}
	}
	r.buf = append(append(out, b[last:]...), '\n')
	r.spill()
}

func (r *Renderer) write(b []byte) { r.put(b) }
