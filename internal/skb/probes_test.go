package skb

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/testkernel"
)

func kernelConfig(t *testing.T) *compile.Config {
	t.Helper()
	d := testkernel.Need(t)
	b, err := btfdwarf.LoadBTF(filepath.Join(d, "vmlinux.btf.gz"), 8)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := compile.LookupArch("x86_64")
	if err != nil {
		t.Fatal(err)
	}
	return &compile.Config{Arch: arch, Types: b}
}

// Every probe fetches the skb's fields at their BTF offsets and the
// window at a negative offset from skb->data; a drop reason comes with
// its enumerator names.
func TestBuild(t *testing.T) {
	cfg := kernelConfig(t)
	p, err := Build([]Candidate{
		{Func: "ip_rcv", Arg: 0, Reason: -1},
		{Func: "kfree_skb_reason", Arg: 0, Reason: 1},
		{Func: "ip_output", Arg: 2, Reason: -1},
	}, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Defs) != 3 || len(p.Skipped) != 0 {
		t.Fatalf("defs %d skipped %v", len(p.Defs), p.Skipped)
	}
	want := "p:g/s0 ip_rcv skb=%di:x64 head=+0xc8(%di):x64 data=+0xd0(%di):x64 nh=+0xb8(%di):u16 len=+0x70(%di):u32 proto=+0xb4(%di):u16 mark=+0xa8(%di):u32 ifindex=+0xd8(+0x10(%di)):"
	if got := p.Defs[0].Line("g"); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " pkt=-64(+0xd0(%di)):x64[16]") {
		t.Errorf("ip_rcv:\n got %s\nwant %s… pkt=-64(+0xd0(%%di)):x64[16]", got, want)
	}
	if got := p.Defs[2].Line("g"); !strings.Contains(got, "skb=%dx:x64") {
		t.Errorf("ip_output takes the skb third: %s", got)
	}
	r := p.Defs[1].Args[8]
	if r.Name != "reason" || r.Fetch != "%si:u32" {
		t.Fatalf("reason argument: %+v", r)
	}
	named := false
	for _, n := range r.Enum {
		named = named || n == "NO_SOCKET"
	}
	if !named {
		t.Errorf("reason has no enumerator names")
	}
}
