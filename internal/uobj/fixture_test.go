package uobj

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fixtureSrc has one function worth probing; its argument is recognisable
// in a trace (v=42, 43, …).
const fixtureSrc = `#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int surf_target(int v)
{
	asm volatile("" ::: "memory");
	return v * 3 + 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, s = 0;
	for (int i = 0; i < n; i++)
		s += surf_target(i + 42);
	printf("%d\n", s);
	return 0;
}
`

// buildFixture compiles fixtureSrc with gcc and extra flags into dir.
func buildFixture(t *testing.T, dir, name string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed (scripts/deps.sh installs it)")
	}
	src := filepath.Join(dir, "fixture.c")
	if err := os.WriteFile(src, []byte(fixtureSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	args := append([]string{"-g", "-O1", "-o", out, src}, flags...)
	if b, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %v: %v\n%s", args, err, b)
	}
	return out
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	b, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Skipf("%s %v: %v", name, args, err)
	}
	return string(b)
}

// nmAddr is the address nm gives a symbol (first match).
func nmAddr(t *testing.T, path, sym string, dynamic bool) uint64 {
	t.Helper()
	args := []string{path}
	if dynamic {
		args = []string{"-D", path}
	}
	sc := bufio.NewScanner(strings.NewReader(run(t, "nm", args...)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && (f[2] == sym || strings.HasPrefix(f[2], sym+"@@")) {
			v, err := strconv.ParseUint(f[0], 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("nm: no %s in %s", sym, path)
	return 0
}

// readelfOffset maps vaddr through the LOAD lines of `readelf -lW`.
func readelfOffset(t *testing.T, path string, vaddr uint64) uint64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(run(t, "readelf", "-lW", path)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[0] != "LOAD" {
			continue
		}
		var v [4]uint64
		for i := range v {
			n, err := strconv.ParseUint(strings.TrimPrefix(f[i+1], "0x"), 16, 64)
			if err != nil {
				t.Fatalf("readelf field %q: %v", f[i+1], err)
			}
			v[i] = n
		}
		off, va, filesz := v[0], v[1], v[3]
		if vaddr >= va && vaddr < va+filesz {
			return off + vaddr - va
		}
	}
	t.Fatalf("readelf: %#x not in a LOAD segment of %s", vaddr, path)
	return 0
}

func has(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

var execLookPath = exec.LookPath
