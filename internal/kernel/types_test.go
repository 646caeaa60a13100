package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if p, dw, err := defaultTypes(rel, only(BTFPath, "/usr/lib/debug/boot/vmlinux-"+rel)); p != BTFPath || dw || err != nil {
		t.Errorf("BTF present: %q %v %v", p, dw, err)
	}
	if p, dw, err := defaultTypes(rel, only("/usr/lib/debug/lib/modules/"+rel+"/vmlinux")); p != "/usr/lib/debug/lib/modules/"+rel+"/vmlinux" || !dw || err != nil {
		t.Errorf("RHEL debug vmlinux: %q %v %v", p, dw, err)
	}
	_, _, err := defaultTypes(rel, only())
	if err == nil {
		t.Fatal("no source, no error")
	}
	for _, want := range []string{
		BTFPath, "/usr/lib/debug/boot/vmlinux-" + rel,
		"-v VMLINUX", "linux-image-" + rel + "-dbg", "kernel-debuginfo", "--btf FILE", "BTFHub",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}

// A loaded module's debug file is found by the build-id in its notes.
func TestDebugByBuildID(t *testing.T) {
	dir := t.TempDir()
	sys, dbg := filepath.Join(dir, "module"), filepath.Join(dir, "build-id")
	// An ELF note: namesz 4, descsz 4, type 3 (NT_GNU_BUILD_ID), "GNU\0", ab cd ef 01.
	note := []byte{4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xab, 0xcd, 0xef, 0x01}
	for _, p := range []string{filepath.Join(sys, "sch_htb", "notes"), filepath.Join(sys, "veth", "notes"), filepath.Join(dbg, "ab")} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(sys, "sch_htb", "notes", ".note.gnu.build-id"), note, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dbg, "ab", "cdef01.debug"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := debugByBuildID(sys, dbg)
	if len(got) != 1 || got["sch_htb"] != filepath.Join(dbg, "ab", "cdef01.debug") {
		t.Errorf("debugByBuildID: %v", got)
	}
}
