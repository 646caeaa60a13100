package compile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/suggest"
)

// dropReasonPrefix is the common prefix of the kernel's drop reasons
// (include/net/dropreason.h). The kernel's own skb:kfree_skb tracepoint
// prints them without it (reason: NO_SOCKET), and so does pwru; surftrace
// shows them the same way so the two outputs can be compared.
const dropReasonPrefix = "SKB_DROP_REASON_"

// EnumNames is enumNames for callers that type a value themselves (a
// tracepoint's enum field).
func EnumNames(t *btfdwarf.Type) map[int64]string { return enumNames(t) }

// enumNames maps the values of an enum type to the names shown for them:
// the enumerator as the kernel spells it, except that the drop reasons of
// enum skb_drop_reason lose their common prefix. Nil when t is not an
// enum with enumerators.
func enumNames(t *btfdwarf.Type) map[int64]string {
	if t == nil || t.Kind != btfdwarf.Enum || len(t.Enumerators) == 0 {
		return nil
	}
	strip := t.Name == "enum skb_drop_reason"
	out := make(map[int64]string, len(t.Enumerators))
	for _, e := range t.Enumerators {
		name := e.Name
		if strip {
			name = strings.TrimPrefix(name, dropReasonPrefix)
		}
		if _, dup := out[e.Value]; !dup { // aliases: the first name wins, as in C's switch listings
			out[e.Value] = name
		}
	}
	return out
}

// enumLiteral turns a filter literal for an enum-typed argument into the
// number the kernel compares. A number passes through; a name matches an
// enumerator as shown (NO_SOCKET) or as the kernel spells it
// (SKB_DROP_REASON_NO_SOCKET), ignoring case. ok is false for a name that
// is none of the enumerators; err then lists the closest.
func enumLiteral(a *probe.Arg, lit string) (string, bool, error) {
	lit = strings.Trim(lit, `"'`)
	if _, err := strconv.ParseInt(lit, 0, 64); err == nil {
		return lit, true, nil
	}
	if _, err := strconv.ParseUint(lit, 0, 64); err == nil {
		return lit, true, nil
	}
	want := strings.ToUpper(lit)
	for v, n := range a.Enum {
		if strings.ToUpper(n) == want || strings.ToUpper(dropReasonPrefix+n) == want {
			return strconv.FormatInt(v, 10), true, nil
		}
	}
	return "", false, fmt.Errorf("%q is not a value of %s", lit, a.Name)
}

// enumHint suggests the enumerators closest to a mistyped name.
func enumHint(a *probe.Arg, lit string) string {
	names := make([]string, 0, len(a.Enum))
	for _, n := range a.Enum {
		names = append(names, n)
	}
	sort.Strings(names)
	if h := suggest.DidYouMean(suggest.Closest(strings.ToUpper(strings.Trim(lit, `"'`)), names, 3)); h != "" {
		return h
	}
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return "values: " + strings.Join(names, ", ")
}

// eventEnumArg describes a tracepoint's enum-typed field as an argument
// with enumerator names, for the filter; nil for any other name.
func (c *compiler) eventEnumArg(field string) *probe.Arg {
	if c.e.Kind != probe.Event || c.cfg.EventEnum == nil {
		return nil
	}
	sys, ev, ok := strings.Cut(c.e.Target.Symbol, "/")
	if !ok {
		return nil
	}
	names := c.cfg.EventEnum(sys, ev, field)
	if names == nil {
		return nil
	}
	return &probe.Arg{Name: field, Enum: names}
}
