package btfdwarf

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// buildModuleObject compiles src into a relocatable object with DWARF,
// as a .ko is.
func buildModuleObject(t *testing.T, name, src string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gcc not installed")
		}
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	c := filepath.Join(dir, name+".c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ko := filepath.Join(dir, name+".ko")
	if out, err := exec.Command("gcc", "-g", "-O1", "-c", "-o", ko, c).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return ko
}

// Module functions and types come from the modules' DWARF under -v.
func TestDWARFKernelModules(t *testing.T) {
	base := loadLazy(t, buildUnits(t, "-O1"))
	htb := buildModuleObject(t, "sch_htb", `struct htb_class { int prio; long tokens; };
struct pair { char only_in_the_module; };
int htb_enqueue(struct htb_class *cl) { return cl->prio; }
int htb_peek(struct pair *p) { return p->only_in_the_module; }
`)
	files := map[string]string{"sch_htb": htb}
	k := NewDWARFKernel(base, func() map[string]string { return files }, nil)
	f, err := k.Func("htb_enqueue")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Signature(); got != "int htb_enqueue(struct htb_class *cl)" {
		t.Errorf("htb_enqueue: %s", got)
	}
	// The function's module wins for a name both define.
	if p, err := k.ForFunc("htb_enqueue").TypeByName("struct pair"); err != nil || p.Size != 1 {
		t.Errorf("struct pair for a module function: %+v %v", p, err)
	}
	if p, err := k.ForFunc("fa").TypeByName("struct pair"); err != nil || p.Size != 16 {
		t.Errorf("struct pair for a vmlinux function: %+v %v", p, err)
	}
	if c, err := k.ForFunc("fa").TypeByName("struct htb_class"); err != nil || c.Size != 16 {
		t.Errorf("a module type from a vmlinux function: %+v %v", c, err)
	}
	unloaded := NewDWARFKernel(base, func() map[string]string { return files }, func(string) bool { return false })
	if _, err := unloaded.Func("htb_enqueue"); !errors.Is(err, ErrModuleNotLoaded) {
		t.Errorf("module not loaded: %v", err)
	}
}
