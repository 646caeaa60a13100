package uobj

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/uobj/uprobetest"
)

// TestUprobeAtOffset registers a real uprobe at the offset Func computes and
// checks it fires with the function's argument: the kernel agrees on where
// surf_target starts, for a PIE and a non-PIE executable.
func TestUprobeAtOffset(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"pie", []string{"-pie", "-fPIE"}},
		{"nopie", []string{"-no-pie", "-fno-PIE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := buildFixture(t, dir, tc.name, tc.flags...)
			o, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			fn, err := o.Func("surf_target")
			o.Close()
			if err != nil {
				t.Fatal(err)
			}
			p := uprobetest.Register(t, "uobjtest", path, fn.Offset, "v=%di:s32")
			if out, err := exec.Command(path, "3").CombinedOutput(); err != nil {
				t.Fatalf("run fixture: %v\n%s", err, out)
			}
			lines := p.Lines(t, 3)
			if len(lines) != 3 {
				t.Fatalf("%d events, want 3:\n%s", len(lines), strings.Join(lines, "\n"))
			}
			for i, l := range lines {
				if want := fmt.Sprintf(" v=%d", 42+i); !strings.HasSuffix(l, want) {
					t.Errorf("event %d: %q, want it to end in %q", i, l, want)
				}
			}
			t.Logf("%s", lines[0])
		})
	}
}
