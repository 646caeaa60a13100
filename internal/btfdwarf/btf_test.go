package btfdwarf

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// bundled is the test kernel's BTF, gunzipped once (~110 ms).
var bundled = sync.OnceValues(func() (*BTF, error) {
	return LoadBTF(filepath.Join(testkernel.Dir(), "vmlinux.btf.gz"), 8)
})

func kernelBTF(tb testing.TB) *BTF {
	tb.Helper()
	testkernel.Need(tb)
	b, err := bundled()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestBTFFunc(t *testing.T) {
	b := kernelBTF(t)
	tests := []struct{ name, sig string }{
		{"ip_output", "int ip_output(struct net *net, struct sock *sk, struct sk_buff *skb)"},
		{"tcp_rcv_established", "void tcp_rcv_established(struct sock *sk, struct sk_buff *skb)"},
		{"__netif_receive_skb_one_core", "int __netif_receive_skb_one_core(struct sk_buff *skb, bool pfmemalloc)"},
		{"wake_up_new_task", "void wake_up_new_task(struct task_struct *p)"},
		// BTF lists it though kprobe_events refuses it on this kernel.
		{"dev_queue_xmit", "int dev_queue_xmit(struct sk_buff *skb)"},
		{"vlan_do_receive", "bool vlan_do_receive(struct sk_buff **skbp)"},
		{"_printk", "int _printk(char *fmt, ...)"}, // qualifiers are stripped,
		{"do_mmap", "unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long pgoff, unsigned long *populate, struct list_head *uf)"},
	}
	for _, tc := range tests {
		f, err := b.Func(tc.name)
		if err != nil {
			t.Errorf("Func(%s): %v", tc.name, err)
			continue
		}
		if got := f.Signature(); got != tc.sig {
			t.Errorf("Func(%s)\n got: %s\nwant: %s", tc.name, got, tc.sig)
		}
	}
	// A compiler clone has no FUNC in BTF, and names are exact.
	for _, name := range []string{"__netif_receive_skb_core", "__netif_receive_skb_core.constprop.0", "vfs_rea", "no_such_function"} {
		if _, err := b.Func(name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Func(%s) = %v, want ErrNotFound", name, err)
		}
	}
}

func TestBTFTypes(t *testing.T) {
	b := kernelBTF(t)
	type member struct {
		path          string
		bitOff, bits  int
		kind          Kind
		size, arrayN  int
		typeName      string
		char, pointee bool
	}
	tests := []struct {
		typ     string
		size    int
		members []member
	}{
		{"struct sk_buff", 232, []member{
			{path: "data", bitOff: 0xd0 * 8, kind: Pointer, size: 8, pointee: true},
			{path: "dev", bitOff: 0x10 * 8, kind: Pointer, size: 8}, // in a union in a struct in a union
			{path: "pkt_type", bitOff: 0x80 * 8, bits: 3, kind: Int, size: 1, typeName: "__u8"},
			{path: "len", bitOff: 0x70 * 8, kind: Int, size: 4, typeName: "unsigned int"},
		}},
		{"struct iphdr", 20, []member{
			{path: "ihl", bitOff: 0, bits: 4, kind: Int, size: 1, typeName: "__u8"},
			{path: "version", bitOff: 4, bits: 4, kind: Int, size: 1, typeName: "__u8"},
			{path: "daddr", bitOff: 16 * 8, kind: Int, size: 4, typeName: "__be32"}, // anonymous union member
			{path: "addrs", bitOff: 12 * 8, kind: Struct, size: 8},
		}},
		{"struct task_struct", 0, []member{
			{path: "comm", bitOff: 0xba0 * 8, kind: Array, size: 16, arrayN: 16, char: true},
			{path: "se", bitOff: 0x80 * 8, kind: Struct, size: 256, typeName: "struct sched_entity"},
		}},
		{"iphdr", 20, nil}, // "struct" left out: accepted when unambiguous
		{"u32", 4, nil},
		{"unsigned long", 8, nil},
		{"long unsigned int", 8, nil},
		{"atomic_t", 4, []member{{path: "counter", kind: Int, size: 4, typeName: "int"}}},
		{"union bpf_attr", 0, nil},
		{"enum tcp_ca_state", 4, nil},
	}
	for _, tc := range tests {
		ty, err := b.TypeByName(tc.typ)
		if err != nil {
			t.Errorf("TypeByName(%q): %v", tc.typ, err)
			continue
		}
		if tc.size != 0 && ty.Size != tc.size {
			t.Errorf("%s: size %d, want %d", tc.typ, ty.Size, tc.size)
		}
		for _, m := range tc.members {
			got, ok := ty.Lookup(m.path)
			if !ok {
				t.Errorf("%s has no member %s; members: %v", tc.typ, m.path, ty.MemberNames())
				continue
			}
			mt := got.Type
			if got.BitOffset != m.bitOff || got.BitSize != m.bits || mt.Kind != m.kind || mt.Size != m.size || mt.Len != m.arrayN {
				t.Errorf("%s.%s = bit %d:%d %v size %d len %d, want bit %d:%d %v size %d len %d", tc.typ, m.path,
					got.BitOffset, got.BitSize, mt.Kind, mt.Size, mt.Len, m.bitOff, m.bits, m.kind, m.size, m.arrayN)
			}
			if m.typeName != "" && mt.Name != m.typeName {
				t.Errorf("%s.%s type %q, want %q", tc.typ, m.path, mt.Name, m.typeName)
			}
			if m.char {
				el, err := mt.Elem()
				if err != nil || !el.Char {
					t.Errorf("%s.%s: element %v is not char (%v)", tc.typ, m.path, el, err)
				}
			}
			if m.pointee {
				el, err := mt.Elem()
				if err != nil || el.Kind != Int || el.Size != 1 {
					t.Errorf("%s.%s: pointee %v (%v), want unsigned char", tc.typ, m.path, el, err)
				}
			}
		}
	}
	e, _ := b.TypeByName("enum tcp_ca_state")
	if e == nil || len(e.Enumerators) < 5 || e.Enumerators[0] != (Enumerator{"TCP_CA_Open", 0}) || e.Enumerators[4] != (Enumerator{"TCP_CA_Loss", 4}) {
		t.Errorf("enum tcp_ca_state enumerators: %+v", e)
	}
	for _, name := range []string{"struct no_such_struct", "no_such_typedef", "enum nope"} {
		if _, err := b.TypeByName(name); !errors.Is(err, ErrNotFound) {
			t.Errorf("TypeByName(%q) = %v, want ErrNotFound", name, err)
		}
	}
}

// TestBTFUserPointer: pahole tags __user pointers when the kernel was
// built with clang; strings behind them are read with ustring. The
// bundled Debian kernel (gcc) has no tags, so this runs on the host's
// BTF when it has them.
func TestBTFUserPointer(t *testing.T) {
	b, err := LoadBTF("/sys/kernel/btf/vmlinux", 8)
	if err != nil {
		t.Skipf("no kernel BTF: %v", err)
	}
	defer b.Close()
	if len(b.find("user", kindTypeTag)) == 0 {
		t.Skip("this kernel's BTF has no __user type tags (built with gcc)")
	}
	f, err := b.Func("vfs_read")
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Proto.Params
	if len(ps) != 4 || ps[1].Name != "buf" || !ps[1].Type.User || ps[0].Type.User {
		t.Errorf("vfs_read params: %s (buf user %v)", f.Signature(), len(ps) > 1 && ps[1].Type.User)
	}
}

// TestSplitBTF reads a module's BTF on top of vmlinux's: its own types
// and functions, and base types through it.
func TestSplitBTF(t *testing.T) {
	base := kernelBTF(t)
	ko := filepath.Join(testkernel.Dir(), "modules", "sch_htb.ko")
	if _, err := os.Stat(ko); err != nil {
		t.Skipf("no %s", ko)
	}
	m, err := LoadSplitBTF(ko, base)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	f, err := m.Func("htb_enqueue")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Signature(), "int htb_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)"; got != want {
		t.Errorf("htb_enqueue: %s, want %s", got, want)
	}
	skb, _ := f.Proto.Params[0].Type.Elem()
	if d, ok := skb.Lookup("data"); !ok || d.BitOffset != 0xd0*8 {
		t.Errorf("sk_buff through the module: data %+v %v", d, ok)
	}
	if _, err := m.TypeByName("struct htb_class"); err != nil {
		t.Errorf("module type: %v", err)
	}
	if _, err := m.Func("ip_output"); err != nil {
		t.Errorf("base function through the module: %v", err)
	}
}

func TestLoadBTFErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadBTF(filepath.Join(dir, "missing"), 8); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte(strings.Repeat("x", 64)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBTF(bad, 8); !errors.Is(err, ErrNotBTF) {
		t.Errorf("bad magic: %v", err)
	}
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte{0x9f, 0xeb, 1, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBTF(short, 8); err == nil {
		t.Error("a 4-byte file loaded")
	}
	// A header whose sections point past the end.
	hdr := []byte{0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}
	oob := filepath.Join(dir, "oob")
	if err := os.WriteFile(oob, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBTF(oob, 8); err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Errorf("sections out of bounds: %v", err)
	}
}

func BenchmarkFuncLookup(b *testing.B) {
	bt := kernelBTF(b)
	b.ReportAllocs()
	for range b.N {
		if _, err := bt.Func("tcp_rcv_established"); err != nil {
			b.Fatal(err)
		}
	}
}

// A typedef of itself (damaged BTF) is an error, not endless recursion.
func TestBTFTypedefLoop(t *testing.T) {
	raw := tinyBTF()
	// The typedef (type 2) points at itself.
	binary.LittleEndian.PutUint32(raw[24+16+8:], 2)
	b, err := parseBTF("loop", raw, nil, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.TypeByName("myint"); err == nil || !strings.Contains(err.Error(), "nest deeper") {
		t.Errorf("typedef loop: %v", err)
	}
}
