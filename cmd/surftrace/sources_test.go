package main

import (
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// Without BTF, a debug vmlinux where the distributions install it is
// taken; without either, the message lists what was tried and the three
// ways out.
func TestDefaultKernelTypes(t *testing.T) {
	const rel = "6.1.0-56-amd64"
	only := func(paths ...string) func(string) bool {
		return func(p string) bool {
			for _, q := range paths {
				if p == q {
					return true
				}
			}
			return false
		}
	}
	if p, dw, err := defaultKernelTypes(rel, only(btfdwarf.KernelBTFPath, "/usr/lib/debug/boot/vmlinux-"+rel)); p != btfdwarf.KernelBTFPath || dw || err != nil {
		t.Errorf("BTF present: %q %v %v", p, dw, err)
	}
	if p, dw, err := defaultKernelTypes(rel, only("/usr/lib/debug/lib/modules/"+rel+"/vmlinux")); p != "/usr/lib/debug/lib/modules/"+rel+"/vmlinux" || !dw || err != nil {
		t.Errorf("RHEL debug vmlinux: %q %v %v", p, dw, err)
	}
	_, _, err := defaultKernelTypes(rel, only())
	if err == nil {
		t.Fatal("no source, no error")
	}
	for _, want := range []string{
		btfdwarf.KernelBTFPath, "/usr/lib/debug/boot/vmlinux-" + rel,
		"-v VMLINUX", "linux-image-" + rel + "-dbg", "kernel-debuginfo", "--btf FILE", "BTFHub",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}

// --btf refuses what cannot be a BTF file without reading it.
func TestShowRefusesSpecialBTF(t *testing.T) {
	r := surftrace(t, false, "-S", "--btf", "/dev/zero", "p ip_output")
	if r.code == 0 || !strings.Contains(r.stderr, "not a regular file") {
		t.Errorf("--btf /dev/zero: code %d, stderr %s", r.code, r.stderr)
	}
}
