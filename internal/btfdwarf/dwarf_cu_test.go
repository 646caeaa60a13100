package btfdwarf

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Two compile units: a.c declares struct hidden, b.c defines it.
const (
	unitA = `struct hidden;
struct pair { int a; long b; };
typedef unsigned int u32;
int fa(struct pair *p) { return p->a; }
int fa2(struct hidden *h) { return h != 0; }
`
	unitB = `struct hidden { int x; long y; unsigned char flags:3, mode:5; };
struct only_b { short s; struct hidden h; };
int fb(struct only_b *o) { return o->h.x; }
int (*volatile keep)(struct only_b *) = fb; /* fb stays out of line under -flto */
int main(void) { return 0; }
`
)

// buildUnits compiles a.c and b.c into one program with gcc flags.
func buildUnits(t *testing.T, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gcc not installed")
		}
		t.Skip("gcc not installed (scripts/deps.sh installs it)")
	}
	dir := t.TempDir()
	for name, src := range map[string]string{"a.c": unitA, "b.c": unitB} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "prog")
	args := append(append([]string{"-g"}, flags...), "-o", out, filepath.Join(dir, "a.c"), filepath.Join(dir, "b.c"))
	if msg, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return out
}

func loadLazy(t *testing.T, path string) *DWARF {
	t.Helper()
	d, err := LoadDWARF(path, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if d.lazy == nil {
		t.Fatal("not read unit by unit")
	}
	return d
}

// A function's prototype decodes only its own unit; a type declared in
// one unit and defined in the other resolves to the definition.
func TestDWARFUnitByUnit(t *testing.T) {
	d := loadLazy(t, buildUnits(t, "-O1"))
	if len(d.lazy.units) < 2 {
		t.Fatalf("%d units", len(d.lazy.units))
	}
	f, err := d.Func("fa")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Signature(); got != "int fa(struct pair *p)" {
		t.Errorf("fa: %s", got)
	}
	if n := len(d.lazy.cus); n != 1 {
		t.Errorf("fa opened %d units, want 1", n)
	}
	pair, _ := f.Proto.Params[0].Type.Elem()
	if m, ok := pair.Lookup("b"); !ok || m.BitOffset != 64 || pair.Size != 16 {
		t.Errorf("struct pair: %s", layout(pair, 0))
	}
	// fa2's struct hidden is a declaration in a.c; b.c has the layout.
	f2, err := d.Func("fa2")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := f2.Proto.Params[0].Type.Elem()
	if got, want := layout(h, 0), "struct/24{x@0:0=int/4/signed y@64:0=int/8/signed flags@128:3=int/1 mode@131:5=int/1}"; got != want {
		t.Errorf("struct hidden through a declaration:\n got %s\nwant %s", got, want)
	}
	// A cast names a type of the other unit; the function's unit is
	// searched first, then the units that mention the name.
	ob, err := d.ForFunc("fa").TypeByName("struct only_b")
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := ob.Lookup("h"); !ok || m.BitOffset != 64 || ob.Size != 32 {
		t.Errorf("struct only_b: %s", layout(ob, 0))
	}
	if u, err := d.ForFunc("fa").TypeByName("u32"); err != nil || u.Kind != Int || u.Size != 4 || u.Signed {
		t.Errorf("u32: %+v %v", u, err)
	}
	if _, err := d.TypeByName("struct no_such_struct"); err == nil {
		t.Error("a missing struct was found")
	}
	if _, err := d.Func("no_such_function"); err == nil {
		t.Error("a missing function was found")
	}
}

// With -flto gcc refers across units with DW_FORM_ref_addr (the code's
// unit points at the early-debug unit's declarations); those are followed.
func TestDWARFRefAddr(t *testing.T) {
	path := buildUnits(t, "-O2", "-flto")
	out, err := exec.Command("readelf", "--debug-dump=abbrev", path).Output()
	if err != nil || !strings.Contains(string(out), "DW_FORM_ref_addr") {
		t.Skip("this gcc's -flto output has no DW_FORM_ref_addr")
	}
	d := loadLazy(t, path)
	f, err := d.Func("fb")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Signature(); got != "int fb(struct only_b *o)" {
		t.Errorf("fb: %s", got)
	}
	if d.lazy.full == nil {
		t.Error("fb's unit refers to others, yet was decoded alone")
	}
	ob, _ := f.Proto.Params[0].Type.Elem()
	if m, ok := ob.Lookup("h"); !ok || m.BitOffset != 64 || ob.Size != 32 {
		t.Errorf("struct only_b: %s", layout(ob, 0))
	}
}

// Compressed debug sections (gcc -gz, as some distributions ship debug
// files) are unpacked and still read unit by unit.
func TestDWARFCompressedSections(t *testing.T) {
	path := buildUnits(t, "-O1", "-gz=zlib")
	out, _ := exec.Command("readelf", "-S", "-W", path).Output()
	compressed := false
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); strings.Contains(line, ".debug_info ") && len(f) > 8 && strings.Contains(f[len(f)-4], "C") {
			compressed = true
		}
	}
	if !compressed {
		t.Skip("this gcc did not compress the debug sections (-gz=zlib)")
	}
	d := loadLazy(t, path)
	f, err := d.Func("fa2")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := f.Proto.Params[0].Type.Elem()
	if got, want := layout(h, 0), "struct/24{x@0:0=int/4/signed y@64:0=int/8/signed flags@128:3=int/1 mode@131:5=int/1}"; got != want {
		t.Errorf("struct hidden:\n got %s\nwant %s", got, want)
	}
	if _, err := d.ForFunc("fa").TypeByName("struct only_b"); err != nil {
		t.Error(err)
	}
}

// A function written in assembler has no prototype in its own unit; the
// declaration in a C unit that calls it gives one (as libc's syscall
// wrappers need).
func TestDWARFAssemblerFunction(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	dir := t.TempDir()
	asm := filepath.Join(dir, "wrap.S")
	c := filepath.Join(dir, "main.c")
	if err := os.WriteFile(asm, []byte(".globl myasm\n.type myasm,@function\nmyasm:\n\tmovq %rdi, %rax\n\tret\n.size myasm, .-myasm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c, []byte("long myasm(int x);\nint main(void) { return (int)myasm(3); }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "prog")
	if out, err := exec.Command("gcc", "-g", "-O1", "-o", prog, asm, c).CombinedOutput(); err != nil {
		t.Skipf("gcc: %v\n%s", err, out)
	}
	d := loadLazy(t, prog)
	f, err := d.Func("myasm")
	if err != nil {
		t.Fatal(err)
	}
	if f.Proto.Ret == nil || f.Proto.Ret.Kind != Int || f.Proto.Ret.Size != 8 || len(f.Proto.Params) != 1 || f.Proto.Params[0].Type.Size != 4 {
		t.Errorf("myasm: %s", f.Signature())
	}
}
