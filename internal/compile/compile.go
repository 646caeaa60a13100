package compile

import (
	"errors"
	"strconv"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// Sentinel errors wrapped by the *expr.Error values Compile returns.
var (
	ErrUnknownFunction = errors.New("unknown function")
	ErrNotProbeable    = errors.New("function cannot be probed")
	ErrAmbiguous       = errors.New("ambiguous symbol")
	ErrUnknownMember   = errors.New("unknown member")
	ErrType            = errors.New("type error")
	ErrUnknownType     = errors.New("unknown type")
	ErrUnknownField    = errors.New("unknown filter field")
	ErrBadLiteral      = errors.New("bad literal")
	ErrArgument        = errors.New("bad argument")
)

// UserTarget is a resolved user-space probe point.
type UserTarget struct {
	Path   string          // absolute path of the object
	Offset uint64          // file offset of the probe point
	Types  btfdwarf.Source // the object's DWARF, nil when it has none
	Func   *btfdwarf.Func  // the function's prototype, nil when unknown
}

// UserResolver finds OBJ:FUNC[+OFF] for P/R probes (internal/uobj does
// the ELF work; the CLI wires it).
type UserResolver interface {
	ResolveUser(obj, fn string, off uint64, hasOff bool) (*UserTarget, error)
}

// Config is everything Compile needs besides the expression.
type Config struct {
	Arch *Arch
	// Types are the kernel's types; nil means none (then %N are u64).
	Types btfdwarf.Source
	// Kernel resolves kernel symbols; nil skips all symbol checks.
	Kernel *Kernel
	// User resolves P/R targets; nil refuses user probes.
	User UserResolver
	// EventFields lists a tracepoint's fields (nil: not checked).
	EventFields func(system, event string) ([]string, error)
	// EventEnum gives the enumerator names of a tracepoint field whose C
	// type is an enum, so a filter may compare it with a name; nil (or a
	// nil result) when unknown.
	EventEnum func(system, event, field string) map[int64]string
}

// Compile translates expression number index of a run into a probe
// definition. Errors are *expr.Error with a position in e.Src.
func Compile(e *expr.Expr, index int, cfg *Config) (*probe.Def, error) {
	c := &compiler{e: e, cfg: cfg, arch: cfg.Arch}
	if c.arch == nil {
		c.arch = archX86_64
	}
	d := &probe.Def{Kind: e.Kind, Source: e.Src}
	switch e.Kind {
	case probe.Uprobe:
		d.Name = "p" + strconv.Itoa(index)
	case probe.Uretprobe:
		d.Name = "r" + strconv.Itoa(index)
	case probe.Event:
		return c.event(d)
	default:
		d.Name = "f" + strconv.Itoa(index)
	}
	if err := c.target(d); err != nil {
		return nil, err
	}
	for _, a := range e.Args {
		pa, err := c.arg(a)
		if err != nil {
			return nil, err
		}
		d.Args = append(d.Args, pa)
	}
	if e.Filter != nil {
		f, err := c.filter(d.Args, nil)
		if err != nil {
			return nil, err
		}
		d.Filter = f
	}
	return d, nil
}

// compiler holds the state of one expression's compilation.
type compiler struct {
	e    *expr.Expr
	cfg  *Config
	arch *Arch
	// fn is the probed function's prototype; nil when unknown (a clone,
	// an offset inside the function, an address, or no types).
	fn *btfdwarf.Func
	// noProtoWhy says why fn is nil, for messages.
	noProtoWhy string
	// altHint names a typed alternative when fn is nil for a clone.
	altHint string
	types   btfdwarf.Source
	user    bool
	retprob bool
	inside  bool // probe at +OFF: registers hold anything
}

func (c *compiler) errf(pos, n int, sentinel error, format string, args ...any) *expr.Error {
	return expr.Errorf(c.e.Src, pos, n, sentinel, format, args...)
}

func (c *compiler) event(d *probe.Def) (*probe.Def, error) {
	t := c.e.Target
	d.Name = t.Symbol[indexByte(t.Symbol, '/')+1:]
	d.Target = t.Symbol
	var fields []string
	if c.cfg.EventFields != nil {
		sys, ev := t.Symbol[:indexByte(t.Symbol, '/')], d.Name
		fs, err := c.cfg.EventFields(sys, ev)
		if err != nil {
			return nil, c.errf(t.Pos, len(t.Text), ErrUnknownFunction, "%v", err)
		}
		fields = fs
	}
	if c.e.Filter != nil {
		f, err := c.filter(nil, fields)
		if err != nil {
			return nil, err
		}
		d.Filter = f
	}
	return d, nil
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}
