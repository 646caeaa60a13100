package skb

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/suggest"
	"github.com/surftrace/surftrace/internal/vocab"
)

// ErrFilter is wrapped by every filter the skb command refuses.
var ErrFilter = errors.New("bad packet filter")

// FilterFields are the names a packet filter compares, as the probe
// expressions name them: ip_ and ip6_ addresses, b16_ ports (shown in
// host order), the IP protocol (a number or udp, tcp, icmp, icmp6, sctp),
// the device (ifindex or name), skb->mark and skb->len.
var FilterFields = []string{"ip_src", "ip_dst", "ip6_src", "ip6_dst", "b16_sport", "b16_dport", "proto", "dev", "mark", "len"}

// Filter is a compiled packet filter, evaluated on each event in user
// space: the fields it compares lie in the packet at an offset that
// changes from function to function, which a kernel filter cannot follow.
type Filter struct {
	or  [][]term
	src string
}

type term struct {
	not   bool
	group *Filter
	field string
	op    string
	addr  netip.Addr
	n     uint64
}

// filterLead makes the filter a whole expression for the expression
// parser; positions are shifted back by its length.
const filterLead = "e skb/skb f:"

// ParseFilter compiles FILTER of `surftrace skb FILTER`. devs resolves a
// device name to its ifindex (nil: names are refused). Errors are
// *expr.Error with a caret under the offending part, wrapping ErrFilter
// or expr.ErrSyntax.
func ParseFilter(src string, devs func(name string) (int, error)) (*Filter, error) {
	e, err := expr.Parse(filterLead + src)
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return nil, &expr.Error{Src: src, Pos: max(0, ee.Pos-len(filterLead)), Len: ee.Len, Msg: ee.Msg, Hint: ee.Hint, Err: ee.Err}
		}
		return nil, err
	}
	if e.Filter == nil {
		return nil, expr.Errorf(src, 0, len(src), ErrFilter, "no filter").WithHint("for example: proto==17&&b16_dport==9999")
	}
	c := &filterCompiler{src: src, base: e.FilterPos - len(filterLead), devs: devs}
	return c.or(e.Filter.Or)
}

type filterCompiler struct {
	src  string
	base int
	devs func(string) (int, error)
}

func (c *filterCompiler) or(o *expr.OrExpr) (*Filter, error) {
	f := &Filter{src: c.src}
	for _, a := range o.And {
		var ts []term
		for _, t := range a.Terms {
			if t.Group != nil {
				g, err := c.or(t.Group)
				if err != nil {
					return nil, err
				}
				ts = append(ts, term{not: t.Not, group: g})
				continue
			}
			tm, err := c.cmp(t.Cmp)
			if err != nil {
				return nil, err
			}
			tm.not = t.Not
			ts = append(ts, tm)
		}
		f.or = append(f.or, ts)
	}
	return f, nil
}

func (c *filterCompiler) cmp(cm *expr.Cmp) (term, error) {
	fpos := c.base + cm.Pos.Offset
	vpos := c.base + cm.Value.Pos.Offset
	lit := strings.Trim(cm.Value.Text(), `"'`)
	t := term{field: cm.Field, op: cm.Op}
	bad := func(format string, args ...any) *expr.Error {
		return expr.Errorf(c.src, vpos, len(cm.Value.Text()), ErrFilter, format, args...)
	}
	switch cm.Op {
	case "~":
		return t, expr.Errorf(c.src, fpos+len(cm.Field), 1, ErrFilter, "~ matches strings; %s is not one", cm.Field)
	}
	switch cm.Field {
	case "ip_src", "ip_dst", "ip6_src", "ip6_dst":
		if cm.Op != "==" && cm.Op != "!=" {
			return t, expr.Errorf(c.src, fpos+len(cm.Field), len(cm.Op), ErrFilter, "%s is an address: compare it with == or !=", cm.Field)
		}
		a, err := netip.ParseAddr(lit)
		v6 := vocab.DisplayForName(cm.Field) == probe.DisplayIPv6
		if err != nil || a.Is4() == v6 || a.Zone() != "" {
			want := "an IPv4 address (a.b.c.d)"
			if v6 {
				want = "an IPv6 address (fd00::1)"
			}
			return t, bad("%q is not %s", lit, want)
		}
		t.addr = a
	case "proto":
		n, ok := protoNumber(lit)
		if !ok {
			return t, bad("%q is not an IP protocol", lit).WithHint("a number or one of udp, tcp, icmp, icmp6, sctp")
		}
		t.n = uint64(n)
	case "dev":
		if n, err := strconv.ParseUint(lit, 0, 31); err == nil {
			t.n = n
			break
		}
		if c.devs == nil {
			return t, bad("device %q: give its ifindex", lit)
		}
		idx, err := c.devs(lit)
		if err != nil {
			return t, bad("no device %q here: %v", lit, err)
		}
		t.n = uint64(idx)
	case "b16_sport", "b16_dport", "mark", "len":
		bits := 32
		if p := vocab.ForName(cm.Field); p != nil {
			bits = p.Size * 8 // a port: b16_
		}
		n, err := strconv.ParseUint(lit, 0, bits)
		if err != nil {
			return t, bad("%q is not a %d-bit number", lit, bits)
		}
		t.n = n
	default:
		return t, expr.Errorf(c.src, fpos, len(cm.Field), ErrFilter, "the packet filter has no field %q", cm.Field).
			WithHint(hintFields(cm.Field))
	}
	return t, nil
}

