package compile

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ftrace"
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
	// Features reads what the target kernel's tracefs README lists
	// (live, or a saved copy beside --kallsyms). Nil or an error means
	// unknown: the Linux 6.1 baseline is assumed.
	Features func() (*ftrace.Features, error)
	// Warn receives warnings about expressions that compile but may
	// print something other than what the user expects; nil drops them.
	Warn func(msg string)

	featOnce, warnOnceDone sync.Once
	feat                   *ftrace.Features
}

// WithTypes returns a copy of the configuration that takes its types from
// t (a module's own, say): a Config holds per-run state and is not to be
// copied by value.
func (cfg *Config) WithTypes(t btfdwarf.Source) *Config {
	return &Config{Arch: cfg.Arch, Types: t, Kernel: cfg.Kernel, User: cfg.User,
		EventFields: cfg.EventFields, EventEnum: cfg.EventEnum, Features: cfg.Features, Warn: cfg.Warn}
}

// warnOnce passes msg to Warn, once per Config: the first of a kind of
// warning is enough for a run.
func (cfg *Config) warnOnce(msg string) {
	if cfg.Warn == nil {
		return
	}
	cfg.warnOnceDone.Do(func() { cfg.Warn(msg) })
}

// features returns the target's features, read once per Config.
func (cfg *Config) features() *ftrace.Features {
	cfg.featOnce.Do(func() {
		if cfg.Features != nil {
			if f, err := cfg.Features(); err == nil && f != nil {
				cfg.feat = f
				return
			}
		}
		cfg.feat = ftrace.Baseline61()
	})
	return cfg.feat
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
	if len(e.Args) > maxTraceArgs {
		a := e.Args[maxTraceArgs]
		return nil, c.errf(a.Base, len(a.Text), ErrArgument, "%d arguments: a probe takes at most %d (the kernel's MAX_TRACE_ARGS), and this is number %d", len(e.Args), maxTraceArgs, maxTraceArgs+1).
			WithHint("split the values over two expressions on the same probe point")
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
	if err := c.checkWords(d); err != nil {
		return nil, err
	}
	return d, nil
}

// checkWords refuses a definition whose words would not reach the kernel
// as words: kprobe_events and uprobe_events split at whitespace, so a
// space in a resolved object path (or any control byte anywhere) would
// cut the definition somewhere the user did not write.
func (c *compiler) checkWords(d *probe.Def) error {
	t := c.e.Target
	if i := probe.BadByte(d.Target); i >= 0 {
		pos, n := t.Pos, len(t.Text)
		if j := probe.BadByte(t.Text); j >= 0 {
			pos, n = t.Pos+j, 1
		}
		what, shown := "the probe point", d.Target
		if d.Kind.IsUser() {
			what = "the object's path"
			shown = d.Target[:strings.LastIndexByte(d.Target, ':')]
		}
		return c.errf(pos, n, ErrArgument, "%s %q holds %q, where %s splits the definition", what, shown, d.Target[i], eventsFile(d.Kind)).
			WithHint("give a path without whitespace or control characters, e.g. through a symbolic link")
	}
	for i, pa := range d.Args {
		a := c.e.Args[i]
		if j := probe.BadByte(pa.Name + pa.Fetch); j >= 0 {
			return c.errf(a.Base, len(a.Text), ErrArgument, "%s=%s holds %q, where %s splits the definition", pa.Name, pa.Fetch, (pa.Name + pa.Fetch)[j], eventsFile(d.Kind))
		}
	}
	return nil
}

func eventsFile(k probe.Kind) string {
	if k.IsUser() {
		return "uprobe_events"
	}
	return "kprobe_events"
}

// maxTraceArgs is the kernel's MAX_TRACE_ARGS: kprobe_events and
// uprobe_events take at most this many arguments (6.1 silently drops the
// rest).
const maxTraceArgs = 128

// maxDerefs is how many dereferences one fetch argument may chain. The
// kernel compiles an argument into at most FETCH_INSN_MAX (16) fetch
// instructions: the first fetch, one per dereference, the store, a
// bitfield or array step and the end, which leaves 12 for dereferences
// whatever the type (kernel/trace/trace_probe.h, 5.10 to 6.12).
const maxDerefs = 12

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
	d.Name = t.Symbol[strings.IndexByte(t.Symbol, '/')+1:]
	d.Target = t.Symbol
	var fields []string
	if c.cfg.EventFields != nil {
		sys, ev := t.Symbol[:strings.IndexByte(t.Symbol, '/')], d.Name
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
