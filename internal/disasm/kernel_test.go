package disasm

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func testKernelOptions(t *testing.T) KernelOptions {
	return KernelOptions{
		Vmlinux:         testVmlinux(t),
		Kallsyms:        kallsymsFile(testKernelFile(t, "kallsyms.gz")),
		Blacklist:       blacklistFile(testKernelFile(t, "kprobes-blacklist.gz")),
		FilterFunctions: namesFile(testKernelFile(t, "available_filter_functions.gz")),
	}
}

var sharedKernel struct {
	sync.Once
	k   *Kernel
	err error
}

// testKernelShared is the test kernel with its default options, opened once
// for the package's tests (loading kallsyms is the slow part).
func testKernelShared(t *testing.T) *Kernel {
	t.Helper()
	opts := testKernelOptions(t)
	sharedKernel.Do(func() { sharedKernel.k, sharedKernel.err = OpenKernel(opts) })
	if sharedKernel.err != nil {
		t.Fatal(sharedKernel.err)
	}
	return sharedKernel.k
}

func openTestKernel(t *testing.T, opts KernelOptions) *Kernel {
	t.Helper()
	k, err := OpenKernel(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// TestDevQdiscEnqueue is the article's drop hunt on the test kernel (issue
// 11): at +23 dev_qdisc_enqueue calls the qdisc's enqueue through the rax
// retpoline thunk.
func TestDevQdiscEnqueue(t *testing.T) {
	k := testKernelShared(t)
	l, err := k.Func("dev_qdisc_enqueue")
	if err != nil {
		t.Fatal(err)
	}
	code, err := k.read(l.Addr, l.Size)
	if err != nil {
		t.Fatal(err)
	}
	offs := map[int]bool{}
	for _, in := range l.Insts {
		offs[in.Off] = true
		if in.Off == 23 {
			if in.Target != "__x86_indirect_thunk_rax" || !strings.Contains(in.Note, "indirect call, function pointer in %ax") {
				t.Errorf("+23: %s <%s> # %s", in.Text, in.Target, in.Note)
			}
			t.Logf("+23: %s <%s>  # %s", in.Text, in.Target, in.Note)
		}
	}
	if !offs[23] {
		t.Fatal("+23 is not an instruction boundary")
	}
	for off := 0; off < len(code); off++ {
		if IsBoundary(code, off) != offs[off] {
			t.Errorf("IsBoundary(+%d) = %v, listing says %v", off, !offs[off], offs[off])
		}
	}
	if IsBoundary(code, 24) {
		t.Error("+24, inside the call, is a boundary")
	}
	var out bytes.Buffer
	if err := l.Format(&out, FormatOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "<+23>:\tcall   0xffffffff81e01580 <__x86_indirect_thunk_rax>\t# indirect call, function pointer in %ax") {
		t.Errorf("listing:\n%s", out.String())
	}
}

// objdumpRange lists the instruction offsets objdump prints for [start, end).
func objdumpRange(t *testing.T, path string, start, end uint64) []int {
	t.Helper()
	out, err := exec.Command("objdump", "-d", "--no-show-raw-insn",
		fmt.Sprintf("--start-address=%#x", start), fmt.Sprintf("--stop-address=%#x", end), path).Output()
	if err != nil {
		t.Skipf("objdump: %v", err)
	}
	var offs []int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		addr, _, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":\t")
		if !ok {
			continue
		}
		if a, err := strconv.ParseUint(addr, 16, 64); err == nil && a >= start && a < end {
			offs = append(offs, int(a-start))
		}
	}
	return offs
}

func TestKernelOffsetsMatchObjdump(t *testing.T) {
	opts := testKernelOptions(t)
	k := testKernelShared(t)
	for _, fn := range []string{"dev_qdisc_enqueue", "__netif_receive_skb_core.constprop.0", "__dev_queue_xmit",
		"ip_output", "tcp_v4_rcv", "wake_up_new_task", "do_filp_open", "kfree_skb_reason"} {
		l, err := k.Func(fn)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, in := range l.Insts {
			got = append(got, in.Off)
			if in.Bad {
				t.Errorf("%s+%d: undecoded byte %x", fn, in.Off, in.Bytes)
			}
		}
		want := objdumpRange(t, opts.Vmlinux, l.Addr, l.Addr+l.Size)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s offsets\n got %v\nwant %v", fn, got, want)
		}
		t.Logf("%s: %d bytes, %d instructions as objdump", fn, l.Size, len(got))
	}
}

func TestKernelNotes(t *testing.T) {
	k := testKernelShared(t)
	l, err := k.Func("asm_exc_divide_error")
	if err != nil {
		t.Fatal(err)
	}
	if !l.NotProbeable || !strings.Contains(strings.Join(l.Notes, "\n"), "kprobes blacklist") {
		t.Errorf("blacklisted function: probeable=%v notes %q", !l.NotProbeable, l.Notes)
	}
	l, err = k.Func("__netif_receive_skb_core")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "__netif_receive_skb_core.constprop.0" || !strings.Contains(strings.Join(l.Notes, "\n"), "compiler's copy") {
		t.Errorf("clone: %s, notes %q", l.Name, l.Notes)
	}
	l, err = k.Func("dev_qdisc_enqueue")
	if err != nil || l.NotProbeable || len(l.Notes) != 0 {
		t.Errorf("dev_qdisc_enqueue: %v, notes %q", err, l.Notes)
	}

	for _, tc := range []struct {
		name string
		err  error
		msg  string
	}{
		{"dev_qdisc_enqueu", ErrNotFound, "did you mean dev_qdisc_enqueue"},
		{"xfrm_hash_resize", ErrAmbiguous, "give MODULE:NAME or the address"},
		{"9p:v9fs_kill_super", ErrNotMapped, "module code is not in"},
		{"0xffffffff817d7107", nil, ""},
	} {
		_, err := k.Func(tc.name)
		if (tc.err == nil && err != nil) || !errors.Is(err, tc.err) || (err != nil && !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("Func(%s): %v, want %v saying %q", tc.name, err, tc.err, tc.msg)
		}
	}
}

