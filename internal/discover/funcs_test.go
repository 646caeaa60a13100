package discover

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/testkernel"
)

func TestListFuncsPrototypes(t *testing.T) {
	b, syms := kernel(t)
	es, err := ListFuncs(syms, ListOptions{Pattern: "tcp_v4_*", Types: b})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*FuncEntry{}
	for _, e := range es {
		if !strings.HasPrefix(e.Name, "tcp_v4_") {
			t.Errorf("%s does not match tcp_v4_*", e.Name)
		}
		byName[e.Name] = e
	}
	tests := []struct{ name, proto string }{
		{"tcp_v4_connect", "int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)"},
		{"tcp_v4_rcv", "int tcp_v4_rcv(struct sk_buff *skb)"},
		{"tcp_v4_do_rcv", "int tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb)"},
		{"tcp_v4_send_check", "void tcp_v4_send_check(struct sock *sk, struct sk_buff *skb)"},
		{"tcp_v4_md5_lookup", "struct tcp_md5sig_key *tcp_v4_md5_lookup(struct sock *sk, struct sock *addr_sk)"},
		// A function pointer parameter keeps C's declarator syntax.
		{"tcp_v4_syn_recv_sock", "struct sock *tcp_v4_syn_recv_sock(struct sock *sk, struct sk_buff *skb, struct request_sock *req, struct dst_entry *dst, struct request_sock *req_unhash, bool *own_req, void (*opt_child_init)(struct sock *, struct sock *))"},
	}
	for _, tt := range tests {
		e := byName[tt.name]
		if e == nil {
			t.Errorf("%s not listed", tt.name)
			continue
		}
		if e.Prototype != tt.proto || !e.Probeable {
			t.Errorf("%s: got %q (probeable %v), want %q", tt.name, e.Prototype, e.Probeable, tt.proto)
		}
	}
	// Only a clone exists: grouped under the base name, marked.
	e := byName["tcp_v4_md5_hash_hdr"]
	if e == nil || e.Probeable || len(e.Clones) != 1 || e.Clones[0] != "tcp_v4_md5_hash_hdr.isra.0" || e.Note != CloneNote {
		t.Errorf("tcp_v4_md5_hash_hdr: %+v", e)
	}
	var out bytes.Buffer
	if err := WriteFuncs(&out, es, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"int tcp_v4_rcv(struct sk_buff *skb)\n",
		"tcp_v4_md5_hash_hdr  (only as compiler clones)\n    tcp_v4_md5_hash_hdr.isra.0  no prototype: compiler clone\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, out.String())
		}
	}
}

func TestListFuncsModulesAndClones(t *testing.T) {
	b, syms := kernel(t)
	es, err := ListFuncs(syms, ListOptions{Pattern: "__netif_receive_skb*", Types: b})
	if err != nil {
		t.Fatal(err)
	}
	var core *FuncEntry
	for _, e := range es {
		if e.Name == "__netif_receive_skb_core" {
			core = e
		}
	}
	if core == nil || core.Probeable || len(core.Clones) != 1 || core.Clones[0] != "__netif_receive_skb_core.constprop.0" {
		t.Fatalf("__netif_receive_skb_core: %+v", core)
	}
	es, err = ListFuncs(syms, ListOptions{Pattern: "p9_client_*", Types: b})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Module != "9pnet" || e.Prototype != "" || e.Note != "no BTF for module 9pnet" {
			t.Errorf("module function: %+v", e)
		}
	}
}

func TestListFuncsErrors(t *testing.T) {
	b, syms := kernel(t)
	tests := []struct{ pattern, want string }{
		{"tcp_sndmsg", "did you mean tcp_sendmsg"},
		{"ip_outptu", "did you mean ip_output"},
		{"no_such_*", `no probeable kernel function matches "no_such_*"`},
		{"tcp_sndmsg*", "did you mean tcp_sendmsg"},
		{"tcp_[", "syntax error in pattern"},
	}
	for _, tt := range tests {
		_, err := ListFuncs(syms, ListOptions{Pattern: tt.pattern, Types: b})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.pattern, err, tt.want)
		}
	}
	if _, err := ListFuncs(syms, ListOptions{Pattern: "tcp_sndmsg"}); !errors.Is(err, ErrNoMatch) {
		t.Errorf("want ErrNoMatch, got %v", err)
	}
}

