package graph

// Builder assembles call trees from parsed lines, one stack per task, so the
// lines of two CPUs (or of a task that moved between CPUs) never mix. A task
// is known by the funcgraph-proc column, else by the last switch block seen
// on its CPU, else only by its CPU.
type Builder struct {
	fn    string
	ctxs  map[ctxKey]*taskStack
	onCPU map[int]task // the task the last switch block put on each CPU
	seq   int
	stats Stats
}

// Stats counts what a Builder saw.
type Stats struct {
	Calls      int   // complete calls handed over
	Dropped    int   // calls thrown away: events were lost inside them or their nesting broke
	Unfinished int   // calls still open when the input ended (set by Flush)
	Orphans    int   // exits whose entry was not seen: it came before the trace started, or was lost
	Lost       int64 // events the kernel reported lost
}

type task struct {
	pid  int
	comm string
}

// ctxKey names a stack: a task by pid, or a CPU when the task is unknown or
// is an idle task (every CPU's idle task is pid 0).
type ctxKey struct{ pid, cpu int }

type frame struct {
	node        *Node // nil outside a call of the traced function
	placeholder bool  // stands for an entry that was never seen
}

type taskStack struct {
	frames []frame
	root   int  // index of the frame of the open call, -1 if none
	broken bool // the open call lost events or its nesting broke
	irq    bool // an interrupt mark waits for its first function
	cpu    int  // the CPU of the last line
	call   *Call
}

// NewBuilder returns a Builder for calls of the function fn. With fn empty
// it takes the first function entered at depth 0 (not a leaf there: the
// tracer's own writes show up as leaves at the start of a trace).
func NewBuilder(fn string) *Builder {
	return &Builder{fn: fn, ctxs: map[ctxKey]*taskStack{}, onCPU: map[int]task{}}
}

// Func is the function whose calls the Builder collects.
func (b *Builder) Func() string { return b.fn }

// Stats reports the counts so far.
func (b *Builder) Stats() Stats { return b.stats }

// Add feeds one line and returns the call it completed, or nil.
func (b *Builder) Add(l Line) *Call {
	switch l.Kind {
	case KindLost:
		b.stats.Lost += l.Lost
		for _, ts := range b.ctxs {
			if ts.cpu == l.CPU && ts.root >= 0 {
				ts.broken = true
			}
		}
		return nil
	case KindSwitch:
		b.switchTask(l)
		return nil
	case KindOther, KindComment:
		return nil
	}
	k, ts := b.stack(l)
	var c *Call
	switch l.Kind {
	case KindIRQEnter:
		ts.irq = true
	case KindIRQExit:
		ts.irq = false
	case KindEntry:
		ts.push(b, l, b.align(ts, l.Depth, true))
	case KindLeaf:
		c = b.leaf(ts, l, b.align(ts, l.Depth, true))
	case KindExit:
		c = b.exit(ts, l)
	}
	if len(ts.frames) == 0 && !ts.irq {
		delete(b.ctxs, k) // a long run sees many tasks come and go
	}
	return c
}

// AddText parses and feeds one line.
func (b *Builder) AddText(s string) *Call { return b.Add(ParseLine(s)) }

// Flush ends the input: calls still open are counted as unfinished.
func (b *Builder) Flush() Stats {
	for k, ts := range b.ctxs {
		if ts.root >= 0 {
			b.stats.Unfinished++
		}
		delete(b.ctxs, k)
	}
	return b.stats
}

// switchTask records which task a CPU now runs. Lines printed before the first
// switch on a CPU had no known task: their stack belongs to the previous task.
func (b *Builder) switchTask(l Line) {
	if l.CPU < 0 {
		return
	}
	if ts, ok := b.ctxs[ctxKey{-1, l.CPU}]; ok && l.PrevPID >= 0 {
		prev := keyFor(l.PrevPID, l.CPU)
		if _, taken := b.ctxs[prev]; !taken {
			b.ctxs[prev] = ts
		}
		delete(b.ctxs, ctxKey{-1, l.CPU})
	}
	if l.PID >= 0 {
		b.onCPU[l.CPU] = task{l.PID, l.Comm}
	}
}

func keyFor(pid, cpu int) ctxKey {
	if pid > 0 {
		return ctxKey{pid, -1}
	}
	return ctxKey{pid, cpu}
}

// stack finds (or makes) the stack of the task that printed l.
func (b *Builder) stack(l Line) (ctxKey, *taskStack) {
	pid := l.PID
	if pid < 0 && l.CPU >= 0 {
		if t, ok := b.onCPU[l.CPU]; ok {
			pid = t.pid
		}
	}
	k := keyFor(pid, l.CPU)
	ts, ok := b.ctxs[k]
	if !ok {
		ts = &taskStack{root: -1}
		b.ctxs[k] = ts
	}
	ts.cpu = l.CPU
	return k, ts
}