// TestKcoreImage reads the code the /proc/kcore way (an ELF whose PT_LOAD
// segments map kernel addresses) using the vmlinux as the image, since this
// host has no /proc/kcore.
func TestKcoreImage(t *testing.T) {
	opts := testKernelOptions(t)
	fromELF := testKernelShared(t)
	opts.Kcore, opts.Vmlinux = opts.Vmlinux, ""
	fromCore := openTestKernel(t, opts)
	a, err1 := fromELF.Func("dev_qdisc_enqueue")
	b, err2 := fromCore.Func("dev_qdisc_enqueue")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if fmt.Sprint(a.Insts) != fmt.Sprint(b.Insts) {
		t.Error("kcore-style read differs from the vmlinux read")
	}
}

// TestKASLRSlide gives the stripped vmlinux a kallsyms shifted as KASLR
// would: listings show the shifted addresses and the same code.
func TestKASLRSlide(t *testing.T) {
	opts := testKernelOptions(t)
	const slide = 0x1a00000
	shifted := filepath.Join(t.TempDir(), "kallsyms")
	writeShiftedKallsyms(t, testKernelFile(t, "kallsyms.gz"), shifted, slide)
	base := testKernelShared(t)
	opts.Kallsyms, opts.Blacklist = kallsymsFile(shifted), nil
	k := openTestKernel(t, opts)
	if k.slide != slide {
		t.Fatalf("slide %#x, want %#x", k.slide, slide)
	}
	a, err1 := base.Func("dev_qdisc_enqueue")
	b, err2 := k.Func("dev_qdisc_enqueue")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if b.Addr != a.Addr+slide || len(a.Insts) != len(b.Insts) || b.Insts[9].Target != "__x86_indirect_thunk_rax" {
		t.Errorf("shifted listing at %#x (want %#x), %d vs %d instructions, +23 → %s", b.Addr, a.Addr+slide, len(b.Insts), len(a.Insts), b.Insts[9].Target)
	}
}

func writeShiftedKallsyms(t *testing.T, from, to string, slide uint64) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(gz)
	for sc.Scan() {
		addr, rest, _ := strings.Cut(sc.Text(), " ")
		a, _ := strconv.ParseUint(addr, 16, 64)
		if a >= 0xffffffff80000000 {
			a += slide
		}
		fmt.Fprintf(&out, "%016x %s\n", a, rest)
	}
	if err := os.WriteFile(to, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestKernelErrors(t *testing.T) {
	if _, err := OpenKernel(KernelOptions{Kcore: "/nonexistent/kcore"}); !errors.Is(err, ErrNoKcore) {
		t.Errorf("missing kcore: %v", err)
	}
	if _, err := os.Stat(ProcKcore); errors.Is(err, os.ErrNotExist) && os.Geteuid() == 0 {
		_, err := OpenKernel(KernelOptions{})
		if !errors.Is(err, ErrNoKcore) || !strings.Contains(err.Error(), "-v VMLINUX") {
			t.Errorf("this host has no /proc/kcore: %v", err)
		}
		t.Logf("no /proc/kcore: %v", err)
	}
	old := geteuid
	geteuid = func() int { return 1000 }
	t.Cleanup(func() { geteuid = old })
	var out bytes.Buffer
	err := ShowFunc(&out, "dev_qdisc_enqueue", Options{})
	if !errors.Is(err, ErrNeedRoot) || !strings.Contains(err.Error(), "needs root") || !strings.Contains(err.Error(), "-v VMLINUX") {
		t.Errorf("not root: %v", err)
	}
	t.Logf("not root: %v", err)
	geteuid = old

	opts := testKernelOptions(t)
	err = ShowLine(&out, "net/core/dev.c:3768", Options{Kernel: opts})
	if !errors.Is(err, ErrNoDebugInfo) || !strings.Contains(err.Error(), "-l needs debug info") {
		t.Errorf("-l with a vmlinux without DWARF: %v", err)
	}
	t.Logf("-l without DWARF: %v", err)
}

func TestShowFuncKernel(t *testing.T) {
	var out bytes.Buffer
	if err := ShowFunc(&out, "dev_qdisc_enqueue", Options{Kernel: testKernelOptions(t), Format: FormatOptions{Bytes: true}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Dump of dev_qdisc_enqueue in kernel, 0xffffffff817d70f0-0xffffffff817d7180 (144 bytes):",
		"0xffffffff817d7107 <+23>:\te8 74 a4 62 00",
		"End of dump. Probe an instruction with 'p dev_qdisc_enqueue+OFF'.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestVmlinuxSymtab takes symbols from an ELF's own .symtab (a vmlinux
// built with symbols); a non-PIE program stands in for one.
func TestVmlinuxSymtab(t *testing.T) {
	path := buildFixture(t, t.TempDir(), "-no-pie", "-fno-PIE")
	k := openTestKernel(t, KernelOptions{Vmlinux: path})
	l, err := k.Func("surf_mix")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Insts) == 0 || len(l.Lines) == 0 {
		t.Errorf("surf_mix from .symtab: %d instructions, %d source lines", len(l.Insts), len(l.Lines))
	}
	ll, err := k.Line("fixture.c", lineMix)
	if err != nil || ll.Ranges[0].Func != "surf_mix" {
		t.Errorf("Line: %+v, %v", ll, err)
	}
}