func hintFields(name string) string {
	if h := suggest.DidYouMean(suggest.Closest(name, FilterFields, 3)); h != "" {
		return h
	}
	return "fields: " + strings.Join(FilterFields, ", ")
}

func protoNumber(s string) (uint8, bool) {
	switch strings.ToLower(s) {
	case "icmp":
		return ipICMP, true
	case "tcp":
		return ipTCP, true
	case "udp":
		return ipUDP, true
	case "icmp6", "icmpv6", "ipv6-icmp":
		return ipICMPv6, true
	case "sctp":
		return ipSCTP, true
	}
	n, err := strconv.ParseUint(s, 0, 8)
	return uint8(n), err == nil
}

// String is the filter as written.
func (f *Filter) String() string { return f.src }

// Match reports whether the event and its packet pass. A comparison with
// a field the event does not show (no IP header decoded here, no
// device) is false, negated or not: an unknown value neither equals nor
// differs.
func (f *Filter) Match(ev *Event, p *Packet) bool {
	if f == nil {
		return true
	}
	for _, and := range f.or {
		ok := true
		for _, t := range and {
			if !t.match(ev, p) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (t *term) match(ev *Event, p *Packet) bool {
	if t.group != nil {
		return t.group.Match(ev, p) != t.not
	}
	var v uint64
	var addr netip.Addr
	switch t.field {
	case "ip_src", "ip6_src", "ip_dst", "ip6_dst":
		want := 4
		if vocab.DisplayForName(t.field) == probe.DisplayIPv6 {
			want = 6
		}
		if p.Family != want {
			return false
		}
		addr = p.Src
		if strings.HasSuffix(t.field, "dst") {
			addr = p.Dst
		}
		eq := addr == t.addr
		return (eq == (t.op == "==")) != t.not
	case "proto":
		if p.Family == 0 {
			return false
		}
		v = uint64(p.Proto)
	case "b16_sport", "b16_dport":
		if !p.Ports {
			return false
		}
		v = uint64(p.Sport)
		if t.field == "b16_dport" {
			v = uint64(p.Dport)
		}
	case "dev":
		if ev.Ifindex <= 0 {
			return false
		}
		v = uint64(ev.Ifindex)
	case "mark":
		v = uint64(ev.Mark)
	case "len":
		v = uint64(ev.Len)
	}
	var r bool
	switch t.op {
	case "==":
		r = v == t.n
	case "!=":
		r = v != t.n
	case "<":
		r = v < t.n
	case "<=":
		r = v <= t.n
	case ">":
		r = v > t.n
	case ">=":
		r = v >= t.n
	case "&":
		r = v&t.n != 0
	}
	return r != t.not
}

// DeviceIndex resolves a network device name on this host.
func DeviceIndex(name string) (int, error) {
	i, err := net.InterfaceByName(name)
	if err != nil {
		return 0, fmt.Errorf("device %s: %w", name, err)
	}
	return i.Index, nil
}

// kernelFields maps filter fields to the probe fields holding them at a
// fixed offset in struct sk_buff, which a kernel filter can test.
var kernelFields = map[string]string{"dev": "ifindex", "mark": "mark", "len": "len"}

// Kernel is the part of the filter the kernel can evaluate in every
// probe: the dev, mark and len comparisons of a filter that is one chain
// of && terms. Every event the whole filter passes also passes it, so it
// only spares trace_pipe events that would be dropped anyway, except
// that a followed packet is then shown only where those terms hold. ""
// when no such part exists.
func (f *Filter) Kernel() string {
	if f == nil || len(f.or) != 1 {
		return ""
	}
	var parts []string
	for _, t := range f.or[0] {
		k, ok := kernelFields[t.field]
		if !ok || t.not || t.group != nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s%s%d", k, t.op, t.n))
	}
	return strings.Join(parts, "&&")
}
