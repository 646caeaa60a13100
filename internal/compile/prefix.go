package compile

import (
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/vocab"
)

// checkPrefix refuses a name prefix the fetched value cannot hold: each
// display reads a value of one width (ip_ 32 bits, ip6_ 128, mac_ 48,
// b16_ 16 …), so ip_ on a 3-bit bitfield would show 5.0.0.0 and ip_ on a
// string nothing at all. typ is the final fetch type.
func (c *compiler) checkPrefix(a *expr.Arg, v *value, typ string) error {
	p := vocab.ForName(a.Name)
	if p == nil {
		return nil
	}
	want := p.Size * 8
	prefix := p.Prefix
	refuse := func(format string, args ...any) error {
		return c.errf(a.Base, len(prefix), ErrType, format, args...).
			WithHint("rename the value without the " + prefix + " prefix, or read a field of that size")
	}
	switch typ {
	case "string", "ustring", "symbol", "symstr", "char", "":
		return refuse("%s shows a %d-bit number, but %s is read as %s; a string takes no prefix", prefix, want, v.what, orDefault(typ))
	}
	bits, count, bitfield := fetchWidth(typ)
	switch {
	case bits == 0:
		return refuse("%s shows a %d-bit number, but %s is read as %s", prefix, want, v.what, typ)
	case p.Bytes:
		if bits*count != want {
			return refuse("%s wants %d bytes, but %s is read as %s (%d bytes)", prefix, want/8, v.what, typ, bits*count/8)
		}
	case count > 1:
		return refuse("%s shows one %d-bit number, but %s is an array (%s)", prefix, want, v.what, typ)
	case bitfield && bits != want:
		return refuse("%s shows a %d-bit value, but %s is a %d-bit bitfield", prefix, want, v.what, bits)
	case bits != want:
		return refuse("%s wants a %d-byte value, but %s is read as %s (%d bytes)", prefix, want/8, v.what, typ, bits/8)
	}
	return nil
}

func orDefault(typ string) string {
	if typ == "" {
		return "the kernel's default type"
	}
	return typ
}

// fetchWidth reads a numeric fetch type: "u32" is 32 bits, "x8[16]" 16
// elements of 8, "b3@0/8" a 3-bit bitfield. bits is 0 for other types.
func fetchWidth(typ string) (bits, count int, bitfield bool) {
	count = 1
	if i := strings.IndexByte(typ, '['); i >= 0 && strings.HasSuffix(typ, "]") {
		n, err := strconv.Atoi(typ[i+1 : len(typ)-1])
		if err != nil {
			return 0, 0, false
		}
		count, typ = n, typ[:i]
	}
	if typ == "" {
		return 0, 0, false
	}
	switch typ[0] {
	case 'u', 's', 'x':
		b, err := strconv.Atoi(typ[1:])
		if err != nil {
			return 0, 0, false
		}
		return b, count, false
	case 'b':
		w, _, ok := strings.Cut(typ[1:], "@")
		b, err := strconv.Atoi(w)
		if !ok || err != nil {
			return 0, 0, false
		}
		return b, count, true
	}
	return 0, 0, false
}
