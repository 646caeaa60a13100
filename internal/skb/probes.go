package skb

import (
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// The packet window: windowWords u64 read from windowBefore bytes before
// skb->data. kprobe arrays hold at most 64 elements, so u64 words give
// the widest window in one fetch. Whether skb->data points at the link,
// network or transport header, the network header lies in
// [data-60, data+18] (an IPv4 header with options already pulled, or an
// Ethernet header with one VLAN tag ahead), and with 40 bytes of IPv6
// header and the 4 bytes of ports the window must reach data+62.
const (
	windowBefore = 64
	windowWords  = 16
	windowBytes  = windowWords * 8
)

// Plan is the probes of one `surftrace skb` run.
type Plan struct {
	Defs []*probe.Def
	// Cands[i] is the function Defs[i] probes.
	Cands []Candidate
	// Skipped are the candidates the compiler refused (blacklisted,
	// notrace, no register for the argument), with why.
	Skipped []Skip
}

// Skip is a candidate left out, and why.
type Skip struct {
	Cand Candidate
	Err  error
}

// skbFields are the sk_buff members each probe fetches. Each has a fixed
// offset in struct sk_buff, so a kernel filter may test it.
const skbFields = "skb=X%[1]d head=X%[1]d->head data=X%[1]d->data nh=%[1]d->network_header len=%[1]d->len proto=%[1]d->protocol mark=%[1]d->mark ifindex=%[1]d->dev->ifindex"

// Expression is the surftrace expression that probes c, without the
// packet window (which the expression language cannot spell).
func Expression(c Candidate) string {
	s := "p " + c.Name() + " " + fmt.Sprintf(strings.ReplaceAll(skbFields, "%[1]d", "%%%[1]d"), c.Arg)
	if c.Reason >= 0 {
		s += fmt.Sprintf(" reason=%%%d", c.Reason)
	}
	return s
}

// Build compiles one probe per candidate, named s0, s1… in order, each
// with the packet window appended. A module's function is typed from the
// module's own BTF when moduleTypes gives it (nil: vmlinux types only).
// Candidates the compiler refuses are skipped, not fatal: a kernel has
// always a few (kprobe blacklist, notrace, a module without BTF), and the
// run is about the others.
func Build(cands []Candidate, cfg *compile.Config, moduleTypes func(module string) btfdwarf.Source) (*Plan, error) {
	p := &Plan{}
	modCfg := map[string]*compile.Config{}
	for _, c := range cands {
		src := Expression(c)
		e, err := expr.Parse(src)
		if err != nil {
			return nil, fmt.Errorf("skb probe for %s: %w", c.Name(), err)
		}
		cc := cfg
		if c.Module != "" && moduleTypes != nil {
			if modCfg[c.Module] == nil {
				mc := cfg
				if t := moduleTypes(c.Module); t != nil {
					mc = cfg.WithTypes(t)
				}
				modCfg[c.Module] = mc
			}
			cc = modCfg[c.Module]
		}
		d, err := compile.Compile(e, len(p.Defs), cc)
		if err != nil {
			p.Skipped = append(p.Skipped, Skip{Cand: c, Err: err})
			continue
		}
		d.Name = fmt.Sprintf("s%d", len(p.Defs))
		w, err := window(d)
		if err != nil {
			return nil, fmt.Errorf("skb probe for %s: %w", c.Name(), err)
		}
		d.Args = append(d.Args, w)
		p.Defs = append(p.Defs, d)
		p.Cands = append(p.Cands, c)
	}
	return p, nil
}

// window is the packet window argument: a negative offset from the
// fetched skb->data, which kprobe fetch-args allow (-OFFS(FETCHARG)).
func window(d *probe.Def) (probe.Arg, error) {
	for _, a := range d.Args {
		if a.Name == "data" {
			base, _, _ := strings.Cut(a.Fetch, ":")
			return probe.Arg{
				Name:  "pkt",
				Fetch: fmt.Sprintf("-%d(%s):x64[%d]", windowBefore, base, windowWords),
				Type:  fmt.Sprintf("x64[%d]", windowWords),
			}, nil
		}
	}
	return probe.Arg{}, fmt.Errorf("no data argument in %q", d.Line("g"))
}
