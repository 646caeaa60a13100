package main

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// moduleKernel makes a saved kernel in a temp dir from the test kernel as
// if its modules sch_htb, veth and dummy were loaded: kallsyms and
// available_filter_functions gain the modules' functions, the rest is
// copied. It returns the --btf and --kallsyms paths.
func moduleKernel(t *testing.T) (btf, kallsyms string) {
	t.Helper()
	kdir := testkernel.Need(t)
	dir := t.TempDir()
	var syms, funcs bytes.Buffer
	addr := uint64(0xffffffffc0a00000)
	for _, mod := range []string{"sch_htb", "veth", "dummy"} {
		f, err := elf.Open(filepath.Join(kdir, "modules", mod+".ko"))
		if err != nil {
			t.Skipf("saved module %s: %v", mod, err)
		}
		ss, err := f.Symbols()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Section == elf.SHN_UNDEF {
				continue
			}
			fmt.Fprintf(&syms, "%016x t %s\t[%s]\n", addr+s.Value, s.Name, mod)
			if !strings.HasPrefix(s.Name, "init_module") && !strings.HasPrefix(s.Name, "cleanup_module") {
				fmt.Fprintf(&funcs, "%s [%s]\n", s.Name, mod)
			}
		}
		addr += 0x100000
	}
	appendGz := func(name string, extra []byte) {
		in, err := os.Open(filepath.Join(kdir, name+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		zr, err := gzip.NewReader(in)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(data, extra...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	appendGz("kallsyms", syms.Bytes())
	appendGz("available_filter_functions", funcs.Bytes())
	appendGz("kprobes-blacklist", nil)
	return filepath.Join(kdir, "vmlinux.btf.gz"), filepath.Join(dir, "kallsyms")
}

// moduleShowCases are -S goldens on module functions. Each named fetch
// is checked against pahole: struct.member (+ further terms) must add up
// to the offset the fetch reads at.
var moduleShowCases = []struct {
	expr, want string
	// pahole maps a fetch name to the struct.member terms of its
	// offsets, outermost first as the fetch spells them.
	pahole map[string][]string
}{
	{
		"p htb_enqueue len=%0->len qlen=%1->q.qlen",
		"p:surftrace/f0 htb_enqueue len=+0x70(%di):u32 qlen=+0xa8(%si):u32",
		map[string][]string{"len": {"sk_buff.len"}, "qlen": {"Qdisc.q+qdisc_skb_head.qlen"}},
	},
	{
		"p htb_activate_prios defcls=%0->defcls direct=%0->direct_pkts prio=%1->prio level=%1->level parent=%1->parent->level",
		"p:surftrace/f0 htb_activate_prios defcls=+0x18(%di):s32 direct=+0x70(%di):u32 prio=+0x60(%si):u32 level=+0x7c(%si):s32 parent=+0x7c(+0x88(%si)):s32",
		map[string][]string{
			"defcls": {"htb_sched.defcls"}, "direct": {"htb_sched.direct_pkts"},
			"prio": {"htb_class.prio"}, "level": {"htb_class.level"},
			"parent": {"htb_class.level", "htb_class.parent"},
		},
	},
	{
		"p veth_xdp_rcv_skb rx_notify=%0->rx_notify_masked ifindex=%0->dev->ifindex drops=%3->rx_drops",
		"p:surftrace/f0 veth_xdp_rcv_skb rx_notify=+0x1f8(%di):u8 ifindex=+0xd8(+0x198(%di)):s32 drops=+0x0(%cx):u64",
		map[string][]string{"rx_notify": {"veth_rq.rx_notify_masked"}, "ifindex": {"net_device.ifindex", "veth_rq.dev"}},
	},
	{
		"p dummy_dev_init mtu=%0->mtu",
		"p:surftrace/f0 dummy_dev_init mtu=+0xe0(%di):u32",
		map[string][]string{"mtu": {"net_device.mtu"}},
	},
	// MODULE:name: the module's function.
	{
		"p sch_htb:htb_enqueue len=%0->len",
		"p:surftrace/f0 sch_htb:htb_enqueue len=+0x70(%di):u32",
		map[string][]string{"len": {"sk_buff.len"}},
	},
	// A cast names a module's struct: resolved in the function's module.
	{
		"p htb_enqueue defcls=!(struct htb_sched *)%1->defcls",
		"p:surftrace/f0 htb_enqueue defcls=+0x18(%si):s32",
		map[string][]string{"defcls": {"htb_sched.defcls"}},
	},
}

// TestShowModuleFuncs compiles probes on module functions of the saved
// test kernel, with the modules' BTF taken from modules/ beside --btf.
func TestShowModuleFuncs(t *testing.T) {
	btf, kallsyms := moduleKernel(t)
	for _, c := range moduleShowCases {
		r := surftrace(t, false, "-S", "-a", "x86_64", "--btf", btf, "--kallsyms", kallsyms, c.expr)
		if r.code != 0 || strings.TrimSpace(r.stdout) != c.want {
			t.Errorf("%s\n got: %s%s\nwant: %s", c.expr, r.stdout, r.stderr, c.want)
		}
	}
}

// TestShowModuleNotLoaded: a function of a module the kernel has not
// loaded is named with its module, not answered with another name.
func TestShowModuleNotLoaded(t *testing.T) {
	kdir := testkernel.Need(t)
	r := surftrace(t, true, "-S", "-a", "x86_64", "--btf", filepath.Join(kdir, "vmlinux.btf.gz"), "--kallsyms", filepath.Join(kdir, "kallsyms.gz"), "p htb_enqueue len=%0->len")
	want := "htb_enqueue is in module sch_htb, which is not loaded (modprobe sch_htb)"
	if r.code == 0 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "did you mean") {
		t.Errorf("code %d, stderr:\n%s\nwant %q", r.code, r.stderr, want)
	}
}

// TestModuleShowOffsetsMatchPahole checks every offset of the module
// goldens against pahole reading the module's BTF on top of vmlinux's.
func TestModuleShowOffsetsMatchPahole(t *testing.T) {
	kdir := testkernel.Need(t)
	if _, err := exec.LookPath("pahole"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pahole not installed (scripts/deps.sh installs dwarves)")
		}
		t.Skip("pahole not installed (apt-get install dwarves; scripts/deps.sh does it)")
	}
	base := filepath.Join(t.TempDir(), "vmlinux.btf")
	testkernel.Gunzip(t, filepath.Join(kdir, "vmlinux.btf.gz"), base)
	mods := map[string]string{"htb_sched": "sch_htb", "htb_class": "sch_htb", "veth_rq": "veth"}
	layout := map[string]map[string]int{}
	offset := func(term string) int {
		sname, member, _ := strings.Cut(term, ".")
		if layout[sname] == nil {
			args := []string{"-F", "btf", "-C", sname, base}
			if m, ok := mods[sname]; ok {
				args = []string{"-F", "btf", "--btf_base", base, "-C", sname, filepath.Join(kdir, "modules", m+".ko")}
			}
			out, err := exec.Command("pahole", args...).Output()
			if err != nil {
				t.Fatalf("pahole %v: %v", args, err)
			}
			layout[sname] = paholeMembers(string(out))
		}
		off, ok := layout[sname][member]
		if !ok {
			t.Fatalf("pahole shows no %s in %s", member, sname)
		}
		return off
	}
	fetchRe := regexp.MustCompile(`(\w+)=([^ ]+)`)
	offRe := regexp.MustCompile(`\+0x([0-9a-f]+)\(`)
	for _, c := range moduleShowCases {
		fetches := map[string]string{}
		for _, m := range fetchRe.FindAllStringSubmatch(c.want, -1) {
			fetches[m[1]] = m[2]
		}
		for name, terms := range c.pahole {
			// +A(+B(%reg)) lists the outermost offset first, as terms do.
			var offs []int
			for _, m := range offRe.FindAllStringSubmatch(fetches[name], -1) {
				v, _ := strconv.ParseInt(m[1], 16, 64)
				offs = append(offs, int(v))
			}
			if len(offs) != len(terms) {
				t.Errorf("%s: %s has %d offsets, pahole terms %v", c.expr, fetches[name], len(offs), terms)
				continue
			}
			for i, term := range terms {
				want := 0
				for _, part := range strings.Split(term, "+") {
					if !strings.Contains(part, ".") {
						// A member of the previous term's member type.
						t.Fatalf("term %q: write struct.member", part)
					}
					want += offset(part)
				}
				if offs[i] != want {
					t.Errorf("%s: %s offset %d is %#x, pahole says %#x (%s)", c.expr, name, i, offs[i], want, term)
				}
			}
		}
	}
}

// paholeMembers reads the byte offsets of a struct's top-level members
// from pahole -C output.
func paholeMembers(out string) map[string]int {
	re := regexp.MustCompile(`^\t[^\t/].*?[ *]\*?(\w+)(\[\d*\])?(:\d+)?;\s+/\*\s+(\d+)`)
	m := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if s := re.FindStringSubmatch(line); s != nil {
			off, _ := strconv.Atoi(s[4])
			if _, dup := m[s[1]]; !dup {
				m[s[1]] = off
			}
		}
	}
	return m
}

