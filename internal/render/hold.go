package render

// maxPending bounds how many events wait for a possible stack block.
// trace_pipe merges the CPUs' buffers by time, so an event's stack (the
// next entry of its CPU) can come after events of other CPUs; an event is
// written once its CPU has moved on, on Flush, or when the queue is full.
const maxPending = 64

// pending is one event waiting for its stack: a JSON object being built
// (obj, stack, ustack) or, when the caller takes Events, the Event.
type pending struct {
	cpu                 int
	obj                 []byte // the object without its closing brace
	stack, ustack       []byte // JSON strings, comma-separated
	ev                  *Event
	hasStack, hasUstack bool
	done                bool // its CPU has printed something else since
}

// queue holds the pending events in input order, in a ring of reused
// buffers so a steady JSON stream allocates nothing. JSON output and
// Options.Deliver both hold an event back by its rules; only what an
// entry holds and how it leaves differ.
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
	if r.opts.JSON {
		p.obj = r.appendEvent(p.obj, b)
	} else {
		p.ev = r.newEvent(b)
	}
	q.drain(r, false)
}

// stackHead starts a stack block: it belongs to the newest waiting event
// of the same CPU. One whose event has left already (Flush came between)
// becomes an event of its own, "<stack trace>".
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
		if r.opts.JSON {
			p.obj = append(r.appendHeader(p.obj, b), `,"args":{}`...)
		} else {
			p.ev = r.newEvent(b)
		}
		q.target = p
	}
	p := q.target
	if user {
		p.hasUstack = true
	} else {
		p.hasStack = true
	}
	if p.ev != nil {
		// A stack block seen, even empty, is a stack: not nil.
		if user {
			p.ev.UserStack = []string{}
		} else {
			p.ev.Stack = []string{}
		}
	}
	q.targetUser = user
	q.drain(r, false)
}

func (q *queue) frame(f []byte) {
	p := q.target
	switch {
	case p == nil:
	case p.ev != nil && q.targetUser:
		p.ev.UserStack = append(p.ev.UserStack, string(f))
	case p.ev != nil:
		p.ev.Stack = append(p.ev.Stack, string(f))
	case q.targetUser:
		p.ustack = appendJSONFrame(p.ustack, f)
	default:
		p.stack = appendJSONFrame(p.stack, f)
	}
}

// appendJSONFrame appends a frame to a comma-separated list of strings.
func appendJSONFrame(list, f []byte) []byte {
	if len(list) > 0 {
		list = append(list, ',')
	}
	return appendJSONString(list, f)
}

func (q *queue) endStack() { q.target = nil }

// drain lets the events at the head that are final go (all of them if all).
func (q *queue) drain(r *Renderer, all bool) {
	for q.n > 0 && (all || q.ring[q.head].done) {
		q.emitHead(r)
	}
}

// drainIdle lets go what can while the source has nothing more for now.
// trace_pipe hands over whole entries, so a stack block seen is complete;
// an event still without one waits only if this stream has stacks at all.
func (q *queue) drainIdle(r *Renderer) {
	for q.n > 0 {
		p := &q.ring[q.head]
		if !p.done && !p.hasStack && !p.hasUstack && q.sawStack {
			return
		}
		q.emitHead(r)
	}
}

// emitHead writes the oldest event, or hands it to Options.Deliver, whose
// error stops the renderer as a write error would. A stack block still
// being read for it is dropped: the event that left is complete.
func (q *queue) emitHead(r *Renderer) {
	p := &q.ring[q.head]
	if q.target == p {
		q.target = nil
	}
	q.head = (q.head + 1) % maxPending
	q.n--
	if ev := p.ev; ev != nil {
		p.ev = nil
		if r.err == nil {
			r.err = r.opts.Deliver(ev)
		}
		return
	}
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