func TestListSkb(t *testing.T) {
	b, syms := kernel(t)
	es, err := ListFuncs(syms, ListOptions{Types: b, Skb: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		got[e.Name] = e.SkbRefs()
		if e.Name == "vlan_do_receive" && e.Skb[0].Pointers != 2 {
			t.Errorf("vlan_do_receive takes struct sk_buff **: %+v", e.Skb)
		}
	}
	for name, want := range map[string]string{
		"ip_rcv": "%0", "ip_output": "%2", "tcp_v4_rcv": "%0", "__dev_queue_xmit": "%0",
		"vlan_do_receive": "%0", "skb_copy_bits": "%0", "tcp_v4_do_rcv": "%1",
	} {
		if got[name] != want {
			t.Errorf("%s: skb argument %q, want %q", name, got[name], want)
		}
	}
	if _, ok := got["tcp_sendmsg"]; ok {
		t.Error("tcp_sendmsg takes no sk_buff")
	}
	if len(es) < 1000 {
		t.Errorf("only %d sk_buff functions", len(es))
	}
	t.Logf("%d functions take a struct sk_buff *", len(es))
}

func TestReadFilterFunctions(t *testing.T) {
	in := "tcp_sendmsg\nfoo [dummy]\nffffffff81000000 bar\nffffffffc0000000 baz [veth]\n\n"
	got, err := ReadFilterFunctions(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Symbol{{"tcp_sendmsg", ""}, {"foo", "dummy"}, {"bar", ""}, {"baz", "veth"}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// BenchmarkListAll measures `list '*'` as the CLI runs it on a live
// kernel: load the raw BTF (as /sys/kernel/btf/vmlinux is), then every
// function with its prototype, printed. Issue 6 wants < 1 s.
func BenchmarkListAll(b *testing.B) {
	_, syms := kernel(b)
	raw := filepath.Join(b.TempDir(), "vmlinux.btf")
	testkernel.Gunzip(b, filepath.Join(testkernel.Dir(), "vmlinux.btf.gz"), raw)
	for b.Loop() {
		btf, err := btfdwarf.LoadBTF(raw, 8)
		if err != nil {
			b.Fatal(err)
		}
		es, err := ListFuncs(syms, ListOptions{Types: btf})
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteFuncs(io.Discard, es, false); err != nil {
			b.Fatal(err)
		}
		btf.Close()
	}
}

func TestReadKallsymsFuncs(t *testing.T) {
	in := "ffffffff81000000 T _text\nffffffff81001000 t tcp_foo.isra.0\nffffffff82000000 D jiffies\nffffffffc0000000 t veth_open\t[veth]\n0000000000000000 W weak_fn\n"
	got, err := ReadKallsymsFuncs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Symbol{{"_text", ""}, {"tcp_foo.isra.0", ""}, {"veth_open", "veth"}, {"weak_fn", ""}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestListFuncsModuleBTF reads a module's prototypes from its split BTF
// (the .BTF of dummy.ko, as /sys/kernel/btf/dummy holds it live).
func TestListFuncsModuleBTF(t *testing.T) {
	b, _ := kernel(t)
	mod, err := btfdwarf.LoadSplitBTF(filepath.Join(testkernel.Dir(), "modules", "dummy.ko"), b)
	if err != nil {
		t.Fatal(err)
	}
	syms := []Symbol{{"dummy_dev_init", "dummy"}, {"dummy_get_stats64", "dummy"}, {"tcp_v4_rcv", ""}}
	es, err := ListFuncs(syms, ListOptions{Types: b, ModuleTypes: func(m string) btfdwarf.Source {
		if m == "dummy" {
			return mod
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		got[e.Module+":"+e.Name] = e.Prototype
	}
	for k, want := range map[string]string{
		"dummy:dummy_dev_init":    "int dummy_dev_init(struct net_device *dev)",
		"dummy:dummy_get_stats64": "void dummy_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *stats)",
		":tcp_v4_rcv":             "int tcp_v4_rcv(struct sk_buff *skb)",
	} {
		if got[k] != want {
			t.Errorf("%s: got %q, want %q", k, got[k], want)
		}
	}
}
