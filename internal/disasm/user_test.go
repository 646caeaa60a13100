package disasm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/uobj"
	"github.com/surftrace/surftrace/internal/uobj/uprobetest"
)

// objdumpOffsets lists the instruction offsets `objdump -d --disassemble=FN`
// prints for a function (it stops at the symbol's size), and its mnemonics.
func objdumpOffsets(t *testing.T, path, fn string) ([]int, []string) {
	t.Helper()
	out, err := exec.Command("objdump", "-d", "--no-show-raw-insn", "--disassemble="+fn, path).Output()
	if err != nil {
		t.Skipf("objdump: %v", err)
	}
	var start uint64
	var offs []int
	var mns []string
	header := regexp.MustCompile(`^([0-9a-f]+) <` + regexp.QuoteMeta(fn) + `>:$`)
	in := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := header.FindStringSubmatch(line); m != nil {
			start, _ = strconv.ParseUint(m[1], 16, 64)
			in = true
			continue
		}
		if !in {
			continue
		}
		if strings.TrimSpace(line) == "" {
			break
		}
		addr, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		a, err := strconv.ParseUint(addr, 16, 64)
		if err != nil {
			continue
		}
		offs = append(offs, int(a-start))
		mns = append(mns, strings.Fields(rest)[0])
	}
	return offs, mns
}

func TestUserFuncMatchesObjdump(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"pie", nil},
		{"nopie", []string{"-no-pie", "-fno-PIE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := buildFixture(t, t.TempDir(), tc.flags...)
			o, err := uobj.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			for _, fn := range []string{"surf_mix", "surf_twice", "surf_apply", "main"} {
				l, err := UserFunc(o, fn)
				if err != nil {
					t.Fatal(err)
				}
				want, mns := objdumpOffsets(t, path, fn)
				var got []int
				for i, in := range l.Insts {
					got = append(got, in.Off)
					if i < len(mns) && strings.Fields(in.Text)[0] != mns[i] {
						t.Errorf("%s+%d: mnemonic %q, objdump says %q", fn, in.Off, in.Text, mns[i])
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s offsets\n got %v\nwant %v (objdump)", fn, got, want)
				}
				if len(l.Lines) == 0 {
					t.Errorf("%s: no source lines from DWARF", fn)
				}
				t.Logf("%s: %d instructions, offsets agree with objdump", fn, len(got))
			}
		})
	}
}

func TestShowFuncUser(t *testing.T) {
	dir := t.TempDir()
	buildFixture(t, dir)
	t.Chdir(dir)
	var out bytes.Buffer
	if err := ShowFunc(&out, "./fixture:surf_apply", Options{Format: FormatOptions{Bytes: true}}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"Dump of surf_apply in " + filepath.Join(dir, "fixture"),
		"file offset 0x",
		"fixture.c:22\t\treturn f(v) + 1;",
		"call   *%rax\t# indirect call, function pointer in %ax",
		"End of dump.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	out.Reset()
	if err := ShowFunc(&out, "./fixture:main", Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "<printf@plt>") {
		t.Errorf("PLT call not named:\n%s", out.String())
	}
	if err := ShowFunc(&out, "./fixture:surf_mx", Options{}); !errors.Is(err, uobj.ErrNotFound) || !strings.Contains(err.Error(), "surf_mix") {
		t.Errorf("misspelt function: %v", err)
	}
	if err := ShowFunc(&out, "libc:strlen", Options{}); !errors.Is(err, uobj.ErrIFUNC) {
		t.Errorf("libc:strlen: %v, want ErrIFUNC", err)
	}
}

func TestShowLineUser(t *testing.T) {
	dir := t.TempDir()
	path := buildFixture(t, dir)
	t.Chdir(dir)
	var out bytes.Buffer
	if err := ShowLine(&out, "./fixture:fixture.c:"+strconv.Itoa(lineMix), Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "<surf_mix+") || !strings.Contains(out.String(), "long y = x + b;") {
		t.Errorf("output:\n%s", out.String())
	}
	t.Logf("\n%s", out.String())

	// -v names the object when -l has none.
	out.Reset()
	if err := ShowLine(&out, "fixture.c:"+strconv.Itoa(lineMix), Options{Kernel: KernelOptions{Vmlinux: path}}); err != nil {
		t.Errorf("-v fixture -l fixture.c:N: %v", err)
	}

	for _, tc := range []struct {
		spec string
		err  error
		msg  string
	}{
		{"./fixture:fixture.c:1", ErrNotFound, "nearest lines with code"},
		{"./fixture:nosuch.c:3", ErrNotFound, "no code in this object"},
		{"fixture.c:10", ErrNoDebugInfo, "-l needs debug info"},
	} {
		if err := ShowLine(&out, tc.spec, Options{}); !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("-l %s: %v, want %v saying %q", tc.spec, err, tc.err, tc.msg)
		}
	}

	stripped := filepath.Join(dir, "stripped")
	if b, err := exec.Command("objcopy", "--strip-debug", path, stripped).CombinedOutput(); err != nil {
		t.Skipf("objcopy: %v %s", err, b)
	}
	err := ShowLine(&out, stripped+":fixture.c:10", Options{})
	if !errors.Is(err, ErrNoDebugInfo) || !strings.Contains(err.Error(), "-l needs debug info") {
		t.Errorf("-l on a binary without DWARF: %v", err)
	}
}

