package compile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// maxArrayLen is the kernel's limit on TYPE[N] fetches (MAX_ARRAY_LEN).
const maxArrayLen = 64

// finish decides the fetch type from the last thing accessed and returns
// the fetch-arg and its type.
func (c *compiler) finish(a *expr.Arg, v *value, out *probe.Arg) (string, string, error) {
	whole := func() (int, int) { return a.Base, len(a.Text) }
	fmtLetter := strings.ToLower(a.Format)
	if fmtLetter == "" {
		fmtLetter = "u"
	}
	if a.Type != nil {
		return c.explicitType(a, v)
	}
	if v.packet != nil {
		p, n := whole()
		return "", "", c.errf(p, n, ErrType, "%s is a packet header, not a value: name a member", v.what).
			WithHint("e.g. " + a.Name + "=" + a.Text[len(a.Name)+1:] + "->" + vocab.LookupHeader(v.packet.hdr).Member)
	}
	if v.typ == commType {
		if a.Format != "" {
			p, n := whole()
			return "", "", c.errf(p, n, ErrType, "$comm is a string; S, U and X do not apply")
		}
		return "$comm", "string", nil
	}
	disp := out.Display
	pre := vocab.ForDisplay(disp)
	if pre != nil && pre.Bytes {
		return c.bytesFetch(a, v, pre)
	}
	t := v.typ
	if t == nil {
		// A machine word: a register, a stack slot, a global.
		size := c.arch.PtrSize
		if pre != nil && pre.Size <= size {
			size = pre.Size
		}
		if v.sym && v.off == 0 && a.Format == "" && disp == probe.DisplayDefault {
			// The original printed a bare @SYMBOL with the kernel's
			// default type (hex).
			return v.expr(), "", nil
		}
		ft := fmt.Sprintf("%s%d", fmtLetter, size*8)
		return v.expr() + ":" + ft, ft, nil
	}
	t = unwrapScalar(t)
	switch t.Kind {
	case btfdwarf.Int, btfdwarf.Enum:
		if v.bitSize > 0 {
			if a.Format == "" && disp == probe.DisplayDefault && isSigned(t) {
				out.Display = probe.DisplaySignedBits
			}
			return c.bitfield(a, v, t)
		}
		if t.Size != 1 && t.Size != 2 && t.Size != 4 && t.Size != 8 {
			p, n := whole()
			return "", "", c.errf(p, n, ErrType, "%s is %d bytes; kprobes read 1, 2, 4 or 8", v.what, t.Size)
		}
		if err := c.checkDisplaySize(a, v, t.Size); err != nil {
			return "", "", err
		}
		ft := fmt.Sprintf("%s%d", defaultLetter(a, disp, t), t.Size*8)
		return v.expr() + ":" + ft, ft, nil
	case btfdwarf.Pointer:
		el, _ := t.Elem()
		if a.Format == "" && el != nil && el.Kind == btfdwarf.Int && el.Char {
			st := "string"
			if t.User || c.user {
				st = c.userString()
			}
			return memExpr(v.add, v.expr()) + ":" + st, st, nil
		}
		if a.Format == "" && el != nil && el.Kind == btfdwarf.FuncProto && !c.user {
			return v.expr() + ":symbol", "symbol", nil
		}
		if v.add != 0 {
			p, n := whole()
			return "", "", c.errf(p, n, ErrType, "%s points inside a packet; name a member", v.what)
		}
		ft := fmt.Sprintf("%s%d", fmtLetter, t.Size*8)
		return v.expr() + ":" + ft, ft, nil
	case btfdwarf.Array:
		el, _ := t.Elem()
		if el.Kind == btfdwarf.Int && el.Char && a.Format == "" {
			if !v.inMemory() {
				p, n := whole()
				return "", "", c.errf(p, n, ErrType, "%s is not in memory", v.what)
			}
			return v.expr() + ":string", "string", nil
		}
		el = unwrapScalar(el)
		if el.Kind == btfdwarf.Int || el.Kind == btfdwarf.Enum || el.Kind == btfdwarf.Pointer {
			if n := t.Len; n > 0 && n <= maxArrayLen && v.inMemory() {
				ft := fmt.Sprintf("%s%d[%d]", defaultLetter(a, disp, el), el.Size*8, n)
				return v.expr() + ":" + ft, ft, nil
			}
		}
		p, n := whole()
		return "", "", c.errf(p, n, ErrType, "%s is an array (%s): index it, e.g. %s[0]", v.what, t, a.Text[len(a.Name)+1:])
	case btfdwarf.Struct, btfdwarf.Union:
		p, n := whole()
		return "", "", c.errf(p, n, ErrType, "%s is %s: incomplete, name a member", v.what, t).
			WithHint(memberList(t))
	case btfdwarf.Void:
		p, n := whole()
		return "", "", c.errf(p, n, ErrType, "%s is void", v.what)
	}
	p, n := whole()
	return "", "", c.errf(p, n, ErrType, "%s is %s, which kprobes cannot fetch", v.what, t)
}

