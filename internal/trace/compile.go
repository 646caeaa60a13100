package trace

import (
	"fmt"
	"io"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/probe"
)

// CompileConfig says what expressions are compiled against.
type CompileConfig struct {
	Kernel *kernel.Kernel
	// Armed asks for the checks a run that arms the probes needs (the
	// symbol table, instruction boundaries); -S does without them.
	Armed bool
	// Tracefs is where the run arms; "" looks at a mounted tracefs of a
	// live kernel without touching it.
	Tracefs string
	// Pid narrows every event to that process (--pid, or the --cmd
	// process); with InPid the user objects are the ones it has mapped.
	Pid   int
	InPid bool
	// Notes is told what slow loading is going on; Warn gets the
	// compiler's warnings. Either may be nil.
	Notes io.Writer
	Warn  io.Writer
	// Explain puts the compile error of expression i in the user's words;
	// nil leaves it as it is.
	Explain func(i int, err error) error
}

// Probe is one expression with the definition compiled from it: what a
// run arms, and where a refusal of the definition is shown.
type Probe struct {
	Expr *expr.Expr
	Def  *probe.Def
}

// Defs returns the definitions of probes, in order.
func Defs(probes []Probe) []*probe.Def {
	defs := make([]*probe.Def, len(probes))
	for i, p := range probes {
		defs[i] = p.Def
	}
	return defs
}

// CompileProbes compiles every expression, in order, keeping each with
// its definition.
func CompileProbes(exprs []*expr.Expr, c CompileConfig) ([]Probe, error) {
	kern := c.Kernel
	arch, err := kern.Arch()
	if err != nil {
		return nil, err
	}
	cc := &compile.Config{Arch: arch, User: newUserResolver(arch, c.Notes)}
	// Another kernel (a saved kallsyms): its saved available_events says
	// what exists; field names are not known, so filters go unchecked.
	evfs := c.Tracefs
	if evfs == "" && kern.Live() {
		evfs = kernel.FindTracefs()
	}
	cc.EventFields = kern.EventFields(evfs)
	if kern.Live() {
		cc.EventEnum = kern.EventEnums(evfs)
	}
	// The tracefs README describes this machine's kernel: -S for another
	// one (a saved kallsyms, or a BTF file alone) must not go by it.
	ftf := c.Tracefs
	if ftf == "" && kern.Live() && (c.Armed || kern.Options().BTF == "") {
		ftf = kernel.FindTracefs()
	}
	cc.Features = kern.Features(ftf)
	cc.Warn = func(msg string) {
		if c.Warn != nil {
			fmt.Fprintf(c.Warn, "surftrace: warning: %s\n", msg)
		}
	}
	needKernel := false
	for _, e := range exprs {
		if !e.Kind.IsUser() && e.Kind != probe.Event {
			needKernel = true
		}
	}
	if needKernel {
		types, err := kern.Types()
		if err != nil {
			return nil, err
		}
		cc.Types = types
		tf := c.Tracefs
		if tf == "" && kern.Live() {
			tf = kernel.FindTracefs()
		}
		cc.Kernel = kern.Symbols(c.Armed, tf)
	}
	if c.Pid != 0 && c.InPid {
		if err := resolveInPid(exprs, c.Pid); err != nil {
			return nil, err
		}
	}
	probes := make([]Probe, len(exprs))
	for i, e := range exprs {
		d, err := compile.Compile(e, i, cc)
		if err != nil {
			if c.Explain != nil {
				err = c.Explain(i, err)
			}
			return nil, err
		}
		probes[i] = Probe{Expr: e, Def: d}
	}
	if c.Pid != 0 {
		addPidFilter(Defs(probes), c.Pid)
	}
	return probes, nil
}
