package kernels

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatrix(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"5.10": "amd64", "6.1": "amd64", "6.12": "amd64", "6.12-arm64": "arm64"}
	for _, k := range m.Kernels {
		if want[k.Name] != k.Arch {
			t.Errorf("kernel %s: arch %s", k.Name, k.Arch)
		}
		delete(want, k.Name)
	}
	if len(want) > 0 {
		t.Errorf("missing from the matrix: %v", want)
	}
	if _, ok := m.Guests["arm64"]; !ok {
		t.Error("no arm64 guest packages")
	}
	if m.Default != "6.1" {
		t.Errorf("default %q", m.Default)
	}
	got, err := m.Select("6.12-arm64, 5.10")
	if err != nil || len(got) != 2 || got[0].Name != "6.12-arm64" {
		t.Errorf("Select = %v, %v", got, err)
	}
	if _, err := m.Select("4.19"); err == nil || !strings.Contains(err.Error(), MatrixFile) {
		t.Errorf("Select of an unknown kernel: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		"kernel 6.1 amd64 bookworm linux-image 1.0\n",
		"kernel 6.1 amd64 bookworm linux-image 1.0 abc\n",
		"guest arm64\n",
		"frobnicate\n",
		"# nothing\n",
		"kernel 6.1 amd64 s p v " + strings.Repeat("a", 64) + "\ndefault 9\n",
	} {
		if _, err := Parse([]byte(text)); err == nil {
			t.Errorf("Parse(%q): no error", text)
		}
	}
}

func TestSources(t *testing.T) {
	one := parseOneLine([]byte("deb [arch=amd64 signed-by=/k.gpg] http://m/debian bookworm main\n# deb http://x y z\ndeb-src http://m/debian bookworm main\ndeb http://m/debian-security bookworm-security main\n"))
	if len(one) != 2 || one[0].uri != "http://m/debian" || one[0].signedBy != "/k.gpg" || one[1].suites[0] != "bookworm-security" {
		t.Errorf("one-line: %+v", one)
	}
	d := parseDeb822([]byte("Types: deb\nURIs: http://m/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /k.gpg\n\nTypes: deb-src\nURIs: http://s\nSuites: x\n\nTypes: deb\nEnabled: no\nURIs: http://off\nSuites: bookworm\n"))
	if len(d) != 1 || d[0].uri != "http://m/debian" || len(d[0].suites) != 2 {
		t.Errorf("deb822: %+v", d)
	}
	for s, want := range map[string]bool{"bookworm": true, "bookworm-backports": true, "nodistro": false, "cloud-sdk-bookworm": false} {
		if isDebianSuite(s) != want {
			t.Errorf("isDebianSuite(%q) = %v", s, !want)
		}
	}
}

// TestModules builds a tiny module tree (ELF objects with a .modinfo) and
// checks the copy: dependencies first, compressed modules unpacked, and a
// built-in (absent) dependency left out.
func TestModules(t *testing.T) {
	tree, dst := t.TempDir(), t.TempDir()
	write := func(name, depends string) {
		p := filepath.Join(tree, "kernel", name+".ko")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, fakeModule("depends="+depends), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sch_htb", "")
	write("veth", "")
	write("nft_chain", "nf_tables,builtin_one")
	write("nf_tables", "nfnetlink")
	write("nfnetlink", "")
	if err := copyModules(context.Background(), tree, dst, []string{"veth", "nft-chain"}); err != nil {
		t.Fatal(err)
	}
	order, _ := os.ReadFile(filepath.Join(dst, "modules.order"))
	if got := strings.Fields(string(order)); strings.Join(got, " ") != "veth.ko nfnetlink.ko nf_tables.ko nft_chain.ko" {
		t.Errorf("order %q", got)
	}
	dep, _ := os.ReadFile(filepath.Join(dst, "modules.dep"))
	if !strings.Contains(string(dep), "nft_chain.ko: nf_tables.ko\n") || !strings.Contains(string(dep), "nf_tables.ko: nfnetlink.ko\n") {
		t.Errorf("modules.dep:\n%s", dep)
	}
	if _, err := os.Stat(filepath.Join(dst, "sch_htb.ko")); err == nil {
		t.Error("an unwanted module was copied")
	}
}

// fakeModule is the smallest ELF relocatable with a .modinfo section.
func fakeModule(info string) []byte {
	var b bytes.Buffer
	modinfo := []byte(info + "\x00license=GPL\x00")
	shstr := []byte("\x00.modinfo\x00.shstrtab\x00")
	le := func(v any) {
		switch x := v.(type) {
		case uint16:
			b.Write([]byte{byte(x), byte(x >> 8)})
		case uint32:
			for i := 0; i < 4; i++ {
				b.WriteByte(byte(x >> (8 * i)))
			}
		case uint64:
			for i := 0; i < 8; i++ {
				b.WriteByte(byte(x >> (8 * i)))
			}
		}
	}
	dataOff := uint64(64)
	shstrOff := dataOff + uint64(len(modinfo))
	shOff := shstrOff + uint64(len(shstr))
	b.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	le(uint16(elf.ET_REL))
	le(uint16(elf.EM_X86_64))
	le(uint32(1))
	le(uint64(0))
	le(uint64(0))
	le(shOff)
	le(uint32(0))
	le(uint16(64))
	le(uint16(0))
	le(uint16(0))
	le(uint16(64))
	le(uint16(3))
	le(uint16(2))
	b.Write(modinfo)
	b.Write(shstr)
	section := func(name uint32, typ elf.SectionType, off, size uint64) {
		le(name)
		le(uint32(typ))
		le(uint64(0))
		le(uint64(0))
		le(off)
		le(size)
		le(uint32(0))
		le(uint32(0))
		le(uint64(1))
		le(uint64(0))
	}
	section(0, elf.SHT_NULL, 0, 0)
	section(1, elf.SHT_PROGBITS, dataOff, uint64(len(modinfo)))
	section(10, elf.SHT_STRTAB, shstrOff, uint64(len(shstr)))
	return b.Bytes()
}