// defaultLetter is the fetch type's letter for an integer of C type t:
// the user's S/U/X when given, else the signedness of the C type, so that
// an int holding -7 prints -7 and a filter compares it signed (the kernel
// compares per the field's declared type). Prefixed names show bytes
// reordered, which only makes sense of the unsigned bits.
func defaultLetter(a *expr.Arg, disp probe.Display, t *btfdwarf.Type) string {
	if a.Format != "" {
		return strings.ToLower(a.Format)
	}
	if disp == probe.DisplayDefault && isSigned(t) {
		return "s"
	}
	return "u"
}

// isSigned reports whether values of the integer or enum type t can be
// negative: a signed integer encoding (char too where the compiler made
// it signed), or an enum with a negative enumerator (an enum whose values
// are all non-negative prints the same either way).
func isSigned(t *btfdwarf.Type) bool {
	switch t.Kind {
	case btfdwarf.Int:
		return t.Signed
	case btfdwarf.Enum:
		for _, e := range t.Enumerators {
			if e.Value < 0 {
				return true
			}
		}
	}
	return false
}

func (c *compiler) userString() string {
	if c.user {
		// uprobes read user memory with plain string.
		return "string"
	}
	return "ustring"
}

// unwrapScalar reads a struct that only wraps one scalar (atomic_t,
// refcount_t, kuid_t) as that scalar, as the original's
// S%0->mm->mm_users example does.
func unwrapScalar(t *btfdwarf.Type) *btfdwarf.Type {
	for t.IsComposite() && len(t.Members) == 1 && t.Members[0].BitOffset == 0 && t.Members[0].BitSize == 0 {
		m := t.Members[0].Type
		if m.Size != t.Size {
			break
		}
		t = m
	}
	return t
}

func memberList(t *btfdwarf.Type) string {
	names := t.MemberNames()
	if len(names) > 16 {
		names = append(names[:16], "…")
	}
	return "its members: " + strings.Join(names, ", ")
}

// bitfield emits :b<width>@<bit offset>/<container bits>: the kernel
// reads the container at the fetch address and extracts the bits (the
// original read whole bytes instead).
func (c *compiler) bitfield(a *expr.Arg, v *value, t *btfdwarf.Type) (string, string, error) {
	if a.Format == "S" || a.Format == "X" {
		return "", "", c.errf(a.Base, len(a.Text), ErrType, "%s is a bitfield; kprobes show bitfields unsigned", v.what)
	}
	cont := t.Size * 8
	if cont != 8 && cont != 16 && cont != 32 && cont != 64 {
		cont = 32
	}
	// v.off points at the byte holding the first bit; widen the container
	// until the field fits, keeping it aligned to its own size.
	bit := int(v.off)*8 + v.bitOff
	for {
		start := bit / cont * cont
		if bit-start+v.bitSize <= cont || cont == 64 {
			off := int64(start / 8)
			nv := *v
			nv.off = off
			ft := fmt.Sprintf("b%d@%d/%d", v.bitSize, bit-start, cont)
			return nv.expr() + ":" + ft, ft, nil
		}
		cont *= 2
	}
}

