package btfdwarf

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// testModules joins the test kernel's BTF with its saved modules;
// loaded nil means all are loaded.
func testModules(t *testing.T, loaded func(string) bool) *Kernel {
	t.Helper()
	base := kernelBTF(t)
	dir := filepath.Join(testkernel.Dir(), "modules")
	files, err := moduleFiles(dir)
	if err != nil {
		t.Skipf("no saved modules: %v", err)
	}
	return NewKernel(base, func() map[string]string { return files }, loaded)
}

func TestKernelModuleFuncs(t *testing.T) {
	k := testModules(t, nil)
	tests := []struct{ fn, mod, sig string }{
		{"ip_output", "", "int ip_output(struct net *net, struct sock *sk, struct sk_buff *skb)"},
		{"htb_enqueue", "sch_htb", "int htb_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)"},
		{"veth_xmit", "veth", "netdev_tx_t veth_xmit(struct sk_buff *skb, struct net_device *dev)"},
		{"dummy_dev_init", "dummy", "int dummy_dev_init(struct net_device *dev)"},
	}
	for _, tc := range tests {
		mod, f, err := k.FuncModule(tc.fn)
		if err != nil {
			t.Errorf("%s: %v", tc.fn, err)
			continue
		}
		if mod != tc.mod || f.Signature() != tc.sig {
			t.Errorf("%s: module %q %s, want %q %s", tc.fn, mod, f.Signature(), tc.mod, tc.sig)
		}
	}
	if _, err := k.Func("no_such_function_anywhere"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown function: %v", err)
	}
}

// A module's types resolve through its function's source, reached from
// vmlinux types and the other way round, and say which module they are
// from.
func TestKernelModuleTypes(t *testing.T) {
	k := testModules(t, nil)
	src := k.ForFunc("htb_enqueue")
	hc, err := src.TypeByName("struct htb_class")
	if err != nil {
		t.Fatal(err)
	}
	if hc.Module != "sch_htb" || hc.Size != 768 {
		t.Errorf("htb_class: module %q size %d", hc.Module, hc.Size)
	}
	// htb_class.common is vmlinux's struct Qdisc_class_common.
	common, ok := hc.Lookup("common")
	if !ok || common.Type.Module != "" || common.Type.Name != "struct Qdisc_class_common" {
		t.Errorf("htb_class.common: %+v", common)
	}
	// A member reached through the anonymous union: leaf.deficit.
	if m, ok := hc.Lookup("leaf"); !ok || m.BitOffset != 240*8 {
		t.Errorf("htb_class.leaf: %+v %v", m, ok)
	}
	// Without a function, vmlinux first, then the modules.
	if ht, err := k.TypeByName("struct htb_sched"); err != nil || ht.Module != "sch_htb" {
		t.Errorf("htb_sched without a function: %+v %v", ht, err)
	}
	if sk, err := k.TypeByName("struct sk_buff"); err != nil || sk.Module != "" {
		t.Errorf("sk_buff: %+v %v", sk, err)
	}
	if vp, err := k.ForFunc("veth_xmit").TypeByName("struct veth_priv"); err != nil || vp.Module != "veth" {
		t.Errorf("veth_priv: %+v %v", vp, err)
	}
}

// A function of a module that is not loaded is named with its module and
// how to load it, not mistaken for another.
func TestKernelModuleNotLoaded(t *testing.T) {
	k := testModules(t, func(m string) bool { return m != "sch_htb" })
	_, err := k.Func("htb_enqueue")
	var nl *ModuleNotLoadedError
	if !errors.As(err, &nl) || !errors.Is(err, ErrModuleNotLoaded) {
		t.Fatalf("htb_enqueue: %v", err)
	}
	if got, want := err.Error(), "htb_enqueue is in module sch_htb, which is not loaded (modprobe sch_htb)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if _, err := k.Func("veth_xmit"); err != nil {
		t.Errorf("veth is loaded: %v", err)
	}
	// Types of a module that is not loaded are not offered.
	if _, err := k.TypeByName("struct htb_class"); !errors.Is(err, ErrNotFound) {
		t.Errorf("htb_class of an unloaded module: %v", err)
	}
}

func TestModuleName(t *testing.T) {
	for in, want := range map[string]string{
		"sch_htb.ko": "sch_htb", "/lib/modules/x/snd-hda-intel.ko.xz": "snd_hda_intel",
		"/sys/kernel/btf/veth": "veth", "dummy.btf": "dummy", "nf_tables.ko.zst": "nf_tables",
	} {
		if got := ModuleName(in); got != want {
			t.Errorf("ModuleName(%s) = %s, want %s", in, got, want)
		}
	}
}

// Loaded modules are all searched; of many modules that are not loaded,
// only those whose name shares a word with the function.
func TestKernelCandidates(t *testing.T) {
	files := map[string]string{"bridge": "x", "sch_htb": "x"}
	for i := range 100 {
		files[fmt.Sprintf("mod%03d", i)] = "x"
	}
	files["sch_htb_offload"] = "x"
	loaded := func(m string) bool { return m == "bridge" }
	k := NewKernel(nil, func() map[string]string { return files }, loaded)
	got := strings.Join(k.candidates("htb_enqueue"), " ")
	if got != "bridge sch_htb sch_htb_offload" {
		t.Errorf("candidates: %s", got)
	}
	files2 := map[string]string{"bridge": "x", "veth": "x", "dummy": "x"}
	k = NewKernel(nil, func() map[string]string { return files2 }, loaded)
	if got := strings.Join(k.candidates("veth_xmit"), " "); got != "bridge veth dummy" {
		t.Errorf("few modules, all searched: %s", got)
	}
}

// MODULE:name takes the module's own function.
func TestKernelFuncIn(t *testing.T) {
	k := testModules(t, nil)
	f, err := k.FuncIn("veth", "veth_xmit")
	if err != nil || f.Name != "veth_xmit" {
		t.Fatalf("veth:veth_xmit: %v %v", f, err)
	}
	if _, err := k.FuncIn("veth", "ip_output"); !errors.Is(err, ErrNotFound) {
		t.Errorf("veth:ip_output (a vmlinux function): %v", err)
	}
	if _, err := k.FuncIn("no_such_module", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown module: %v", err)
	}
	nl := testModules(t, func(string) bool { return false })
	if _, err := nl.FuncIn("veth", "veth_xmit"); !errors.Is(err, ErrModuleNotLoaded) {
		t.Errorf("not loaded: %v", err)
	}
}
