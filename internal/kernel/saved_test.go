package kernel

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/testkernel"
)

// savedKernel is the bundled test kernel as --btf and --kallsyms name it.
func savedKernel(t *testing.T) *Kernel {
	t.Helper()
	dir := testkernel.Need(t)
	return New(Options{BTF: filepath.Join(dir, "vmlinux.btf.gz"), Kallsyms: filepath.Join(dir, "kallsyms.gz"), Arch: "x86_64"})
}

// A saved kernel answers from the files beside its kallsyms, never from
// this machine's.
func TestSavedKernelLists(t *testing.T) {
	k := savedKernel(t)
	if k.Live() {
		t.Fatal("a saved kallsyms is the running kernel")
	}
	syms, note, err := k.Funcs()
	if err != nil || note != "" || len(syms) < 10000 {
		t.Fatalf("Funcs: %d symbols, note %q, %v", len(syms), note, err)
	}
	names, format, err := k.Events()
	if err != nil || format != nil || !slices.Contains(names, "sched/sched_switch") {
		t.Fatalf("Events: %d names, format %v, %v", len(names), format != nil, err)
	}
	if !k.Config("CONFIG_BPF") || k.Config("CONFIG_KPROBE_EVENTS_ON_NOTRACE") {
		t.Error("Config does not read the saved config")
	}
	fields := k.EventFields("")
	if fields == nil {
		t.Fatal("no event check from available_events")
	}
	if _, err := fields("sched", "sched_switch"); err != nil {
		t.Errorf("sched/sched_switch: %v", err)
	}
	if _, err := fields("sched", "sched_swich"); err == nil {
		t.Error("a misspelt event passes")
	}
	feat := k.Features("/nonexistent")
	if feat == nil {
		t.Fatal("no features from the saved tracing-README")
	}
	if _, err := feat(); err != nil {
		t.Errorf("features: %v", err)
	}
}

// Types come from --btf with the modules beside it, once.
func TestSavedKernelTypes(t *testing.T) {
	k := savedKernel(t)
	src, err := k.Types()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := k.Types(); again != src {
		t.Error("types loaded twice")
	}
	if _, err := src.TypeByName("struct sk_buff"); err != nil {
		t.Errorf("struct sk_buff: %v", err)
	}
	if _, ok := src.(*btfdwarf.Kernel); !ok {
		t.Errorf("types are %T, want the BTF kernel with its modules", src)
	}
}

// A wrong architecture or mode is the caller's usage error.
func TestUsageErrors(t *testing.T) {
	if _, err := New(Options{Arch: "vax"}).Arch(); !errors.Is(err, ErrUsage) {
		t.Errorf("-a vax: %v", err)
	}
	if _, err := New(Options{Mode: "dwarf", Arch: "x86_64"}).Types(); !errors.Is(err, ErrUsage) {
		t.Errorf("-m dwarf without -v: %v", err)
	}
}
