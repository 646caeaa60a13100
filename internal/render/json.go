package render

import (
	"strconv"

	"github.com/surftrace/surftrace/internal/numtext"
	"github.com/surftrace/surftrace/internal/probe"
)

// maxPending bounds how many JSON events wait for a possible stack block.
// trace_pipe merges the CPUs' buffers by time, so an event's stack (the
// next entry of its CPU) can come after events of other CPUs; an event is
// written once its CPU has moved on, on Flush, or when the queue is full.
const maxPending = 64

// pending is one JSON event waiting for its stack.
type pending struct {
	cpu                 int
	obj                 []byte // the object without its closing brace
	stack, ustack       []byte // JSON strings, comma-separated
	hasStack, hasUstack bool
	done                bool // its CPU has printed something else since
}

// queue holds the pending events in input order, in a ring of reused
// buffers so a steady stream allocates nothing.
type queue struct {
	ring       [maxPending]pending
	head, n    int
	target     *pending // the event the current stack block belongs to
	targetUser bool
	// sawStack: this stream has stack blocks (options/stacktrace is on),
	// so an event without one yet is expecting it.
	sawStack bool
}

func (q *queue) at(i int) *pending { return &q.ring[(q.head+i)%maxPending] }

func (q *queue) push(r *Renderer, cpu int) *pending {
	if q.n == maxPending {
		q.emitHead(r)
	}
	p := q.at(q.n)
	q.n++
	*p = pending{cpu: cpu, obj: p.obj[:0], stack: p.stack[:0], ustack: p.ustack[:0]}
	return p
}

// settle marks the waiting events of cpu as final.
func (q *queue) settle(cpu int) {
	for i := 0; i < q.n; i++ {
		if p := q.at(i); p.cpu == cpu {
			p.done = true
		}
	}
}

func (q *queue) event(r *Renderer, b []byte) {
	q.target = nil
	q.settle(r.hdr.cpu)
	p := q.push(r, r.hdr.cpu)
	p.obj = r.appendEvent(p.obj, b)
	q.drain(r, false)
}

// stackHead starts a stack block: it belongs to the newest waiting event
// of the same CPU. One whose event was already written (Flush came
// between) becomes an object of its own, event "<stack trace>".
func (q *queue) stackHead(r *Renderer, b []byte) {
	user := r.hdr.stack == userStack
	cpu := r.hdr.cpu
	q.target = nil
	q.sawStack = true
	for i := q.n - 1; i >= 0; i-- {
		p := q.at(i)
		if p.cpu != cpu {
			continue
		}
		if !p.done && !(user && p.hasUstack) && !(!user && p.hasStack) {
			q.target = p
		}
		break
	}
	if q.target == nil {
		q.settle(cpu)
		p := q.push(r, cpu)
		p.obj = append(r.appendHeader(p.obj, b), `,"args":{}`...)
		q.target = p
	}
	if user {
		q.target.hasUstack = true
	} else {
		q.target.hasStack = true
	}
	q.targetUser = user
	q.drain(r, false)
}

func (q *queue) frame(f []byte) {
	p := q.target
	if p == nil {
		return
	}
	if q.targetUser {
		if len(p.ustack) > 0 {
			p.ustack = append(p.ustack, ',')
		}
		p.ustack = appendJSONString(p.ustack, f)
		return
	}
	if len(p.stack) > 0 {
		p.stack = append(p.stack, ',')
	}
	p.stack = appendJSONString(p.stack, f)
}

func (q *queue) endStack() { q.target = nil }

// drain writes the events at the head that are final (all of them if all).
func (q *queue) drain(r *Renderer, all bool) {
	for q.n > 0 && (all || q.ring[q.head].done) {
		q.emitHead(r)
	}
}

// drainIdle writes what can be written while the source has nothing more
// for now. trace_pipe hands over whole entries, so a stack block seen is
// complete; an event still without one waits only if this stream has
// stacks at all.
func (q *queue) drainIdle(r *Renderer) {
	for q.n > 0 {
		p := &q.ring[q.head]
		if !p.done && !p.hasStack && !p.hasUstack && q.sawStack {
			return
		}
		q.emitHead(r)
	}
}

func (q *queue) emitHead(r *Renderer) {
	p := &q.ring[q.head]
	if q.target == p {
		q.target = nil
	}
	q.head = (q.head + 1) % maxPending
	q.n--
	if r.err != nil {
		return
	}
	out := append(r.buf, p.obj...)
	if p.hasStack {
		out = append(append(append(out, `,"stack":[`...), p.stack...), ']')
	}
	if p.hasUstack {
		out = append(append(append(out, `,"user_stack":[`...), p.ustack...), ']')
	}
	r.buf = append(out, "}\n"...)
	r.spill()
}

// appendHeader appends the object's opening and the line's fixed fields.
func (r *Renderer) appendHeader(dst, b []byte) []byte {
	h := &r.hdr
	dst = append(dst, `{"task":`...)
	dst = appendJSONString(dst, h.comm.of(b))
	pid, _ := numtext.ParseDec(h.pid.of(b))
	dst = strconv.AppendUint(append(dst, `,"pid":`...), pid, 10)
	if h.hasTgid {
		tgid, _ := numtext.ParseDec(h.tgid.of(b))
		dst = strconv.AppendUint(append(dst, `,"tgid":`...), tgid, 10)
	}
	dst = strconv.AppendInt(append(dst, `,"cpu":`...), int64(h.cpu), 10)
	if h.hasFlags {
		dst = appendJSONString(append(dst, `,"flags":`...), h.flags.of(b))
	}
	dst = append(dst, `,"timestamp":`...)
	if ts := h.ts.of(b); isJSONNumber(ts) {
		dst = append(dst, ts...)
	} else {
		dst = appendJSONString(dst, ts)
	}
	return appendJSONString(append(dst, `,"event":`...), h.event.of(b))
}

// appendEvent appends a whole event object but its closing brace.
func (r *Renderer) appendEvent(dst, b []byte) []byte {
	dst = r.appendHeader(dst, b)
	if r.hasLoc {
		dst = appendJSONString(append(dst, `,"location":`...), r.loc.of(b))
		if r.hasFrom {
			dst = appendJSONString(append(dst, `,"ret_from":`...), r.from.of(b))
		}
	}
	dst = append(dst, `,"args":{`...)
	for i := range r.args {
		a := &r.args[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendJSONString(dst, a.name.of(b)), ':')
		v := a.val.of(b)
		ok := false
		if a.display != probe.DisplayDefault || a.enum != nil {
			dst, ok = a.convert(dst, v, true)
		}
		if !ok {
			dst = appendJSONValue(dst, v)
		}
	}
	dst = append(dst, '}')
	if r.hasText {
		dst = appendJSONString(append(dst, `,"text":`...), r.text.of(b))
	}
	return dst
}
