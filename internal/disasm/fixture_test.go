package disasm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureSrc's line numbers are used by the tests: keep lineMix where it is.
const fixtureSrc = `#include <stdio.h>
#include <stdlib.h>

typedef int (*op_t)(int);

__attribute__((noinline)) long surf_mix(long a, long b)
{
	long x = a * 3;
	asm volatile("" : "+r"(x));
	long y = x + b;
	asm volatile("" : "+r"(y));
	return y ^ a;
}

__attribute__((noinline)) int surf_twice(int v)
{
	return v * 2;
}

__attribute__((noinline)) int surf_apply(op_t f, int v)
{
	return f(v) + 1;
}

int main(int argc, char **argv)
{
	long a = argc > 1 ? atol(argv[1]) : 5;
	long b = argc > 2 ? atol(argv[2]) : 7;
	printf("%ld %d\n", surf_mix(a, b), surf_apply(surf_twice, (int)a));
	return 0;
}
`

// lineMix is the line `long y = x + b;` of fixtureSrc.
const lineMix = 10

// buildFixture compiles fixtureSrc with `gcc -g -O2` and extra flags.
func buildFixture(t *testing.T, dir string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed (scripts/deps.sh installs it)")
	}
	if got := strings.Split(fixtureSrc, "\n")[lineMix-1]; !strings.Contains(got, "y = x + b") {
		t.Fatalf("lineMix is %q", got)
	}
	src := filepath.Join(dir, "fixture.c")
	if err := os.WriteFile(src, []byte(fixtureSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "fixture")
	args := append([]string{"-g", "-O2", "-o", out, src}, flags...)
	if b, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %v: %v\n%s", args, err, b)
	}
	return out
}
