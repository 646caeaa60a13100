package vocab_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/render"
	"github.com/surftrace/surftrace/internal/vocab"
)

// kernelText is a prefix's value as the kernel prints it: an x8 array
// for the byte prefixes, else the number read in host (little-endian)
// order, in decimal as a u* fetch type prints it.
func kernelText(p *vocab.Prefix, mem []byte) string {
	if p.Bytes {
		parts := make([]string, len(mem))
		for i, c := range mem {
			parts[i] = fmt.Sprintf("0x%x", c)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return strconv.FormatUint(hostOrder(mem), 10)
}

func hostOrder(mem []byte) uint64 {
	var n uint64
	for i := len(mem) - 1; i >= 0; i-- {
		n = n<<8 | uint64(mem[i])
	}
	return n
}

// Every prefix reads its own display form back into a value of its size,
// and shows that value, as the kernel prints it, as the same text; its
// filter literal is that value too.
func TestPrefixRoundTrip(t *testing.T) {
	seen := map[probe.Display]bool{}
	rows := vocab.Prefixes()
	for i := range rows {
		p := &rows[i]
		if seen[p.Display] || p.Display == probe.DisplayDefault {
			t.Errorf("%s: display %d is another row's or the default", p.Prefix, p.Display)
		}
		seen[p.Display] = true
		if !strings.HasSuffix(p.Prefix, "_") || p.Help == "" || p.Size <= 0 {
			t.Errorf("%s: prefix, help or size missing", p.Prefix)
		}
		if d, n := vocab.ForDisplay(p.Display), vocab.ForName(p.Prefix+"x"); d == nil || n == nil || d.Prefix != p.Prefix || n.Prefix != p.Prefix {
			t.Errorf("%s: the lookups do not find the row", p.Prefix)
		}
		mem, err := p.Parse(p.Example)
		if err != nil || len(mem) != p.Size {
			t.Errorf("%s: Parse(%q) = %v, %v; want %d bytes", p.Prefix, p.Example, mem, err, p.Size)
			continue
		}
		kt := kernelText(p, mem)
		if got, ok := p.Show(nil, []byte(kt), false); !ok || string(got) != p.Example {
			t.Errorf("%s: Show(%s) = %q, %v; want %q", p.Prefix, kt, got, ok, p.Example)
		}
		if got, ok := p.Show(nil, []byte(kt), true); !ok || !json.Valid(got) {
			t.Errorf("%s: JSON Show(%s) = %s, %v", p.Prefix, kt, got, ok)
		}
		lit, err := p.FilterLiteral(p.Example)
		if p.Bytes {
			if !errors.Is(err, vocab.ErrNoFilter) {
				t.Errorf("%s: FilterLiteral = %q, %v; want ErrNoFilter", p.Prefix, lit, err)
			}
			continue
		}
		if n, perr := strconv.ParseUint(lit, 0, 64); err != nil || perr != nil || n != hostOrder(mem) {
			t.Errorf("%s: FilterLiteral(%q) = %q, %v; want the value %d", p.Prefix, p.Example, lit, err, hostOrder(mem))
		}
		if got, ok := p.Show(nil, []byte(lit), false); !ok || string(got) != p.Example {
			t.Errorf("%s: the filter literal %s shows as %q, want %q", p.Prefix, lit, got, p.Example)
		}
		if _, err := p.Parse("not a value"); err == nil {
			t.Errorf("%s: Parse took garbage", p.Prefix)
		}
	}
}

// The compiler gives every prefix its display and size, and converts a
// filter literal with the row; the renderer shows it; completion offers
// it.
func TestPrefixKnownEverywhere(t *testing.T) {
	rows := vocab.Prefixes()
	for i := range rows {
		p := &rows[i]
		name := p.Prefix + "v"
		src := "p ip_output " + name + "=@jiffies"
		if !p.Bytes {
			src += " f:" + name + "==" + p.Example
		}
		d := compileExpr(t, src)
		if d == nil {
			continue
		}
		a := d.Args[0]
		wantType := fmt.Sprintf("u%d", p.Size*8)
		if p.Bytes {
			wantType = fmt.Sprintf("x8[%d]", p.Size)
		}
		if a.Display != p.Display || a.Type != wantType {
			t.Errorf("%s: compiled to display %d, type %s; want %d, %s", src, a.Display, a.Type, p.Display, wantType)
		}
		if !p.Bytes {
			lit, _ := p.FilterLiteral(p.Example)
			if d.Filter != name+"=="+lit {
				t.Errorf("%s: filter %q, want %q", src, d.Filter, name+"=="+lit)
			}
		}

		mem, _ := p.Parse(p.Example)
		line := "            ping-120 [001] ..... 3.4: f0: (ip_output+0x0/0x10) " + name + "=" + kernelText(p, mem)
		var out bytes.Buffer
		r := render.New(&out, render.Options{})
		if err := r.Line([]byte(line)); err != nil {
			t.Fatal(err)
		}
		if err := r.Flush(); err != nil {
			t.Fatal(err)
		}
		if want := name + "=" + p.Example; !strings.Contains(out.String(), want) {
			t.Errorf("%s: rendered %q, want %q in it", p.Prefix, out.String(), want)
		}

		word := "p ip_output " + p.Prefix[:len(p.Prefix)-1]
		if !offered(word, "p ip_output "+p.Prefix) {
			t.Errorf("completing %q does not offer %s", word, p.Prefix)
		}
	}
}

func compileExpr(t *testing.T, src string) *probe.Def {
	t.Helper()
	e, err := expr.Parse(src)
	if err != nil {
		t.Errorf("%s: %v", src, err)
		return nil
	}
	d, err := compile.Compile(e, 0, &compile.Config{})
	if err != nil {
		t.Errorf("%s: %v", src, err)
		return nil
	}
	return d
}

func offered(word, want string) bool {
	for _, c := range (&discover.Completer{}).Complete(word) {
		if c.Word == want {
			return true
		}
	}
	return false
}

// The parser takes every kind letter, with the row's facts; completion
// offers each; probe.Kind's own tests agree with the row.
func TestKindsKnownEverywhere(t *testing.T) {
	targets := map[bool]string{false: "ip_output", true: "/bin/sh:main"}
	rows := vocab.Kinds()
	for i := range rows {
		k := &rows[i]
		target := targets[k.User]
		if k.Kind == probe.Event {
			target = "sched/sched_switch"
		}
		e, err := expr.Parse(k.Letter() + " " + target)
		if err != nil || e.Kind != k.Kind {
			t.Errorf("%s: parse: %v", k.Letter(), err)
		}
		if k.Kind.IsUser() != k.User || k.Kind.IsReturn() != k.Return || k.Kind.IsDynamic() != (k.Kind != probe.Event) {
			t.Errorf("%s: the row and probe.Kind disagree", k.Letter())
		}
		if k.What == "" || k.Help == "" || k.TargetHint == "" || !sameKind(vocab.LookupKind(k.Letter()), k) {
			t.Errorf("%s: incomplete row", k.Letter())
		}
		if !offered("", k.Letter()+" ") {
			t.Errorf("%s: completion does not offer it", k.Letter())
		}
	}
	if _, err := expr.Parse("x ip_output"); err == nil || !strings.Contains(err.Error(), vocab.KindList()) {
		t.Errorf("an unknown kind: %v", err)
	}
}

// The compiler takes every header (it fails later, for want of kernel
// types, never as an unknown header); completion offers those marked.
func TestHeadersKnownEverywhere(t *testing.T) {
	rows := vocab.Headers()
	for i := range rows {
		h := &rows[i]
		if l := vocab.LookupHeader(h.Name); l == nil || l.Name != h.Name || h.Layer < 2 || h.Layer > 4 || h.Size <= 0 || h.Member == "" {
			t.Errorf("%s: incomplete row", h.Name)
		}
		if h.Over != "" {
			if b := vocab.LookupHeader(h.Over); b == nil || b.Layer != h.Layer-1 {
				t.Errorf("%s: rides on %q, not a header of the layer below", h.Name, h.Over)
			}
		}
		src := fmt.Sprintf("p ip_rcv x=@(struct %s *)l%d%%0->%s", h.Name, h.Layer, h.Member)
		e, err := expr.Parse(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		_, err = compile.Compile(e, 0, &compile.Config{})
		if err == nil || errors.Is(err, compile.ErrUnknownType) {
			t.Errorf("%s: %v; want a type error for want of kernel types", src, err)
		}
		word := "p ip_rcv x=@(struct " + h.Name[:2]
		if got := offered(word, "p ip_rcv x=@(struct "+h.Name+" *)"); got != h.Offer {
			t.Errorf("%s: completion offers it: %v, want %v", h.Name, got, h.Offer)
		}
	}
	for _, pd := range vocab.PacketDatas() {
		if vocab.LookupPacketData(pd.Name) == nil || pd.Help == "" {
			t.Errorf("%s: incomplete row", pd.Name)
		}
	}
}

// A header starts after the fixed sizes of those it rides on, down to the
// layer counted from.
func TestHeaderStart(t *testing.T) {
	for _, tt := range []struct {
		hdr        string
		from, want int
	}{
		{"ethhdr", 2, 0}, {"iphdr", 2, 14}, {"iphdr", 3, 0}, {"tcphdr", 2, 34}, {"udphdr", 3, 20}, {"udphdr", 4, 0},
		{"icmp6hdr", 3, 40}, {"icmp6hdr", 2, 54}, {"ipv6hdr", 2, 14},
	} {
		if got := vocab.LookupHeader(tt.hdr).Start(tt.from); got != tt.want {
			t.Errorf("%s from l%d: %d, want %d", tt.hdr, tt.from, got, tt.want)
		}
	}
}

// sameKind: the lookup found the row (rows are copies, so compare keys).
func sameKind(a, b *vocab.KindInfo) bool { return a != nil && a.Kind == b.Kind }