// checkDisplaySize refuses prefixes that do not fit the value's size.
func (c *compiler) checkDisplaySize(a *expr.Arg, v *value, size int) error {
	p := vocab.ForName(a.Name)
	if p == nil || p.Size == size {
		return nil
	}
	return c.errf(a.Base, len(a.Name), ErrType, "%s wants a %d-byte value, but %s is %d bytes", p.Prefix, p.Size, v.what, size).
		WithHint("rename the value without the prefix, or read a field of that size")
}

// bytesFetch reads the bytes of a prefix that shows bytes (ip6_, mac_)
// as an x8 array.
func (c *compiler) bytesFetch(a *expr.Arg, v *value, p *vocab.Prefix) (string, string, error) {
	n := p.Size
	ft := fmt.Sprintf("x8[%d]", n)
	if v.typ != nil && v.typ.Kind == btfdwarf.Pointer {
		// The bytes a pointer points at (mac_a=%0 on a const u8 *addr),
		// never the pointer's own bytes.
		if el, err := v.typ.Elem(); err == nil && el.Size > 1 && el.Size < n {
			return "", "", c.errf(a.Base, len(a.Name), ErrType, "%s wants %d bytes, but %s points to %d", p.Prefix, n, v.what, el.Size)
		}
		return memExpr(v.add, v.expr()) + ":" + ft, ft, nil
	}
	if !v.inMemory() {
		return "", "", c.errf(a.Base, len(a.Text), ErrType, "%s needs %d bytes in memory; %s is held in a register", p.Prefix, n, v.what)
	}
	if v.typ != nil && v.typ.Size > 0 && v.typ.Size < n {
		return "", "", c.errf(a.Base, len(a.Name), ErrType, "%s wants %d bytes, but %s is %d bytes", p.Prefix, n, v.what, v.typ.Size)
	}
	return v.expr() + ":" + ft, ft, nil
}

// explicitTypes are the fetch types a :TYPE suffix may name.
var explicitTypes = map[string]int{
	"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s8": 1, "s16": 2, "s32": 4, "s64": 8,
	"x8": 1, "x16": 2, "x32": 4, "x64": 8, "char": 1, "string": 0, "ustring": 0, "symbol": 0, "symstr": 0,
}

// explicitType honours NAME=SOURCE:TYPE, e.g. pfun=%ax:symbol.
func (c *compiler) explicitType(a *expr.Arg, v *value) (string, string, error) {
	ts := a.Type
	pos := a.At(ts.Pos)
	if _, ok := explicitTypes[ts.Name]; !ok {
		var names []string
		for n := range explicitTypes {
			names = append(names, n)
		}
		sort.Strings(names)
		return "", "", c.errf(pos+1, len(ts.Name), ErrType, "unknown fetch type %q", ts.Name).
			WithHint("one of " + strings.Join(names, ", "))
	}
	if a.Format != "" {
		return "", "", c.errf(pos, len(ts.Name)+1, ErrType, "give either a format letter (%s) or a :TYPE, not both", a.Format)
	}
	if c.user && (ts.Name == "symbol" || ts.Name == "symstr") {
		return "", "", c.errf(pos, len(ts.Name)+1, ErrType, "uprobe_events has no %s type: it names kernel symbols only", ts.Name).
			WithHint("print the address with :x64 and look it up with the binary's symbol table")
	}
	if v.typ == commType && ts.Name != "string" && ts.Name != "ustring" {
		return "", "", c.errf(pos, len(ts.Name)+1, ErrType, "$comm is a string; the kernel reads it only as :string")
	}
	switch ts.Name {
	case "string", "ustring":
		if v.typ == commType {
			return "$comm", "string", nil
		}
		pointer := v.typ == nil || v.typ.Kind == btfdwarf.Pointer
		if pointer {
			return memExpr(v.add, v.expr()) + ":" + ts.Name, ts.Name, nil
		}
		if !v.inMemory() {
			return "", "", c.errf(pos, len(ts.Name)+1, ErrType, "%s is not in memory; a string needs an address", v.what)
		}
		return v.expr() + ":" + ts.Name, ts.Name, nil
	}
	return v.expr() + ":" + ts.Name, ts.Name, nil
}
