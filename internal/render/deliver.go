package render

// delivered is one Event waiting for its stack before Options.Deliver
// gets it.
type delivered struct {
	ev                  *Event
	cpu                 int
	hasStack, hasUstack bool
	done                bool // its CPU has printed something else since
}

// deliverQueue holds the events not yet delivered, in input order. An
// event waits for its stack blocks by the same rules as a JSON event
// (see queue): until its CPU moves on, the source goes idle, Flush, or
// maxPending events wait.
type deliverQueue struct {
	p          []delivered
	target     *Event // the event the current stack block belongs to
	targetUser bool
	sawStack   bool
}

// settle marks the waiting events of cpu as final.
func (q *deliverQueue) settle(cpu int) {
	for i := range q.p {
		if q.p[i].cpu == cpu {
			q.p[i].done = true
		}
	}
}

// push appends an event, delivering the oldest first when maxPending
// wait; the pointer is valid until the queue next changes.
func (q *deliverQueue) push(r *Renderer, ev *Event, cpu int) *delivered {
	if len(q.p) == maxPending {
		q.deliverHead(r)
	}
	q.p = append(q.p, delivered{ev: ev, cpu: cpu})
	return &q.p[len(q.p)-1]
}

func (q *deliverQueue) event(r *Renderer, b []byte) {
	q.target = nil
	q.settle(r.hdr.cpu)
	q.push(r, r.newEvent(b), r.hdr.cpu)
	q.drain(r, false)
}

// stackHead starts a stack block: it belongs to the newest waiting event
// of the same CPU, or becomes an Event of its own ("<stack trace>") when
// that one was delivered already.
func (q *deliverQueue) stackHead(r *Renderer, b []byte) {
	user := r.hdr.stack == userStack
	cpu := r.hdr.cpu
	q.target = nil
	q.sawStack = true
	var t *delivered
	for i := len(q.p) - 1; i >= 0; i-- {
		p := &q.p[i]
		if p.cpu != cpu {
			continue
		}
		if !p.done && !(user && p.hasUstack) && !(!user && p.hasStack) {
			t = p
		}
		break
	}
	if t == nil {
		q.settle(cpu)
		t = q.push(r, r.newEvent(b), cpu)
	}
	if user {
		t.hasUstack, t.ev.UserStack = true, []string{}
	} else {
		t.hasStack, t.ev.Stack = true, []string{}
	}
	q.target, q.targetUser = t.ev, user
	q.drain(r, false)
}

func (q *deliverQueue) frame(f []byte) {
	if ev := q.target; ev != nil {
		if q.targetUser {
			ev.UserStack = append(ev.UserStack, string(f))
		} else {
			ev.Stack = append(ev.Stack, string(f))
		}
	}
}

func (q *deliverQueue) endStack() { q.target = nil }

// drain delivers the events at the head that are final (all if all).
func (q *deliverQueue) drain(r *Renderer, all bool) {
	for len(q.p) > 0 && (all || q.p[0].done) {
		q.deliverHead(r)
	}
}

// drainIdle delivers what can be while the source has nothing more for
// now, as queue.drainIdle writes.
func (q *deliverQueue) drainIdle(r *Renderer) {
	for len(q.p) > 0 {
		p := &q.p[0]
		if !p.done && !p.hasStack && !p.hasUstack && q.sawStack {
			return
		}
		q.deliverHead(r)
	}
}

// deliverHead hands the oldest event to Options.Deliver; its error
// stops the renderer as a write error would. A stack block still being
// read for it is dropped, as a JSON event written is complete.
func (q *deliverQueue) deliverHead(r *Renderer) {
	ev := q.p[0].ev
	if q.target == ev {
		q.target = nil
	}
	n := copy(q.p, q.p[1:])
	q.p[n] = delivered{}
	q.p = q.p[:n]
	if r.err == nil {
		r.err = r.opts.Deliver(ev)
	}
}