// align makes the stack as deep as the kernel says the next line is, and
// returns the callees the next call adopts.
//
// Deeper than the line: exits were lost, so the frames above are closed and
// the call they were in is broken. Shallower: the entries were never seen
// (they came before the trace started, or were lost), and placeholders stand
// for them. One case is normal: the kernel counts a function's depth before
// it records the function's entry, so an interrupt arriving in between prints
// its handlers one level deeper before the entry line of the function it
// interrupted. Inside a call a placeholder keeps those callees, and the next
// entry (or leaf) at the placeholder's depth adopts them.
func (b *Builder) align(ts *taskStack, depth int, adopt bool) []*Node {
	var adopted []*Node
	for len(ts.frames) > depth {
		top := ts.frames[len(ts.frames)-1]
		ts.frames = ts.frames[:len(ts.frames)-1]
		if adopt && top.placeholder && top.node != nil && len(ts.frames) == depth {
			adopted = top.node.Children
			continue
		}
		if ts.root >= 0 {
			ts.broken = true
			if len(ts.frames) <= ts.root {
				ts.root, ts.call, ts.broken = -1, nil, false
				b.stats.Dropped++
			}
		}
	}
	for len(ts.frames) < depth {
		f := frame{placeholder: true}
		if ts.root >= 0 {
			f.node = &Node{} // holds callees until their caller's entry shows up
		}
		ts.frames = append(ts.frames, f)
	}
	return adopted
}

// push opens a call of l.Func; a call of the traced function outside any
// other opens a new tree.
func (ts *taskStack) push(b *Builder, l Line, adopted []*Node) {
	irq := ts.irq
	ts.irq = false
	if ts.root < 0 {
		if b.fn == "" && len(ts.frames) == 0 {
			b.fn = l.Func // offline without a name: the first function entered at the top
		}
		if l.Func != b.fn {
			ts.frames = append(ts.frames, frame{})
			return
		}
		n := &Node{Name: l.Func, Calls: 1, IRQ: irq}
		ts.root, ts.broken = len(ts.frames), false
		ts.call = b.newCall(l, n)
		ts.frames = append(ts.frames, frame{node: n})
		return
	}
	n := &Node{Name: l.Func, Calls: 1, IRQ: irq, Children: adopted}
	if parent := ts.frames[len(ts.frames)-1].node; parent != nil {
		parent.Children = append(parent.Children, n)
	}
	ts.frames = append(ts.frames, frame{node: n})
}

func (b *Builder) leaf(ts *taskStack, l Line, adopted []*Node) *Call {
	irq := ts.irq
	ts.irq = false
	n := &Node{Name: l.Func, Total: max(l.Duration, 0), Calls: 1, IRQ: irq, Children: adopted}
	if ts.root >= 0 {
		if parent := ts.frames[len(ts.frames)-1].node; parent != nil {
			parent.Children = append(parent.Children, n)
		}
		return nil
	}
	if l.Func != b.fn {
		return nil
	}
	return b.finish(b.newCall(l, n), false)
}

func (b *Builder) exit(ts *taskStack, l Line) *Call {
	if len(ts.frames) <= l.Depth {
		b.stats.Orphans++
		return nil
	}
	b.align(ts, l.Depth+1, false)
	top := ts.frames[len(ts.frames)-1]
	ts.frames = ts.frames[:len(ts.frames)-1]
	if top.placeholder {
		b.stats.Orphans++
		if ts.root >= 0 {
			ts.broken = true // the exit of an entry never seen, inside a call
		}
		return nil
	}
	if top.node == nil {
		return nil
	}
	top.node.Total = max(l.Duration, 0)
	if l.Func != "" && l.Func != top.node.Name {
		ts.broken = true
	}
	if len(ts.frames) != ts.root {
		return nil
	}
	c, broken := ts.call, ts.broken
	ts.root, ts.call, ts.broken = -1, nil, false
	return b.finish(c, broken)
}

func (b *Builder) newCall(l Line, root *Node) *Call {
	c := &Call{Root: root, CPU: l.CPU, PID: l.PID, Comm: l.Comm, Time: l.Time}
	if c.PID < 0 {
		if t, ok := b.onCPU[l.CPU]; ok {
			c.PID, c.Comm = t.pid, t.comm
		}
	}
	return c
}

func (b *Builder) finish(c *Call, broken bool) *Call {
	if broken {
		b.stats.Dropped++
		return nil
	}
	b.seq++
	b.stats.Calls++
	c.Seq = b.seq
	return c
}
