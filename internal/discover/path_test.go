package discover

import (
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/compile"
)

func TestResolvePath(t *testing.T) {
	b, _ := kernel(t)
	tests := []struct {
		typ, path   string
		fetch, decl string
		off, size   int
		bitOff      int
		container   string
	}{
		// The offset the compiler uses for skb->data on this kernel.
		{"sk_buff", "data", "+0xd0(%di):u64", "unsigned char *data", 0xd0, 8, 0, "struct sk_buff"},
		{"struct task_struct", "se.vruntime", "+0xd0(%di):u64", "u64 vruntime", 0xd0, 8, 0, "struct task_struct"},
		{"iphdr", "ihl", "+0x0(%di):b4@0/8", "__u8 ihl:4", 0, 1, 0, "struct iphdr"},
		{"iphdr", "version", "+0x0(%di):b4@4/8", "__u8 version:4", 0, 1, 4, "struct iphdr"},
		{"iphdr", "daddr", "+0x10(%di):u32", "__be32 daddr", 16, 4, 0, "struct iphdr"},
		{"task_struct", "comm", "+0xba0(%di):string", "char comm[16]", 0xba0, 16, 0, "struct task_struct"},
		{"task_struct", "comm[3]", "+0xba3(%di):s8", "char", 0xba3, 1, 0, "struct task_struct"},
		{"task_struct", "mm->mm_users", "+0x54(+0x8e0(%di)):s32", "atomic_t mm_users", 0x54, 4, 0, "struct mm_struct"},
		{"sk_buff", "sk->__sk_common.skc_family", "+0x10(+0x18(%di)):u16", "unsigned short skc_family", 0x10, 2, 0, "struct sock"},
		{"sk_buff", "pkt_type", "+0x80(%di):b3@0/8", "__u8 pkt_type:3", 0x80, 1, 0x400, "struct sk_buff"},
	}
	for _, tt := range tests {
		ty, err := FindType(b, tt.typ, nil)
		if err != nil {
			t.Fatal(err)
		}
		pi, err := ResolvePath(b, ty, tt.path, nil)
		if err != nil {
			t.Errorf("%s %s: %v", tt.typ, tt.path, err)
			continue
		}
		if pi.Fetch != tt.fetch || pi.Decl != tt.decl || pi.Offset != tt.off || pi.Size != tt.size || pi.BitOffset != tt.bitOff || pi.Container != tt.container {
			t.Errorf("%s %s: got %+v", tt.typ, tt.path, pi)
		}
	}
}

func TestResolvePathAarch64(t *testing.T) {
	b, _ := kernel(t)
	arm, err := compile.LookupArch("aarch64")
	if err != nil {
		t.Fatal(err)
	}
	ty, _ := FindType(b, "sk_buff", nil)
	pi, err := ResolvePath(b, ty, "len", arm)
	if err != nil || pi.Fetch != "+0x70(%x0):u32" {
		t.Errorf("got %+v, %v", pi, err)
	}
}

func TestResolvePathErrors(t *testing.T) {
	b, _ := kernel(t)
	tests := []struct {
		typ, path, want string
		sentinel        error
	}{
		{"sk_buff", "dtaa", "struct sk_buff has no member dtaa; did you mean data?", ErrUnknownMember},
		// Macros hide members: sk->sk_family is __sk_common.skc_family.
		{"sk_buff", "sk->sk_family", "did you mean __sk_common.skc_family", ErrUnknownMember},
		{"task_struct", "vruntime", "did you mean se.vruntime", ErrUnknownMember},
		{"task_struct", "se->vruntime", "embedded, not a pointer: write .vruntime", ErrUnknownMember},
		{"task_struct", "mm.mm_users", "is a pointer: write ->mm_users", ErrUnknownMember},
		{"task_struct", "comm[16]", "index 16 is past the array's 16 elements", ErrUnknownMember},
		{"task_struct", "se", "incomplete, name a member", compile.ErrType},
		{"task_struct", "se.", "name a member", nil},
	}
	for _, tt := range tests {
		ty, _ := FindType(b, tt.typ, nil)
		_, err := ResolvePath(b, ty, tt.path, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
			t.Errorf("%s %s: got %v, want %q", tt.typ, tt.path, err, tt.want)
		}
	}
}
