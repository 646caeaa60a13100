package ksyms

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

const sample = `ffffffff81000000 T _stext
ffffffff81032980 t do_int3
ffffffff813669e0 T vfs_read
ffffffff8137f1a0 T vfs_readlink
ffffffff817de470 t __netif_receive_skb_core.constprop.0
ffffffff817de000 t helper
ffffffff818de000 t helper
ffffffff81900000 t split.isra.0
ffffffff81900100 t split.part.0
ffffffff82c3c820 d task_group_cache
not a line
zzzz T bad_address
ffffffffc02d9000 t v9fs_kill_super	[9p]
ffffffffc02d9100 t helper	[9p]
`

func TestParse(t *testing.T) {
	tab, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 12 {
		t.Errorf("Len = %d, want 12 (malformed lines skipped)", tab.Len())
	}
	// Names are exact: vfs_read never matches vfs_readlink.
	if got := tab.Lookup("vfs_read"); len(got) != 1 || got[0].Addr != 0xffffffff813669e0 || got[0].Type != 'T' {
		t.Errorf("Lookup(vfs_read) = %+v", got)
	}
	if got := tab.Lookup("vfs_rea"); len(got) != 0 {
		t.Errorf("Lookup(vfs_rea) = %+v, want nothing", got)
	}
	if got := tab.Lookup("helper"); len(got) != 3 {
		t.Errorf("Lookup(helper) = %+v, want 3", got)
	}
	if got := tab.Lookup("9p:helper"); len(got) != 1 || got[0].Module != "9p" || got[0].String() != "9p:helper" {
		t.Errorf("Lookup(9p:helper) = %+v", got)
	}
	if got := tab.Clones("__netif_receive_skb_core"); len(got) != 1 || got[0].Name != "__netif_receive_skb_core.constprop.0" {
		t.Errorf("Clones(__netif_receive_skb_core) = %+v", got)
	}
	if got := tab.Clones("split"); len(got) != 2 {
		t.Errorf("Clones(split) = %+v, want isra and part", got)
	}
	if s := tab.Lookup("task_group_cache"); len(s) != 1 || s[0].IsText() || !tab.HasData() {
		t.Errorf("task_group_cache: %+v, HasData %v", s, tab.HasData())
	}
	vr := tab.Lookup("vfs_read")[0]
	if start, end := tab.Bounds(vr); start != vr.Addr || end != 0xffffffff8137f1a0 {
		t.Errorf("Bounds(vfs_read) = %#x-%#x", start, end)
	}
	if s, off, ok := tab.Symbolize(0xffffffff813669e0 + 0x10); !ok || s.Name != "vfs_read" || off != 0x10 {
		t.Errorf("Symbolize = %v+%#x %v", s, off, ok)
	}
	if _, _, ok := tab.Symbolize(0x1000); ok {
		t.Error("Symbolize below every symbol succeeded")
	}
	n := 0
	tab.Names(func(s Symbol) {
		if !s.IsText() {
			t.Errorf("Names gave data symbol %v", s)
		}
		n++
	})
	if n != 11 {
		t.Errorf("Names gave %d text symbols, want 11", n)
	}
}

