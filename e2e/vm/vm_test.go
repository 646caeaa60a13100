package vm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseLdd(t *testing.T) {
	out := []byte(`	linux-vdso.so.1 (0x00007ffd)
	libbsd.so.0 => /lib/x86_64-linux-gnu/libbsd.so.0 (0x00007fb2)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fb2)
	/lib64/ld-linux-x86-64.so.2 (0x00007fb2)
`)
	want := []string{"/lib/x86_64-linux-gnu/libbsd.so.0", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"}
	if got := parseLdd(out); !reflect.DeepEqual(got, want) {
		t.Errorf("parseLdd = %q, want %q", got, want)
	}
}

// cpioEntry is one entry read back from a newc archive.
type cpioEntry struct {
	name       string
	mode       uint32
	rmaj, rmin uint32
	data       string
}

// readCpio is a minimal newc reader, enough to check the writer.
func readCpio(t *testing.T, b []byte) []cpioEntry {
	t.Helper()
	var out []cpioEntry
	pad := func(n int) int { return (n + 3) &^ 3 }
	for off := 0; ; {
		h := string(b[off : off+110])
		if h[:6] != "070701" {
			t.Fatalf("bad magic at %d: %q", off, h[:6])
		}
		field := func(i int) uint32 {
			v, err := strconv.ParseUint(h[6+8*i:14+8*i], 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			return uint32(v)
		}
		size, nameSize := int(field(6)), int(field(11))
		name := string(b[off+110 : off+110+nameSize-1])
		off = pad(off + 110 + nameSize)
		if name == "TRAILER!!!" {
			if off != len(b) {
				t.Errorf("%d bytes after the trailer", len(b)-off)
			}
			return out
		}
		out = append(out, cpioEntry{name, field(1), field(9), field(10), string(b[off : off+size])})
		off = pad(off + size)
	}
}

func TestCpioWriter(t *testing.T) {
	var buf bytes.Buffer
	c := newCpioWriter(&buf)
	c.File("/usr/bin/x", []byte("abcde"), 0o755)
	c.Symlink("/bin/sh", "busybox")
	c.CharDev("/dev/console", 5, 1)
	c.Dir("/usr")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	got := readCpio(t, buf.Bytes())
	want := []cpioEntry{
		{"usr", modeDir | 0o755, 0, 0, ""},
		{"usr/bin", modeDir | 0o755, 0, 0, ""},
		{"usr/bin/x", modeRegular | 0o755, 0, 0, "abcde"},
		{"bin", modeDir | 0o755, 0, 0, ""},
		{"bin/sh", modeSymlink | 0o777, 0, 0, "busybox"},
		{"dev", modeDir | 0o755, 0, 0, ""},
		{"dev/console", modeCharDev | 0o600, 5, 1, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("archive:\n got %v\nwant %v", got, want)
	}
	// The system's cpio reads it too, when it is installed.
	if _, err := exec.LookPath("cpio"); err == nil {
		cmd := exec.Command("cpio", "-it", "--quiet")
		cmd.Stdin = bytes.NewReader(buf.Bytes())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("cpio -it: %v", err)
		}
		if n := strings.Count(string(out), "\n"); n != len(want) {
			t.Errorf("cpio -it lists %d entries:\n%s", n, out)
		}
	}
}

func TestCpioWriterError(t *testing.T) {
	c := newCpioWriter(failWriter{})
	c.File("/a", make([]byte, 2<<20), 0o644)
	if err := c.Close(); err == nil {
		t.Error("Close after a failed write: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func note(name string, typ uint32, desc []byte) []byte {
	var b bytes.Buffer
	n := append([]byte(name), 0)
	binary.Write(&b, binary.LittleEndian, [3]uint32{uint32(len(n)), uint32(len(desc)), typ})
	b.Write(n)
	b.Write(make([]byte, (4-len(n)%4)%4))
	b.Write(desc)
	b.Write(make([]byte, (4-len(desc)%4)%4))
	return b.Bytes()
}

func TestNoteHas(t *testing.T) {
	notes := append(note("GNU", 3, []byte("build-id-bytes")), note("Xen", xenPhys32Entry, []byte{1, 2, 3, 4, 5, 6, 7, 8})...)
	tests := []struct {
		name  string
		notes []byte
		owner string
		typ   uint32
		want  bool
	}{
		{"pvh", notes, "Xen", xenPhys32Entry, true},
		{"gnu", notes, "GNU", 3, true},
		{"other type", notes, "Xen", 5, false},
		{"truncated", notes[:len(notes)-4], "Xen", xenPhys32Entry, false},
		{"empty", nil, "Xen", xenPhys32Entry, false},
	}
	for _, tt := range tests {
		if got := noteHas(tt.notes, tt.owner, tt.typ); got != tt.want {
			t.Errorf("%s: noteHas = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestExtractVmlinuxNoELF(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "vmlinuz")
	if err := os.WriteFile(img, []byte("not a kernel \xfd7zXZ\x00 garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ExtractVmlinux(img, filepath.Join(dir, "cache"))
	if !errors.Is(err, ErrNoELF) {
		t.Errorf("ExtractVmlinux of garbage: %v, want ErrNoELF", err)
	}
	path, pvh, err := BootImage(img, filepath.Join(dir, "cache"))
	if path != img || pvh || err == nil {
		t.Errorf("BootImage fallback = %q, %v, %v; want the image itself, false, an error", path, pvh, err)
	}
}

// TestExtractVmlinux unpacks each x86_64 kernel of the matrix (xz and
// zstd bzImages), fetching it when it is not in the cache yet.
func TestExtractVmlinux(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches the test kernels; skipped with -short")
	}
	m, err := Matrix()
	if err != nil {
		t.Fatal(err)
	}
	for _, mk := range m.Kernels {
		if mk.Arch != "amd64" {
			continue
		}
		t.Run(mk.Name, func(t *testing.T) {
			k, err := FindKernel(context.Background(), mk.Name, nil)
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal(err)
				}
				t.Skipf("no test kernel: %v", err)
			}
			extractOne(t, k)
		})
	}
}

func extractOne(t *testing.T, k Kernel) {
	for _, tool := range []string{"xz", "zstd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on this host", tool)
		}
	}
	// The boots' own cache: a kernel extracted once serves both.
	out, err := ExtractVmlinux(k.Image, bootCache(k, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if !hasPVH(out) {
		t.Errorf("%s has no PVH entry", out)
	}
}

func TestParseResults(t *testing.T) {
	out := strings.Join([]string{
		"noise before",
		"@@@BOOTED 2.51 6.1.0-56-amd64",
		"@@@WARN insmod: x.ko: File exists",
		"@@@BEGIN 01-a up=3.00",
		"line one",
		"",
		"# rc=0",
		"@@@END 01-a rc=0 up=4.50",
		"@@@STATE 01-a",
		"@@@ENDSTATE 01-a",
		"@@@BEGIN 02-b",
		"partial",
		"@@@END 02-b rc=124",
		"@@@STATE 02-b",
		"kprobe_events: p:surftrace_9/f0 ip_output",
		"instance: surftrace_9",
		"@@@ENDSTATE 02-b",
		"@@@BEGIN 03-c",
		"cut",
	}, "\n")
	r := ParseResults([]byte(out))
	if !r.Booted || r.BootUp != 2.51 || r.Release != "6.1.0-56-amd64" || r.Done {
		t.Errorf("boot fields: %+v", r)
	}
	if len(r.Warnings) != 1 || r.Warnings[0] != "insmod: x.ko: File exists" {
		t.Errorf("warnings %q", r.Warnings)
	}
	want := []*Scenario{
		{Name: "01-a", Output: []string{"line one", "", "# rc=0"}, RC: 0, Ended: true, Stated: true, Seconds: 1.5},
		{Name: "02-b", Output: []string{"partial"}, RC: 124, Ended: true, Stated: true,
			Leftovers: []string{"kprobe_events: p:surftrace_9/f0 ip_output", "instance: surftrace_9"}},
		{Name: "03-c", Output: []string{"cut"}, RC: -1},
	}
	if !reflect.DeepEqual(r.Scenarios, want) {
		for _, s := range r.Scenarios {
			t.Logf("%+v", *s)
		}
		t.Errorf("scenarios differ")
	}
	if r.Scenario("02-b") != r.Scenarios[1] || r.Scenario("nope") != nil {
		t.Error("Scenario lookup")
	}
	done := ParseResults([]byte("@@@DONE 9.5\n@@@DMESG\n[0.0] Linux\n@@@ENDDMESG\n"))
	if !done.Done || done.DoneUp != 9.5 || !reflect.DeepEqual(done.Dmesg, []string{"[0.0] Linux"}) {
		t.Errorf("done/dmesg: %+v", done)
	}
}

func TestMachineArgs(t *testing.T) {
	args := strings.Join(Machine{Kernel: "K", Initrd: "I", ConsoleLog: "C", Append: "x=1"}.Args(), " ")
	for _, want := range []string{"-accel tcg", "-cpu max,la57=off", "-m 512", "-nodefaults", "-no-reboot",
		"-kernel K", "-initrd I", "console=ttyS0 quiet panic=-1 x=1", "-serial file:C", "-serial chardev:results"} {
		if !strings.Contains(args, want) {
			t.Errorf("qemu args lack %q: %s", want, args)
		}
	}
}

func TestLoadScripts(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"02-b", "01-a", "03-c"} {
		if err := os.WriteFile(filepath.Join(dir, n+".sh"), []byte("echo "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names := func(s []Script) (out []string) {
		for _, x := range s {
			out = append(out, x.Name)
		}
		return out
	}
	tests := []struct {
		only    []string
		want    []string
		missing bool
	}{
		{nil, []string{"01-a", "02-b", "03-c"}, false},
		{[]string{"03-c", "01-a"}, []string{"01-a", "03-c"}, false},
		{[]string{"04-d"}, nil, true},
	}
	for _, tt := range tests {
		got, err := LoadScripts(dir, tt.only...)
		if IsMissing(err) != tt.missing {
			t.Errorf("LoadScripts(%q) error %v", tt.only, err)
		}
		if !reflect.DeepEqual(names(got), tt.want) {
			t.Errorf("LoadScripts(%q) = %q, want %q", tt.only, names(got), tt.want)
		}
	}
}

func TestFindKernelEnv(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "bzImage")
	if err := os.WriteFile(img, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SURFTRACE_KERNEL", img)
	k, err := FindKernel(context.Background(), "", nil)
	if err != nil || k.Image != img || len(k.Modules) != 0 || k.Name != "custom" {
		t.Errorf("FindKernel with SURFTRACE_KERNEL = %+v, %v", k, err)
	}
	if err := os.Mkdir(filepath.Join(dir, "modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "modules", "dummy.ko"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	k, err = FindKernel(context.Background(), "", nil)
	if err != nil || len(k.Modules) != 1 || filepath.Base(k.Modules[0]) != "dummy.ko" {
		t.Errorf("FindKernel with modules beside = %+v, %v", k, err)
	}
	t.Setenv("SURFTRACE_KERNEL", filepath.Join(dir, "none"))
	if _, err := FindKernel(context.Background(), "", nil); !IsMissing(err) {
		t.Errorf("FindKernel of a missing image: %v, want ErrMissing", err)
	}
}
