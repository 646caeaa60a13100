package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// signedSource calls f(-7, &v) with a signed bitfield and a long holding
// negative values; f returns -26.
const signedSource = `#include <unistd.h>
struct s { int x : 3; unsigned u : 5; long l; };
__attribute__((noinline)) int f(int a, struct s *p) { return a * 3 + (int)p->l; }
int main(void) { struct s v = { -2, 9, -5 }; return f(-7, &v) == -26 ? 0 : 1; }
`

// Values print with the signedness of their C type, live: an int -7 is
// a=-7 (not 4294967289), a signed 3-bit bitfield holding -2 is x=-2, and
// filters compare signed (x==-2 is the bits 6; r<0 on an int $retval).
func TestLiveSignedValues(t *testing.T) {
	bin := requireLive(t)
	dir := t.TempDir()
	src, prog := filepath.Join(dir, "signed.c"), filepath.Join(dir, "signed")
	if err := os.WriteFile(src, []byte(signedSource), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runTimeout(exec.Command("gcc", "-g", "-O0", "-o", prog, src), time.Minute); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		json bool
		want []string
	}{
		{false, []string{`p0: \(0x[0-9a-f]+\) a=-7 x=-2 u=9 l=-5$`, `r1: \(0x[0-9a-f]+ <- 0x[0-9a-f]+\) r=-26$`}},
		{true, []string{`"args":\{"a":-7,"x":-2,"u":9,"l":-5\}\}$`, `"args":\{"r":-26\}\}$`}},
	} {
		args := []string{"-c", "2", "-t", "30s", "P " + prog + ":f a=%0 x=%1->x u=%1->u l=%1->l f:x==-2", "R " + prog + ":f r=$retval f:r<0"}
		if tc.json {
			args = append([]string{"--json"}, args...)
		}
		p := start(t, bin, args...)
		p.waitSetUp()
		if out, err := runTimeout(exec.Command(prog), eventTimeout); err != nil {
			t.Fatalf("%s: %v\n%s", prog, err, out)
		}
		p.waitOK()
		lines := p.Stdout()
		if len(lines) != 2 {
			t.Fatalf("json=%v: %d events, want 2\n%s", tc.json, len(lines), p.dump())
		}
		for i, re := range tc.want {
			if !regexp.MustCompile(re).MatchString(lines[i]) {
				t.Errorf("json=%v: event %d\n%s\ndoes not match %s", tc.json, i, lines[i], re)
			}
		}
		if defs := strings.Join(p.Stderr(), "\n"); !strings.Contains(defs, "a=%di:s32") || !strings.Contains(defs, "r=$retval:s32") {
			t.Errorf("definitions not signed:\n%s", defs)
		}
		p.assertClean()
	}
}
