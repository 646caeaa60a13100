package trace

import (
	"errors"
	"strconv"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/probe"
	itrace "github.com/surftrace/surftrace/internal/trace"
)

// Options name the kernel expressions are compiled against. The zero
// value is the running kernel on the host's architecture.
type Options struct {
	// BTF is a file of the kernel's types: raw BTF (as
	// /sys/kernel/btf/vmlinux), gzip-compressed, or a .tar.xz holding it.
	BTF string
	// Kallsyms is a saved /proc/kallsyms (plain or .gz) of another
	// kernel. With it the probes are for that kernel: Compile shows their
	// definitions, Run refuses them. Files saved beside it
	// (kprobes-blacklist, available_filter_functions, available_events,
	// config) are read too.
	Kallsyms string
	// Vmlinux is a debug vmlinux whose DWARF gives the types instead of
	// BTF.
	Vmlinux string
	// Arch is the target's architecture: x86_64, x86, aarch64 (and the
	// others the command's -a takes); "" is the host's.
	Arch string
}

func (o Options) kernel() *kernel.Kernel {
	return kernel.New(kernel.Options{BTF: o.BTF, Kallsyms: o.Kallsyms, Vmlinux: o.Vmlinux, Arch: o.Arch})
}

// Compile compiles each expression, in order, into a Probe. The first
// expression it cannot compile ends it with an [*Error] saying where.
func Compile(exprs []string, opts Options) ([]*Probe, error) {
	kern := opts.kernel()
	parsed := make([]*expr.Expr, len(exprs))
	for i, s := range exprs {
		e, err := expr.Parse(s)
		if err != nil {
			return nil, located(i, itrace.ExplainParseError(kern, err))
		}
		parsed[i] = e
	}
	compiled, err := itrace.CompileProbes(parsed, itrace.CompileConfig{
		Kernel:  kern,
		Armed:   kern.Live(),
		Explain: located,
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Probe, len(compiled))
	for i, c := range compiled {
		out[i] = &Probe{p: c, live: kern.Live()}
	}
	return out, nil
}

// Probe is one compiled expression.
type Probe struct {
	p    itrace.Probe
	live bool
}

// Expr returns the expression the probe was compiled from.
func (p *Probe) Expr() string { return p.p.Expr.Src }

// Name returns the event name: f0, r1… for a kernel probe and p0, r1… for
// a user one (by the expression's position), the tracepoint's name for an
// e expression. Events carry it.
func (p *Probe) Name() string { return p.p.Def.Name }

// Definition returns the line the probe is written as, as surftrace -S
// prints it: a kprobe_events or uprobe_events line in the group
// "surftrace" ("p:surftrace/f0 ip_output proto=+0x9(%di):u8"), or
// "e:SUBSYS/EVENT" for a tracepoint. Run puts it in a group of its own.
func (p *Probe) Definition() string {
	d := p.p.Def
	if d.Kind == probe.Event {
		return "e:" + d.Target
	}
	return d.Line("surftrace")
}

// Filter returns the ftrace filter of the probe's event as written to
// the kernel, "" when the expression has none.
func (p *Probe) Filter() string { return p.p.Def.Filter }

// Args returns the probe's values in the order events carry them; a
// tracepoint's own fields are not listed (their names come with each
// event).
func (p *Probe) Args() []Arg {
	args := make([]Arg, len(p.p.Def.Args))
	for i, a := range p.p.Def.Args {
		args[i] = Arg{Name: a.Name, CType: a.CType, FetchType: a.Type}
	}
	return args
}

// Arg is one value a probe fetches.
type Arg struct {
	Name string
	// CType is the value's C type as the kernel's types spell it ("__u8",
	// "char *"); "" for a machine word read without a type (a register
	// or a stack slot, %0 without a cast) and for $comm.
	CType string
	// FetchType is the kernel's fetch type ("u8", "s32", "string",
	// "x8[16]", "b3@0/8"), which decides the Go type of the value in an
	// Event (see Field).
	FetchType string
}

// Error is an expression refused by the parser, the compiler or the
// kernel, with the part of it at fault. Get it with errors.As.
type Error struct {
	Index int    // the expression's position in the list given to Compile
	Expr  string // the expression
	Pos   int    // byte offset of the part at fault
	Len   int    // its length in bytes
	Msg   string // what is wrong
	Hint  string // how to fix it, when a fix is likely; else ""
	err   *expr.Error
}

// Error returns a one-line form: "expression 1: col 3: MESSAGE (HINT)".
func (e *Error) Error() string {
	return "expression " + strconv.Itoa(e.Index+1) + ": " + e.err.Error()
}

// Caret returns the message, the expression with a caret line under the
// part at fault, and the hint, over several lines: what the surftrace
// command prints.
func (e *Error) Caret() string { return e.err.Pretty() }

// Unwrap returns the underlying error, so errors.Is finds its causes.
func (e *Error) Unwrap() error { return e.err }

// located makes err, when it points into expression i, an *Error.
func located(i int, err error) error {
	var ee *expr.Error
	if !errors.As(err, &ee) {
		return err
	}
	return &Error{Index: i, Expr: ee.Src, Pos: ee.Pos, Len: ee.Len, Msg: ee.Msg, Hint: ee.Hint, err: ee}
}