// TestListStructModules: list and struct know the modules' functions and
// types and say which module each comes from.
func TestListStructModules(t *testing.T) {
	btf, kallsyms := moduleKernel(t)
	r := surftrace(t, false, "list", "--btf", btf, "--kallsyms", kallsyms, "htb_enq*")
	if want := "int htb_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free) [sch_htb]"; r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Errorf("list htb_enq*: code %d\n%s%s\nwant a line %s", r.code, r.stdout, r.stderr, want)
	}
	r = surftrace(t, false, "struct", "--btf", btf, "htb_sched")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "struct htb_sched { /* module sch_htb */\n") || !strings.Contains(r.stdout, "int defcls;") {
		t.Errorf("struct htb_sched: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = surftrace(t, false, "struct", "--btf", btf, "sk_buff")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "struct sk_buff {\n") {
		t.Errorf("struct sk_buff: code %d\n%.200s%s", r.code, r.stdout, r.stderr)
	}
}

// TestShowModuleFuncsDWARF compiles the module goldens with -v on the
// debug vmlinux and the modules' debug .ko: the same output as from BTF.
// It needs $SURFTRACE_DEBUG_VMLINUX and $SURFTRACE_DEBUG_MODULES (a
// directory with sch_htb.ko, veth.ko and dummy.ko of the debug package;
// scripts/get-debug-vmlinux.sh fetches both).
func TestShowModuleFuncsDWARF(t *testing.T) {
	vmlinux, mods := os.Getenv("SURFTRACE_DEBUG_VMLINUX"), os.Getenv("SURFTRACE_DEBUG_MODULES")
	if vmlinux == "" || mods == "" {
		t.Skip("set SURFTRACE_DEBUG_VMLINUX and SURFTRACE_DEBUG_MODULES (scripts/get-debug-vmlinux.sh) to compare -v with BTF on modules")
	}
	_, kallsyms := moduleKernel(t)
	args := []string{"-S", "-a", "x86_64", "--no-cache", "-v", vmlinux, "--kallsyms", kallsyms}
	for _, m := range []string{"sch_htb", "veth", "dummy"} {
		args = append(args, "--module", filepath.Join(mods, m+".ko"))
	}
	for _, c := range moduleShowCases {
		r := surftrace(t, false, append(args, c.expr)...)
		if r.code != 0 || strings.TrimSpace(r.stdout) != c.want {
			t.Errorf("-v %s\n got: %s%s\nwant: %s", c.expr, r.stdout, r.stderr, c.want)
		}
	}
}

// TestCompleteModules: completion offers a module function with its
// prototype, the members of a module's struct argument, and module
// struct names.
func TestCompleteModules(t *testing.T) {
	btf, kallsyms := moduleKernel(t)
	out, err := discRun(t, "__complete", "--btf", btf, "--kallsyms", kallsyms, "p htb_enq")
	if err != nil || !strings.HasPrefix(out, "p htb_enqueue\tint htb_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)\n") {
		t.Errorf("function: %v %q", err, out)
	}
	got, _ := discComplete(t, "--btf", btf, "--kallsyms", kallsyms, "p htb_activate_prios x=%0->def")
	if strings.Join(got, "|") != "p htb_activate_prios x=%0->defcls" {
		t.Errorf("member of struct htb_sched: %q", got)
	}
	got, _ = discComplete(t, "struct", "--btf", btf, "htb_s")
	if strings.Join(got, "|") != "htb_sched" {
		t.Errorf("struct name: %q", got)
	}
}

// TestListNotLoadedModules: for a saved kernel, the functions of a module
// whose BTF is beside it but which its kallsyms shows not loaded are
// listed, marked so.
func TestListNotLoadedModules(t *testing.T) {
	kdir := testkernel.Need(t)
	btf, kallsyms := filepath.Join(kdir, "vmlinux.btf.gz"), filepath.Join(kdir, "kallsyms.gz")
	r := surftrace(t, true, "list", "--btf", btf, "--kallsyms", kallsyms, "htb_enq*")
	want := "int htb_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free) [sch_htb]  (module sch_htb is not loaded: modprobe sch_htb)\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("code %d\n got: %s%s\nwant: %s", r.code, r.stdout, r.stderr, want)
	}
	r = surftrace(t, true, "list", "--btf", btf, "--kallsyms", kallsyms, "--skb", "veth_x*")
	if r.code != 0 || !strings.Contains(r.stdout, "%0    netdev_tx_t veth_xmit(struct sk_buff *skb, struct net_device *dev) [veth]  (module veth is not loaded") {
		t.Errorf("--skb: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
