package uobj

import (
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/suggest"
)

func TestOpenFixture(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		flags []string
		typ   elf.Type
	}{
		{"pie", []string{"-pie", "-fPIE"}, elf.ET_DYN},
		{"nopie", []string{"-no-pie", "-fno-PIE"}, elf.ET_EXEC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := buildFixture(t, dir, tc.name, tc.flags...)
			o, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			if o.ELF().Type != tc.typ {
				t.Errorf("type %v, want %v", o.ELF().Type, tc.typ)
			}
			if o.Symtab != ".symtab" {
				t.Errorf("symbols from %s", o.Symtab)
			}
			fn, err := o.Func("surf_target")
			if err != nil {
				t.Fatal(err)
			}
			addr := nmAddr(t, path, "surf_target", false)
			want := readelfOffset(t, path, addr)
			if fn.Addr != addr || fn.Offset != want {
				t.Errorf("surf_target at %#x offset %#x; nm/readelf say %#x offset %#x", fn.Addr, fn.Offset, addr, want)
			}
			if tc.typ == elf.ET_EXEC && fn.Offset == fn.Addr {
				t.Errorf("non-PIE offset equals the address %#x: not mapped through PT_LOAD", fn.Addr)
			}
			t.Logf("%s: surf_target vaddr %#x size %d offset %#x", tc.name, fn.Addr, fn.Size, fn.Offset)

			code, err := o.Code(fn)
			if err != nil {
				t.Fatal(err)
			}
			if len(code) != int(fn.Size) || code[len(code)-1] != 0xc3 {
				t.Errorf("code % x: want %d bytes ending in ret", code, fn.Size)
			}
			if at, err := fn.At(fn.Size - 1); err != nil || at != fn.Offset+fn.Size-1 {
				t.Errorf("At(size-1) = %#x, %v", at, err)
			}
			if _, _, err := o.FuncAt("surf_target", fn.Size); !errors.Is(err, ErrOutOfRange) {
				t.Errorf("FuncAt past the end: %v, want ErrOutOfRange", err)
			}
			if got, off, ok := o.Containing(fn.Addr + 2); !ok || got.Name != "surf_target" || off != 2 {
				t.Errorf("Containing(+2) = %s+%d, %v", got.Name, off, ok)
			}
			_, err = o.Func("surf_targte")
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "did you mean surf_target") {
				t.Errorf("misspelt name: %v", err)
			}
			if _, err := o.Func("surf"); !errors.Is(err, ErrNotFound) {
				t.Errorf("prefix of a name matched: %v", err)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	path := buildFixture(t, dir, "tuprobe")
	t.Chdir(dir)
	bash, err := filepath.Abs(mustLookPath(t, "bash"))
	if err != nil {
		t.Fatal(err)
	}
	libc := "/lib/x86_64-linux-gnu/libc.so.6"
	if _, err := os.Stat(libc); err != nil {
		libc = "" // not a Debian x86_64 host: only check it resolves
	}
	for _, tc := range []struct {
		spec, want string
		err        error
	}{
		{path, path, nil},
		{"./tuprobe", path, nil},
		{"tuprobe", path, nil},
		{"../" + filepath.Base(dir) + "/tuprobe", path, nil},
		{"bash", bash, nil},
		{"libc", libc, nil},
		{"libc.so.6", libc, nil},
		{"./nonexistent", "", ErrNotFound},
		{"no-such-program-or-library", "", ErrNotFound},
		{"", "", ErrNotFound},
	} {
		got, err := Resolve(tc.spec)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("Resolve(%q) = %q, %v; want %v", tc.spec, got, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%q): %v", tc.spec, err)
			continue
		}
		if (tc.want != "" && got != tc.want) || !filepath.IsAbs(got) {
			t.Errorf("Resolve(%q) = %q, want %q", tc.spec, got, tc.want)
		}
	}
}

func mustLookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := execLookPath(name)
	if err != nil {
		t.Skipf("%s not on $PATH", name)
	}
	return p
}

func TestLibc(t *testing.T) {
	o, err := Open("libc")
	if err != nil {
		t.Skipf("no libc in the linker cache: %v", err)
	}
	defer o.Close()
	if o.Symtab != ".dynsym" {
		t.Logf("libc has %s (not Debian's stripped one)", o.Symtab)
	}
	fn, err := o.Func("getpid")
	if err != nil {
		t.Fatal(err)
	}
	addr := nmAddr(t, o.Path, "getpid", true)
	if want := readelfOffset(t, o.Path, addr); fn.Addr != addr || fn.Offset != want {
		t.Errorf("getpid at %#x offset %#x; nm/readelf say %#x offset %#x", fn.Addr, fn.Offset, addr, want)
	}
	t.Logf("%s: getpid@%s vaddr %#x size %d offset %#x", o.Path, fn.Version, fn.Addr, fn.Size, fn.Offset)
	if v, err := o.Func("getpid@@" + fn.Version); err != nil || v.Addr != fn.Addr {
		t.Errorf("versioned name: %+v, %v", v, err)
	}

	_, err = o.Func("strlen")
	if !errors.Is(err, ErrIFUNC) || !strings.Contains(err.Error(), "resolver") {
		t.Errorf("strlen: %v, want ErrIFUNC", err)
	}
	t.Logf("strlen: %v", err)

	// realpath has an old version (GLIBC_2.2.5) and the default (GLIBC_2.3).
	rp, err := o.Func("realpath")
	if err != nil {
		t.Fatal(err)
	}
	if want := nmAddr(t, o.Path, "realpath", true); rp.Addr != want {
		t.Errorf("realpath at %#x (version %s), want the default version's %#x", rp.Addr, rp.Version, want)
	}

	_, err = o.Func("getpdi")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "getpid") {
		t.Errorf("getpdi: %v", err)
	}
	t.Logf("getpdi: %v", err)
}

func TestClosest(t *testing.T) {
	names := []string{"getpid", "getppid", "getpgid", "setpgid", "gettid", "fork", "read", "readv"}
	for _, tc := range []struct {
		name string
		want string
	}{
		{"getpdi", "getpid,getpgid,getppid"},
		{"raed", "read,readv"},
		{"xyzzy_quux", ""},
	} {
		if got := strings.Join(suggest.Typos(tc.name, names, 3), ","); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if d := suggest.Distance("kitten", "sitting"); d != 3 {
		t.Errorf("levenshtein = %d", d)
	}
}
