package btfdwarf

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildFixture compiles ../../testdata/fixture/types.c with gcc -g
// -gdwarf-VER and makes a copy with a .BTF section (pahole -J).
func buildFixture(tb testing.TB, ver string) (elfPath, btfPath string) {
	tb.Helper()
	for _, tool := range []string{"gcc", "pahole"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Skipf("%s not installed (scripts/deps.sh installs gcc and dwarves)", tool)
		}
	}
	src, _ := filepath.Abs("../../testdata/fixture/types.c")
	dir := tb.TempDir()
	elfPath = filepath.Join(dir, "fixture")
	btfPath = elfPath + ".btf"
	for _, c := range [][]string{
		{"gcc", "-g", "-gdwarf-" + ver, "-O0", "-o", elfPath, src},
		{"cp", elfPath, btfPath},
		{"pahole", "-J", btfPath},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			tb.Fatalf("%s: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	return elfPath, btfPath
}

// layout prints a type's shape: kinds, sizes, names, member offsets and
// bitfields, recursively through struct members (not through pointers).
func layout(t *Type, depth int) string {
	s := fmt.Sprintf("%v/%d", t.Kind, t.Size)
	if t.Char {
		s += "/char"
	}
	if t.Kind == Int && t.Signed {
		s += "/signed"
	}
	switch t.Kind {
	case Array:
		el, _ := t.Elem()
		s += fmt.Sprintf("[%d]%s", t.Len, layout(el, depth))
	case Pointer:
		el, _ := t.Elem()
		s += "->" + el.Kind.String()
	case Enum:
		s += fmt.Sprint(t.Enumerators)
	case Struct, Union:
		if depth > 3 {
			return s
		}
		var ms []string
		for _, m := range t.Members {
			ms = append(ms, fmt.Sprintf("%s@%d:%d=%s", m.Name, m.BitOffset, m.BitSize, layout(m.Type, depth+1)))
		}
		s += "{" + strings.Join(ms, " ") + "}"
	}
	return s
}

// TestDWARFLayoutMatchesBTF compares the fixture's types as DWARF 4, DWARF
// 5 and pahole's BTF describe them.
func TestDWARFLayoutMatchesBTF(t *testing.T) {
	for _, ver := range []string{"4", "5"} {
		elfPath, btfPath := buildFixture(t, ver)
		dw, err := LoadDWARF(elfPath, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer dw.Close()
		bt, err := LoadBTF(btfPath, 8)
		if err != nil {
			t.Fatal(err)
		}
		defer bt.Close()
		if dw.PointerSize() != 8 || !strings.HasPrefix(dw.Describe(), "DWARF ") || !strings.HasPrefix(bt.Describe(), "BTF ") {
			t.Errorf("PointerSize %d, Describe %q / %q", dw.PointerSize(), dw.Describe(), bt.Describe())
		}
		for _, name := range []string{"struct outer", "struct flags", "union val", "outer_t", "fx_u32", "fx_atomic_t", "enum fx_state", "struct inner"} {
			d, err1 := dw.TypeByName(name)
			b, err2 := bt.TypeByName(name)
			if err1 != nil || err2 != nil {
				t.Errorf("DWARF %s: TypeByName(%q): DWARF %v, BTF %v", ver, name, err1, err2)
				continue
			}
			if ld, lb := layout(d, 0), layout(b, 0); ld != lb {
				t.Errorf("DWARF %s: %s differs\nDWARF: %s\nBTF:   %s", ver, name, ld, lb)
			}
		}
		for _, fn := range []string{"fixture_fn", "fixture_many", "fixture_ret", "main"} {
			d, err1 := dw.Func(fn)
			b, err2 := bt.Func(fn)
			if err1 != nil || err2 != nil {
				t.Errorf("DWARF %s: Func(%s): DWARF %v, BTF %v", ver, fn, err1, err2)
				continue
			}
			if d.Signature() != b.Signature() {
				t.Errorf("DWARF %s: %s\nDWARF: %s\nBTF:   %s", ver, fn, d.Signature(), b.Signature())
			}
			for i := range d.Proto.Params {
				if ld, lb := layout(d.Proto.Params[i].Type, 2), layout(b.Proto.Params[i].Type, 2); ld != lb {
					t.Errorf("DWARF %s: %s param %d\nDWARF: %s\nBTF:   %s", ver, fn, i, ld, lb)
				}
			}
		}
		if _, err := dw.Func("no_such_function"); !errors.Is(err, ErrNotFound) {
			t.Errorf("DWARF Func(no_such_function) = %v", err)
		}
		if _, err := dw.TypeByName("struct no_such"); !errors.Is(err, ErrNotFound) {
			t.Errorf("DWARF TypeByName(struct no_such) = %v", err)
		}
	}
}

// TestDWARFBitfields pins the fixture's bitfields to gcc's layout for both
// DWARF styles: DW_AT_bit_offset counts from the storage unit's top bit,
// and a field ending at that bit has bit_offset 0, which debug/dwarf
// reports the same as an absent attribute.
func TestDWARFBitfields(t *testing.T) {
	want := map[string][2]int{"a": {0, 3}, "b": {3, 5}, "c": {8, 12}, "d": {20, 1}, "top": {21, 11}, "wide": {64, 40}, "hi": {104, 24}}
	for _, ver := range []string{"2", "4", "5"} {
		elfPath, _ := buildFixture(t, ver)
		dw, err := LoadDWARF(elfPath, 8)
		if err != nil {
			t.Fatal(err)
		}
		fl, err := dw.TypeByName("struct flags")
		if err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			m, ok := fl.Lookup(name)
			if !ok || m.BitOffset != w[0] || m.BitSize != w[1] {
				t.Errorf("DWARF %s: flags.%s = bit %d size %d, want %v", ver, name, m.BitOffset, m.BitSize, w)
			}
		}
		dw.Close()
	}
}

func TestLoadDWARFErrors(t *testing.T) {
	if _, err := LoadDWARF(filepath.Join(t.TempDir(), "missing"), 8); err == nil {
		t.Error("missing file loaded")
	}
	elfPath, _ := buildFixture(t, "5")
	stripped := elfPath + ".stripped"
	if out, err := exec.Command("strip", "-g", "-o", stripped, elfPath).CombinedOutput(); err != nil {
		t.Skipf("strip: %v %s", err, out)
	}
	if _, err := LoadDWARF(stripped, 8); !errors.Is(err, ErrNoDebugInfo) {
		t.Errorf("stripped binary: %v, want ErrNoDebugInfo", err)
	}
	// An ELF without .BTF is not BTF.
	if _, err := LoadBTF(elfPath, 8); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadBTF on an ELF without .BTF: %v", err)
	}
}
