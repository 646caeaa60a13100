package compile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/suggest"
	"github.com/surftrace/surftrace/internal/vocab"
)

// arg compiles one NAME=… into a fetch argument.
func (c *compiler) arg(a *expr.Arg) (probe.Arg, error) {
	out := probe.Arg{Name: a.Name, Display: vocab.DisplayForName(a.Name)}
	v, err := c.source(a)
	if err != nil {
		return out, err
	}
	if a.Cast != nil {
		if v, err = c.cast(a, v); err != nil {
			return out, err
		}
	}
	if a.Packet != nil {
		if v, err = c.packet(a, v); err != nil {
			return out, err
		}
	}
	for i := 0; i < len(a.Access); i++ {
		acc := a.Access[i]
		var next *expr.Access
		if i+1 < len(a.Access) {
			next = a.Access[i+1]
		}
		nv, used, err := c.access(a, v, acc, next)
		if err != nil {
			return out, err
		}
		v = nv
		if n := derefs(v.expr()); n > maxDerefs {
			pos := a.At(acc.Pos)
			return out, c.errf(pos, a.Base+len(a.Text)-pos, ErrArgument, "%s needs %d dereferences; the kernel reads at most %d in one argument (FETCH_INSN_MAX is 16 fetch instructions)", a.Name, n, maxDerefs).
				WithHint("probe a function that receives a pointer closer to the value")
		}
		if used {
			i++
		}
	}
	fetch, typ, err := c.finish(a, v, &out)
	if err != nil {
		return out, err
	}
	if err := c.checkPrefix(a, v, typ); err != nil {
		return out, err
	}
	out.Fetch, out.Type = fetch, typ
	if n := derefs(fetch); n > maxDerefs {
		return out, c.errf(a.Base, len(a.Text), ErrArgument, "%s needs %d dereferences, counting the one that reads the %s; the kernel reads at most %d in one argument (FETCH_INSN_MAX is 16 fetch instructions)", a.Name, n, typ, maxDerefs).
			WithHint("probe a function that receives a pointer closer to the value")
	}
	if err := c.checkFeatures(a, &out); err != nil {
		return out, err
	}
	out.Enum = enumNames(v.typ)
	if v.typ != nil && v.typ != commType {
		out.CType = v.typ.String()
	}
	return out, nil
}

// derefs counts the memory reads of a fetch-arg: one per "OFF(…)".
func derefs(fetch string) int { return strings.Count(fetch, "(") }

// cast applies !(CTYPE): the source's bits, read as CTYPE.
func (c *compiler) cast(a *expr.Arg, v *value) (*value, error) {
	ct := a.Cast
	pos := a.At(ct.Pos)
	end := a.At(ct.EndPos) // participle's EndPos is just past the ')'
	name := strings.Join(ct.Words, " ")
	t, err := c.typeByName(name, pos, end-pos)
	if err != nil {
		return nil, err
	}
	for range ct.Stars {
		t = btfdwarf.NewPointer(t, c.arch.PtrSize)
	}
	if v.typ != nil && v.typ == commType {
		return nil, c.errf(pos, end-pos, ErrType, "$comm is a string; it cannot be cast")
	}
	nv := *v
	nv.typ = t
	nv.what = fmt.Sprintf("(%s)%s", t, v.what)
	return &nv, nil
}

func (c *compiler) typeByName(name string, pos, n int) (*btfdwarf.Type, error) {
	if c.types == nil {
		// Without types only the base types are known.
		if t, ok := btfdwarf.BuiltinType(name, c.arch.PtrSize); ok {
			return t, nil
		}
		return nil, c.errf(pos, n, ErrUnknownType, "unknown type %q: no type information is loaded", name)
	}
	t, err := c.types.TypeByName(name)
	if err != nil {
		return nil, c.errf(pos, n, ErrUnknownType, "unknown type %q in %s", name, c.types.Describe()).
			WithHint("spell it as in C: struct NAME, union NAME, enum NAME, or a typedef such as u32")
	}
	return t, nil
}