func TestHasDataWithoutKallsymsAll(t *testing.T) {
	tab, err := Parse(strings.NewReader("ffffffff81000000 T _stext\nffffffff81000100 t f\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.HasData() {
		t.Error("a text-only table claims data symbols")
	}
}

// TestBundledKallsyms reads the test kernel's saved tables, plain and
// gzip, and checks the facts the compiler relies on.
func TestBundledKallsyms(t *testing.T) {
	dir := testkernel.Need(t)
	tab, err := Parse(openFile(t, filepath.Join(dir, "kallsyms.gz")))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() < 90000 {
		t.Errorf("only %d symbols", tab.Len())
	}
	for name, typ := range map[string]byte{"ip_output": 'T', "dev_queue_xmit": 't', "__dev_queue_xmit": 'T', "do_int3": 't', "task_group_cache": 'd'} {
		s := tab.Lookup(name)
		if len(s) != 1 || s[0].Type != typ {
			t.Errorf("Lookup(%s) = %+v, want one of type %c", name, s, typ)
		}
	}
	if got := tab.Lookup("__netif_receive_skb_core"); len(got) != 0 {
		t.Errorf("__netif_receive_skb_core exists as itself: %+v", got)
	}
	if got := tab.Clones("__netif_receive_skb_core"); len(got) != 1 || got[0].Name != "__netif_receive_skb_core.constprop.0" {
		t.Errorf("Clones(__netif_receive_skb_core) = %+v", got)
	}
	if !tab.HasData() {
		t.Error("CONFIG_KALLSYMS_ALL kernel without data symbols")
	}
	// Plain text reads the same as gzip.
	plain := filepath.Join(t.TempDir(), "kallsyms")
	testkernel.Gunzip(t, filepath.Join(dir, "kallsyms.gz"), plain)
	tab2, err := Parse(openFile(t, plain))
	if err != nil || tab2.Len() != tab.Len() {
		t.Errorf("plain kallsyms: %v, %d symbols vs %d", err, tab2.Len(), tab.Len())
	}

	bl, err := ParseBlacklist(openFile(t, filepath.Join(dir, "kprobes-blacklist.gz")))
	if err != nil {
		t.Fatal(err)
	}
	if bl.Len() < 400 {
		t.Errorf("blacklist has %d ranges", bl.Len())
	}
	int3 := tab.Lookup("do_int3")[0]
	if name, ok := bl.Contains(int3.Addr); !ok || name != "do_int3" {
		t.Errorf("do_int3 not blacklisted: %q %v", name, ok)
	}
	if name, ok := bl.Contains(int3.Addr + 0x10); !ok || name != "do_int3" {
		t.Errorf("inside do_int3 not blacklisted: %q %v", name, ok)
	}
	if _, ok := bl.Contains(tab.Lookup("ip_output")[0].Addr); ok {
		t.Error("ip_output is blacklisted")
	}
	var nilList *Blacklist
	if _, ok := nilList.Contains(int3.Addr); ok {
		t.Error("a nil blacklist contains something")
	}
}

func TestBlacklistParse(t *testing.T) {
	text := "0x1000-0x1100\tb\n0x0100-0x0200\ta\nbad line\n0xzz-0x1\tc\n0x2000-0x3000\touter\n0x2100-0x2200\tinner\n"
	bl, err := ParseBlacklist(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr uint64
		name string
	}{{0x100, "a"}, {0x1ff, "a"}, {0x200, ""}, {0x10ff, "b"}, {0x2150, "inner"}, {0x2300, "outer"}, {0x50, ""}, {0x5000, ""}}
	for _, tc := range tests {
		name, ok := bl.Contains(tc.addr)
		if name != tc.name || ok != (tc.name != "") {
			t.Errorf("Contains(%#x) = %q %v, want %q", tc.addr, name, ok, tc.name)
		}
	}
}

func BenchmarkLoadBundledKallsyms(b *testing.B) {
	dir := testkernel.Need(b)
	b.ReportAllocs()
	for range b.N {
		if _, err := Parse(openFile(b, filepath.Join(dir, "kallsyms.gz"))); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSymbolizePrefersFunctions(t *testing.T) {
	tab, err := Parse(strings.NewReader("ffffffff81e01580 T __static_call_text_end\nffffffff81e01580 T __x86_indirect_thunk_rax\nffffffff81e015a0 T __x86_indirect_thunk_rbx\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, off, ok := tab.Symbolize(0xffffffff81e01584)
	if !ok || s.Name != "__x86_indirect_thunk_rax" || off != 4 {
		t.Fatalf("Symbolize = %v +%d %v", s, off, ok)
	}
}