// attRegs reads the two register operands of "add %rA,%rB" style text, in
// kprobe spelling.
func attRegs(text string) (src, dst string, ok bool) {
	m := regexp.MustCompile(`^add\s+%(\w+),%(\w+)$`).FindStringSubmatch(text)
	if m == nil {
		return "", "", false
	}
	conv := func(r string) string {
		if len(r) == 3 && r[0] == 'r' && (r[1] < '0' || r[1] > '9') {
			return "%" + r[1:] // rdx → dx
		}
		return "%" + strings.TrimRight(r, "d") // r8d → r8
	}
	return conv(m[1]), conv(m[2]), true
}

// TestLineOffsetsProbe checks on this host that the offsets
// -l gives for `long y = x + b;` are real probe points. At the line's first
// instruction (add %rX,%rY) %X holds x = 3a and %Y holds b; right after it,
// %Y holds y = 3a+b.
func TestLineOffsetsProbe(t *testing.T) {
	dir := t.TempDir()
	path := buildFixture(t, dir)
	o, err := uobj.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ll, err := UserLine(o, "fixture.c", lineMix)
	if err != nil {
		t.Fatal(err)
	}
	if len(ll.Ranges) == 0 || len(ll.Ranges[0].Insts) == 0 || ll.Ranges[0].Func != "surf_mix" {
		t.Fatalf("line %d: %+v", lineMix, ll)
	}
	r := ll.Ranges[0]
	first := r.Insts[0]
	src, dst, ok := attRegs(first.Text)
	if !ok {
		t.Fatalf("line %d starts with %q; the test expects add %%reg,%%reg (compiler changed?)", lineMix, first.Text)
	}
	off := first.Addr - r.FuncAddr
	full, err := UserFunc(o, "surf_mix")
	if err != nil {
		t.Fatal(err)
	}
	next := -1
	for i, in := range full.Insts {
		if uint64(in.Off) == off && i+1 < len(full.Insts) {
			next = full.Insts[i+1].Off
		}
	}
	if off == 0 || next < 0 {
		t.Fatalf("-l offset +%d is not an inner instruction of -F's listing", off)
	}
	const a, b = 11, 1000
	at := uprobetest.Register(t, "disasmtest", path, r.FuncFile+off, fmt.Sprintf("x=%s:s64 b=%s:s64", src, dst))
	after := uprobetest.Register(t, "disasmtest", path, r.FuncFile+uint64(next), fmt.Sprintf("y=%s:s64", dst))
	if out, err := exec.Command(path, strconv.Itoa(a), strconv.Itoa(b)).CombinedOutput(); err != nil {
		t.Fatalf("run fixture: %v\n%s", err, out)
	}
	for _, c := range []struct {
		p    *uprobetest.Probe
		want string
	}{
		{at, fmt.Sprintf(" x=%d b=%d", 3*a, b)},
		{after, fmt.Sprintf(" y=%d", 3*a+b)},
	} {
		lines := c.p.Lines(t, 1)
		if len(lines) != 1 || !strings.HasSuffix(lines[0], c.want) {
			t.Errorf("events %q, want one ending in %q", lines, c.want)
		}
	}
	t.Logf("P %s:surf_mix+%d (%s) x=%s b=%s and +%d y=%s fired with the expected values", path, off, first.Text, src, dst, next, dst)
}