// access applies one ->m, .m or [i]. It reports whether it consumed next
// too (the index of a packet xdata member).
func (c *compiler) access(a *expr.Arg, v *value, acc, next *expr.Access) (*value, bool, error) {
	pos := a.At(acc.Pos)
	if v.typ == commType {
		return nil, false, c.errf(pos, 2, ErrType, "$comm is a string; it has no members")
	}
	if v.packet != nil && acc.Arrow != nil {
		return c.packetMember(a, v, acc, next)
	}
	switch {
	case acc.Index != nil:
		return c.index(a, v, acc)
	case acc.Arrow != nil:
		name := *acc.Arrow
		n := len(name) + 2
		if v.typ == nil {
			return nil, false, c.untyped(v, pos, n, "->"+name)
		}
		if v.typ.Kind != btfdwarf.Pointer {
			if v.typ.IsComposite() {
				return nil, false, c.errf(pos, 2, ErrType, "%s is a %s, not a pointer: use .%s", v.what, v.typ, name)
			}
			return nil, false, c.errf(pos, 2, ErrType, "%s is %s, not a pointer to a struct", v.what, v.typ)
		}
		el, err := v.typ.Elem()
		if err != nil {
			return nil, false, c.errf(pos, n, ErrType, "%v", err)
		}
		if el.Kind == btfdwarf.Pointer {
			return nil, false, c.errf(pos, 2, ErrType, "%s is a pointer to a pointer (%s): dereference it once first", v.what, v.typ)
		}
		m, err := c.member(el, name, pos+2, v.what)
		if err != nil {
			return nil, false, err
		}
		nv := v.deref(int64(m.BitOffset/8), m.Type)
		c.setBits(nv, m)
		nv.what = v.what + "->" + name
		return nv, false, nil
	default:
		name := *acc.Dot
		n := len(name) + 1
		if v.typ == nil {
			return nil, false, c.untyped(v, pos, n, "."+name)
		}
		if v.typ.Kind == btfdwarf.Pointer {
			return nil, false, c.errf(pos, 1, ErrType, "%s is a pointer (%s): use ->%s", v.what, v.typ, name)
		}
		if !v.typ.IsComposite() {
			return nil, false, c.errf(pos, 1, ErrType, "%s is %s, which has no members", v.what, v.typ)
		}
		if !v.inMemory() {
			return nil, false, c.errf(pos, n, ErrType, "%s is held in a register, not in memory; its members cannot be read", v.what)
		}
		m, err := c.member(v.typ, name, pos+1, v.what)
		if err != nil {
			return nil, false, err
		}
		nv := v.at(int64(m.BitOffset/8), m.Type)
		c.setBits(nv, m)
		nv.what = v.what + "." + name
		return nv, false, nil
	}
}

func (c *compiler) setBits(v *value, m btfdwarf.Member) {
	if m.BitSize > 0 {
		v.bitSize = m.BitSize
		v.bitOff = m.BitOffset % 8
	}
}

// untyped explains why a member access on an untyped value fails.
func (c *compiler) untyped(v *value, pos, n int, what string) error {
	e := c.errf(pos, n, ErrType, "%s has no type here, so %s cannot be resolved", v.what, what)
	var hint []string
	if c.noProtoWhy != "" && strings.HasPrefix(v.what, "%") {
		hint = append(hint, c.noProtoWhy)
	}
	if c.altHint != "" {
		hint = append(hint, "probe "+c.altHint)
	}
	hint = append(hint, fmt.Sprintf("or give the type with a cast, e.g. !(struct NAME *)%s%s", v.what, what))
	return e.WithHint(strings.Join(hint, "; "))
}

func (c *compiler) member(t *btfdwarf.Type, name string, pos int, what string) (btfdwarf.Member, error) {
	if !t.IsComposite() {
		return btfdwarf.Member{}, c.errf(pos, len(name), ErrType, "%s points to %s, which has no members", what, t)
	}
	m, ok := t.Lookup(name)
	if !ok {
		return m, c.errf(pos, len(name), ErrUnknownMember, "%s has no member %q", t, name).
			WithHint(memberHint(name, t))
	}
	return m, nil
}

func memberHint(name string, t *btfdwarf.Type) string {
	names := t.MemberNames()
	if s := suggest.Closest(name, names, 4); len(s) > 0 {
		return suggest.DidYouMean(s)
	}
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return "its members: " + strings.Join(names, ", ")
}

// index applies [i] to an array (bounds checked) or a pointer.
func (c *compiler) index(a *expr.Arg, v *value, acc *expr.Access) (*value, bool, error) {
	pos := a.At(acc.Pos)
	i, err := strconv.ParseInt(*acc.Index, 0, 64)
	n := len(*acc.Index) + 2
	if err != nil {
		return nil, false, c.errf(pos, n, ErrArgument, "bad index %s", *acc.Index)
	}
	if v.typ == nil {
		return nil, false, c.untyped(v, pos, n, "["+*acc.Index+"]")
	}
	switch v.typ.Kind {
	case btfdwarf.Array:
		if v.typ.Len > 0 && i >= int64(v.typ.Len) {
			return nil, false, c.errf(pos+1, len(*acc.Index), ErrArgument, "index %d is past the end of %s (%s, indexes 0 to %d)", i, v.what, v.typ, v.typ.Len-1)
		}
		if !v.inMemory() {
			return nil, false, c.errf(pos, n, ErrType, "%s is not in memory", v.what)
		}
		el, _ := v.typ.Elem()
		nv := v.at(i*int64(el.Size), el)
		nv.what = fmt.Sprintf("%s[%d]", v.what, i)
		return nv, false, nil
	case btfdwarf.Pointer:
		el, err := v.typ.Elem()
		if err != nil || el.Size == 0 {
			return nil, false, c.errf(pos, n, ErrType, "%s points to %s, which has no size", v.what, el)
		}
		nv := v.deref(i*int64(el.Size), el)
		nv.what = fmt.Sprintf("%s[%d]", v.what, i)
		return nv, false, nil
	}
	return nil, false, c.errf(pos, n, ErrType, "%s is %s; only arrays and pointers take [i]", v.what, v.typ)
}
