package compile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/suggest"
)

// value is an intermediate result while walking an ARG: where the value
// is and its C type.
type value struct {
	typ *btfdwarf.Type // nil: untyped machine word
	// direct is a fetch-arg whose value is the value ("%di", "$retval");
	// empty when the value lies in memory at base+off.
	direct string
	base   string // fetch-arg giving an address, or "@sym" for globals
	off    int64
	sym    bool // base is "@SYMBOL" (memory at symbol+off)
	// add is a constant added to a pointer value (packet casts point
	// past skb->data); only a dereference can use it.
	add int64
	// bitfield position, when the last member was one.
	bitSize, bitOff int
	// packet is set on the pointer a packet cast produced.
	packet *packetInfo
	// what describes the value for messages ("%0 (struct sk_buff *skb)").
	what string
}

// expr returns the fetch-arg text producing the value.
func (v *value) expr() string {
	if v.direct != "" {
		return v.direct
	}
	if v.sym {
		switch {
		case v.off > 0:
			return fmt.Sprintf("%s+%d", v.base, v.off)
		case v.off < 0:
			return fmt.Sprintf("%s%d", v.base, v.off)
		}
		return v.base
	}
	return memExpr(v.off, v.base)
}

func memExpr(off int64, base string) string {
	if off < 0 {
		return fmt.Sprintf("-0x%x(%s)", -off, base)
	}
	return fmt.Sprintf("+0x%x(%s)", off, base)
}

// inMemory reports whether the value has an address (so members and
// strings can be read at it).
func (v *value) inMemory() bool { return v.direct == "" }

// deref follows a pointer value: the result lies at pointer+add+off.
func (v *value) deref(off int64, typ *btfdwarf.Type) *value {
	return &value{typ: typ, base: v.expr(), off: v.add + off}
}

// at is the value of a member of v, which lies in memory.
func (v *value) at(off int64, typ *btfdwarf.Type) *value {
	return &value{typ: typ, base: v.base, off: v.off + off, sym: v.sym}
}

// source compiles SOURCE into a value.
func (c *compiler) source(a *expr.Arg) (*value, error) {
	s := a.Source
	pos := a.At(s.Pos)
	switch {
	case s.Reg != nil:
		return c.register(*s.Reg, pos)
	case s.Var != nil:
		return c.variable(*s.Var, pos)
	case s.Sym != nil:
		if c.user {
			return nil, c.errf(pos, len(*s.Sym)+1, ErrArgument, "@%s reads kernel memory; a user probe cannot", *s.Sym)
		}
		name := *s.Sym
		if strings.HasPrefix(name, "0x") || strings.HasPrefix(name, "0X") {
			addr, err := strconv.ParseUint(name[2:], 16, 64)
			if err != nil {
				return nil, c.errf(pos, len(name)+1, ErrArgument, "bad address %s", name)
			}
			return &value{base: fmt.Sprintf("@0x%x", addr), sym: true, what: "@" + name}, nil
		}
		if err := c.checkGlobal(name, pos); err != nil {
			return nil, err
		}
		return &value{base: "@" + name, sym: true, what: "@" + name}, nil
	}
	return nil, c.errf(pos, 1, ErrArgument, "missing source")
}

// register compiles %N (argument N) and %REG (a raw register).
func (c *compiler) register(r string, pos int) (*value, error) {
	name := r[1:]
	if n, err := strconv.Atoi(name); err == nil {
		return c.argN(n, pos, len(r))
	}
	reg, ok := c.arch.register(name)
	if !ok {
		return nil, c.errf(pos, len(r), ErrArgument, "unknown register %s on %s", r, c.arch.Name).
			WithHint(suggest.DidYouMean(suggest.Closest("%"+name, c.arch.RegisterNames(), 3)))
	}
	if c.retprob {
		c.cfg.warnOnce(fmt.Sprintf("%%%s in a return probe is read when the function returns: it holds whatever the function left there, not what it held at entry", reg))
	}
	return &value{direct: "%" + reg, what: "%" + reg}, nil
}

// argN places argument n: a register, or a stack slot past the
// registers, following the ABI's rule that a struct of 9–16 bytes takes
// two registers and a larger one none.
func (c *compiler) argN(n, pos, width int) (*value, error) {
	regs := c.arch.KernelArgs
	if c.user {
		regs = c.arch.UserArgs
	}
	if c.fn == nil {
		// No prototype: one register per argument.
		what := fmt.Sprintf("%%%d", n)
		if n < len(regs) {
			return c.argAt(&value{direct: "%" + regs[n], what: what}, n, pos, width)
		}
		if c.inside {
			return nil, c.errf(pos, width, ErrArgument, "%%%d is on the stack, valid only at the function's entry", n)
		}
		return c.argAt(&value{direct: fmt.Sprintf("$stack%d", c.arch.StackSlot0+n-len(regs)), what: what}, n, pos, width)
	}
	ps := c.fn.Proto.Params
	if n >= len(ps) {
		return nil, c.errf(pos, width, ErrArgument, "%%%d is past the last argument: %s", n, c.fn.Signature()).
			WithHint(fmt.Sprintf("%s takes %d argument(s), %%0 to %%%d", c.fn.Name, len(ps), len(ps)-1))
	}
	reg, slot := 0, c.arch.StackSlot0
	words := func(t *btfdwarf.Type) int { return max(1, (t.Size+c.arch.PtrSize-1)/c.arch.PtrSize) }
	for i := 0; i <= n; i++ {
		t := ps[i].Type
		what := fmt.Sprintf("%%%d (%s)", i, paramString(ps[i]))
		if t.Kind == btfdwarf.Float {
			if i == n {
				return nil, c.errf(pos, width, ErrType, "%s is passed in a floating-point register, which kprobes cannot read", what)
			}
			continue
		}
		w := words(t)
		byReg := w <= 2 && reg+w <= len(regs)
		if t.IsComposite() && t.Size > 2*c.arch.PtrSize {
			// Passed in memory: on the stack, by value.
			byReg = false
		}
		if i == n {
			if byReg {
				if w > 1 {
					return nil, c.errf(pos, width, ErrType, "%s is passed by value in two registers (%%%s, %%%s); read them as %%%s and %%%s",
						what, regs[reg], regs[reg+1], regs[reg], regs[reg+1])
				}
				return c.argAt(&value{typ: t, direct: "%" + regs[reg], what: what}, reg, pos, width)
			}
			if c.inside {
				return nil, c.errf(pos, width, ErrArgument, "%s is on the stack, valid only at the function's entry", what)
			}
			if t.IsComposite() {
				if c.retprob {
					return nil, c.errf(pos, width, ErrArgument, "%s is a struct passed by value on the stack, which is gone when the function returns", what).
						WithHint("read it in a p probe on the same function")
				}
				// A struct on the stack lies in memory at the slot.
				return &value{typ: t, base: "$stack", off: int64(slot * c.arch.PtrSize), what: what}, nil
			}
			return c.argAt(&value{typ: t, direct: fmt.Sprintf("$stack%d", slot), what: what}, len(regs)+slot-c.arch.StackSlot0, pos, width)
		}
		if byReg {
			reg += w
		} else {
			slot += w
		}
	}
	panic("unreachable: the loop returns at i == n")
}

