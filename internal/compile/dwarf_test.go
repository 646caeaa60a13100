package compile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// fixtureSource is the C fixture shared by the DWARF tests.
const fixtureSource = "../../testdata/fixture/types.c"

// buildFixture compiles the fixture with gcc -g (DWARF version dwarfVer)
// and makes its BTF with pahole -J on a copy, as a kernel build does. It
// returns the two type sources; the caller's t.TempDir holds the files.
func buildFixture(tb testing.TB, dir string, dwarfVer string, ptrSize int) (*btfdwarf.DWARF, *btfdwarf.BTF) {
	tb.Helper()
	for _, tool := range []string{"gcc", "pahole"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Skipf("%s not installed (scripts/deps.sh installs gcc and dwarves)", tool)
		}
	}
	src, err := filepath.Abs(fixtureSource)
	if err != nil {
		tb.Fatal(err)
	}
	bin := filepath.Join(dir, "fixture-dwarf"+dwarfVer)
	run(tb, "gcc", "-g", "-gdwarf-"+dwarfVer, "-O0", "-o", bin, src)
	withBTF := bin + ".btf"
	raw, err := os.ReadFile(bin)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(withBTF, raw, 0o644); err != nil {
		tb.Fatal(err)
	}
	run(tb, "pahole", "-J", withBTF)
	dw, err := btfdwarf.LoadDWARF(bin, ptrSize)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { dw.Close() })
	bt, err := btfdwarf.LoadBTF(withBTF, ptrSize)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bt.Close() })
	return dw, bt
}

func run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// fixtureExprs exercise every layout feature of the fixture. Kernel-style
// `p func` expressions: the compiler does not care that the types come
// from a user program when Kernel is nil.
var fixtureExprs = []string{
	`p fixture_fn id=%0->id x=%0->in.x y=%0->in.y tag2=%0->in.tag[2]`,
	`p fixture_fn deep=%0->nest.deep.y dx=S%0->nest.deep.x z=%0->nest.z`,
	`p fixture_fn vl=%0->v.l vu=X%0->v.u b7=%0->v.bytes[7] bytes=%0->v.bytes`,
	`p fixture_fn fa=%0->f.a fb=%0->f.b fc=%0->f.c fd=%0->f.d top=%0->f.top`,
	`p fixture_fn fe=%0->f.e wide=%0->f.wide hi=%0->f.hi s=S%0->f.s`,
	`p fixture_fn arr3=S%0->arr[3] arr=%0->arr name=%0->name n0=%0->name[0]`,
	`p fixture_fn label=%0->label clabel=%0->clabel lp=X%0->label`,
	`p fixture_fn next=%0->next->id nn=%0->next->next->name`,
	`p fixture_fn ai=%0->anon_i as=S%0->anon_s ax=%0->ax ay=X%0->ay`,
	`p fixture_fn users=S%0->users cb=%0->cb state=%0->state`,
	`p fixture_fn u=%1->u l=S%1->l top=%2->top wide=%2->wide tname=%3->name`,
	`p fixture_fn o=%0 v=X%1 f=%2 t=%3`,
	`p fixture_fn x=!(struct inner *)%1->y fl=!(struct flags *)%0->d i=!(int)%2`,
	`p fixture_many a0=%0 a1=S%1 a2=%2 a3=%3->id a4=%4 a5=%5 a6=%6->name a7=%7 a8=%8->top a9=S%9`,
	`r fixture_ret n=$retval->name id=$retval->id`,
	`r fixture_many ret=S$retval`,
	`r fixture_fn ret=$retval f:ret>0`,
}

// TestDWARFMatchesBTF checks that the fixture's DWARF and
// the BTF pahole makes of it give the same definitions, for DWARF 4
// (DW_AT_bit_offset bitfields) and 5 (DW_AT_data_bit_offset), on x86_64
// and aarch64.
func TestDWARFMatchesBTF(t *testing.T) {
	dir := t.TempDir()
	for _, ver := range []string{"4", "5"} {
		dw, bt := buildFixture(t, dir, ver, 8)
		for _, archName := range []string{"x86_64", "aarch64"} {
			arch, _ := LookupArch(archName)
			for _, src := range fixtureExprs {
				fromDWARF := show(src, &Config{Arch: arch, Types: dw})
				fromBTF := show(src, &Config{Arch: arch, Types: bt})
				if strings.HasPrefix(fromDWARF, "error:") || strings.HasPrefix(fromBTF, "error:") {
					t.Errorf("DWARF %s, %s: %s\nDWARF: %s\nBTF:   %s", ver, archName, src, fromDWARF, fromBTF)
					continue
				}
				if fromDWARF != fromBTF {
					t.Errorf("DWARF %s, %s: %s\nDWARF: %s\nBTF:   %s", ver, archName, src, fromDWARF, fromBTF)
				}
			}
		}
	}
}

// fixtureWant pins a few fixture expressions to the layout gcc gives
// (checked with pahole -C outer,flags on the binary), so that DWARF and
// BTF cannot agree on a wrong answer.
var fixtureWant = map[string]string{
	`p fixture_fn fa=%0->f.a fb=%0->f.b fc=%0->f.c fd=%0->f.d top=%0->f.top`:                      "p:surftrace/f0 fixture_fn fa=+0x30(%di):b3@0/32 fb=+0x30(%di):b5@3/32 fc=+0x30(%di):b12@8/32 fd=+0x30(%di):b1@20/32 top=+0x30(%di):b11@21/32",
	`p fixture_fn fe=%0->f.e wide=%0->f.wide hi=%0->f.hi s=S%0->f.s`:                              "p:surftrace/f0 fixture_fn fe=+0x34(%di):u8 wide=+0x38(%di):b40@0/64 hi=+0x38(%di):b24@40/64 s=+0x40(%di):s8",
	`p fixture_fn label=%0->label clabel=%0->clabel lp=X%0->label`:                                "p:surftrace/f0 fixture_fn label=+0x0(+0x68(%di)):string clabel=+0x0(+0x70(%di)):string lp=+0x68(%di):x64",
	`p fixture_fn arr3=S%0->arr[3] arr=%0->arr name=%0->name n0=%0->name[0]`:                      "p:surftrace/f0 fixture_fn arr3=+0x54(%di):s32 arr=+0x48(%di):s32[4] name=+0x58(%di):string n0=+0x58(%di):s8",
	`p fixture_many a0=%0 a1=S%1 a2=%2 a3=%3->id a4=%4 a5=%5 a6=%6->name a7=%7 a8=%8->top a9=S%9`: "p:surftrace/f0 fixture_many a0=%di:s32 a1=%si:s64 a2=+0x0(%dx):string a3=+0x0(%cx):s64 a4=%r8:s16 a5=%r9:u8 a6=+0x58($stack1):string a7=$stack2:s32 a8=+0x0($stack3):b11@21/32 a9=$stack4:s64",
}

func TestFixtureLayout(t *testing.T) {
	dw, bt := buildFixture(t, t.TempDir(), "5", 8)
	for src, want := range fixtureWant {
		for name, types := range map[string]btfdwarf.Source{"DWARF": dw, "BTF": bt} {
			if got := show(src, &Config{Arch: archX86_64, Types: types}); got != want {
				t.Errorf("%s: %s\n got: %s\nwant: %s", name, src, got, want)
			}
		}
	}
}
