package compile

import (
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/suggest"
	"github.com/surftrace/surftrace/internal/vocab"
)

// commonFields are the fields every event has, plus the pseudo-fields
// the kernel's filter code accepts.
var commonFields = []string{"common_pid", "common_preempt_count", "common_flags", "common_type", "common_cpu", "CPU", "COMM", "comm"}

// filter compiles the f: part. Names are the expression's arguments, the
// common fields, and for a tracepoint its own fields (nil: unchecked).
func (c *compiler) filter(args []probe.Arg, eventFields []string) (string, error) {
	byName := map[string]*probe.Arg{}
	var names []string
	for i := range args {
		byName[args[i].Name] = &args[i]
		names = append(names, args[i].Name)
	}
	known := map[string]bool{}
	for _, n := range append(append([]string{}, commonFields...), eventFields...) {
		known[n] = true
	}
	names = append(names, eventFields...)
	check := c.e.Kind != probe.Event || eventFields != nil
	var b strings.Builder
	if err := c.filterOr(&b, c.e.Filter.Or, byName, known, names, check); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (c *compiler) filterOr(b *strings.Builder, o *expr.OrExpr, args map[string]*probe.Arg, known map[string]bool, names []string, check bool) error {
	for i, a := range o.And {
		if i > 0 {
			b.WriteString("||")
		}
		for j, t := range a.Terms {
			if j > 0 {
				b.WriteString("&&")
			}
			if t.Not {
				b.WriteByte('!')
			}
			if t.Group != nil {
				b.WriteByte('(')
				if err := c.filterOr(b, t.Group, args, known, names, check); err != nil {
					return err
				}
				b.WriteByte(')')
				continue
			}
			if err := c.cmp(b, t.Cmp, args, known, names, check); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *compiler) cmp(b *strings.Builder, cm *expr.Cmp, args map[string]*probe.Arg, known map[string]bool, names []string, check bool) error {
	base := c.e.FilterPos
	fpos := base + cm.Pos.Offset
	vpos := base + cm.Value.Pos.Offset
	lit := cm.Value.Text()
	arg, isArg := args[cm.Field]
	if !isArg {
		arg = c.eventEnumArg(cm.Field)
		isArg = arg != nil
	}
	if !isArg && check && !known[cm.Field] {
		all := append(append([]string{}, names...), commonFields...)
		hint := suggest.DidYouMean(suggest.Closest(cm.Field, all, 4))
		if hint == "" && len(names) > 0 {
			hint = "names here: " + strings.Join(names, ", ")
		}
		return c.errf(fpos, len(cm.Field), ErrUnknownField, "the filter names %q, which this expression does not define", cm.Field).WithHint(hint)
	}
	b.WriteString(cm.Field)
	b.WriteString(cm.Op)
	if !isArg {
		b.WriteString(lit)
		return nil
	}
	isString := arg.Type == "string" || arg.Type == "ustring" || arg.Type == "symstr"
	switch {
	case isString && cm.Op != "==" && cm.Op != "!=" && cm.Op != "~":
		return c.errf(fpos+len(cm.Field), len(cm.Op), ErrBadLiteral, "%s is a string: compare it with ==, != or ~", cm.Field)
	case !isString && cm.Op == "~":
		return c.errf(fpos+len(cm.Field), len(cm.Op), ErrBadLiteral, "~ matches strings; %s is a number", cm.Field)
	case strings.Contains(arg.Type, "["):
		return c.errf(fpos, len(cm.Field), ErrBadLiteral, "%s is an array (%s); the kernel cannot filter on it", cm.Field, arg.Type)
	}
	if arg.Enum != nil && !isString {
		n, ok, err := enumLiteral(arg, lit)
		if !ok {
			return c.errf(vpos, len(lit), ErrBadLiteral, "%v", err).WithHint(enumHint(arg, lit))
		}
		b.WriteString(n)
		return nil
	}
	d := arg.Display
	if strings.HasPrefix(lit, "-") && arg.Type != "" && strings.ContainsRune("uxb", rune(arg.Type[0])) && d != probe.DisplaySignedBits {
		return c.errf(vpos, len(lit), ErrBadLiteral, "%s is unsigned (%s): the kernel cannot compare it with %s", cm.Field, arg.Type, lit).
			WithHint("read it signed with S if its C type is signed, e.g. " + cm.Field + "=S…")
	}
	if d == probe.DisplaySignedBits {
		return c.signedBitsLiteral(b, cm, arg, fpos, vpos, lit)
	}
	if d == probe.DisplayDefault || isString {
		b.WriteString(lit)
		return nil
	}
	if cm.Op != "==" && cm.Op != "!=" && cm.Op != "&" {
		return c.errf(fpos+len(cm.Field), len(cm.Op), ErrBadLiteral, "%s compares a byte-swapped value: only ==, != and & keep their meaning", cm.Field).
			WithHint("the kernel compares the value as it lies in memory (network order), so < and > would order it wrongly")
	}
	conv, err := vocab.ForDisplay(d).FilterLiteral(lit)
	if err != nil {
		return c.errf(vpos, len(lit), ErrBadLiteral, "%v", err)
	}
	b.WriteString(conv)
	return nil
}

// signedBitsLiteral writes a comparison with a signed bitfield. The kernel
// compares a bitfield's bits unsigned, so -1 on 3 bits is 7 to it: == and
// != take the literal as those bits, ordering cannot be kept.
func (c *compiler) signedBitsLiteral(b *strings.Builder, cm *expr.Cmp, arg *probe.Arg, fpos, vpos int, lit string) error {
	w := probe.BitfieldWidth(arg.Type)
	if cm.Op != "==" && cm.Op != "!=" {
		return c.errf(fpos+len(cm.Field), len(cm.Op), ErrBadLiteral, "%s is a signed %d-bit bitfield, which the kernel compares as unsigned bits: only == and != keep their meaning", cm.Field, w).
			WithHint("filter with == or !=, or on a wider field")
	}
	n, err := strconv.ParseInt(lit, 0, 64)
	if err != nil || w <= 0 || w < 64 && (n < -(1<<(w-1)) || n >= 1<<(w-1)) {
		return c.errf(vpos, len(lit), ErrBadLiteral, "%s is not a value of the signed %d-bit bitfield %s (%d to %d)", lit, w, cm.Field, -(int64(1) << (w - 1)), int64(1)<<(w-1)-1)
	}
	b.WriteString(strconv.FormatUint(uint64(n)&(1<<w-1), 10))
	return nil
}