// argAt returns v, the entry-time place of argument word k (0-based, in
// the kernel's regs_get_kernel_argument numbering), as a probe can read
// it. At entry that is v itself. When the function returns, the registers
// and the stack hold other things, so a return probe reads $arg<k+1>,
// which the kernel saves at entry, where its README lists that; elsewhere
// it is refused rather than read from a clobbered register.
func (c *compiler) argAt(v *value, k, pos, width int) (*value, error) {
	if !c.retprob {
		return v, nil
	}
	name := c.e.Target.Symbol
	if c.user {
		return nil, c.errf(pos, width, ErrArgument, "a user return probe cannot read entry arguments: at return the registers hold other values, and uprobe_events has no $arg<N>").
			WithHint(fmt.Sprintf("read %s in a P probe on the same function: P %s:%s …", v.what, c.e.Target.Obj, name))
	}
	f := c.cfg.features()
	if !f.RetArgN {
		return nil, c.errf(pos, width, ErrArgument, "this kernel's return probes cannot read entry arguments: by the time the function returns, %s is no longer where it was at entry, and %s lists no $arg<N> for return probes", v.what, f.Source).
			WithHint(fmt.Sprintf("use a `p` probe to read %s: p %s …", v.what, name))
	}
	if !c.arch.ArgNStack && k >= len(c.arch.KernelArgs) {
		return nil, c.errf(pos, width, ErrArgument, "%s is passed on the stack, which $arg<N> cannot read on %s", v.what, c.arch.Name).
			WithHint(fmt.Sprintf("use a `p` probe to read %s: p %s …", v.what, name))
	}
	nv := *v
	nv.direct = fmt.Sprintf("$arg%d", k+1) // $arg1 is the first argument
	return &nv, nil
}

func paramString(p btfdwarf.Param) string {
	s := p.Type.String()
	if !strings.HasSuffix(s, "*") {
		s += " "
	}
	return s + p.Name
}

// variable compiles $retval, $comm, $stack and $stackN.
func (c *compiler) variable(v string, pos int) (*value, error) {
	switch {
	case v == "$retval":
		if !c.retprob {
			return nil, c.errf(pos, len(v), ErrArgument, "$retval exists only in return probes (r, R)").
				WithHint("write the expression with r instead of p")
		}
		val := &value{direct: "$retval", what: "$retval"}
		if c.fn != nil {
			val.typ = c.fn.Proto.Ret
			if val.typ == nil {
				return nil, c.errf(pos, len(v), ErrType, "%s returns void", c.fn.Name)
			}
			val.what = "$retval (" + val.typ.String() + ")"
		}
		return val, nil
	case v == "$comm":
		return &value{direct: "$comm", what: "$comm", typ: commType}, nil
	case v == "$stack":
		return &value{direct: "$stack", what: "$stack"}, nil
	case strings.HasPrefix(v, "$stack"):
		if _, err := strconv.Atoi(v[6:]); err != nil {
			break
		}
		return &value{direct: v, what: v}, nil
	}
	return nil, c.errf(pos, len(v), ErrArgument, "unknown variable %s", v).
		WithHint(suggest.DidYouMean(suggest.Closest(v, []string{"$retval", "$comm", "$stack", "$stack0"}, 2)))
}

// commType marks $comm: already a string.
var commType = &btfdwarf.Type{Kind: btfdwarf.Array, Name: "$comm", Len: 16, Size: 16}

// checkGlobal refuses an @SYMBOL the symbol table does not have, when
// the table lists data symbols at all (kernels without
// CONFIG_KALLSYMS_ALL list only code).
func (c *compiler) checkGlobal(name string, pos int) error {
	k := c.cfg.Kernel
	if k == nil || !k.Eager && !k.loaded() {
		// Not worth reading kallsyms for: kprobe_events checks it too.
		return nil
	}
	tab, err := k.table()
	if err != nil || !tab.HasData() {
		return nil
	}
	if len(tab.Lookup(name)) == 0 {
		return c.errf(pos, len(name)+1, ErrArgument, "no kernel symbol %q", name)
	}
	return nil
}
