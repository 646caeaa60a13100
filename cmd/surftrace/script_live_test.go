package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// TestLiveScript: the script -o writes traces the fixture when run with sh,
// prints the kernel's raw lines, and removes everything on SIGINT; surftrace
// render turns those lines into what the live run that wrote the script
// printed.
func TestLiveScript(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	script := filepath.Join(t.TempDir(), "trace.sh")
	const rounds = 2
	exprs := fixtureExprs(fx)

	live := start(t, bin, append([]string{"-o", script, "-c", fmt.Sprint(4 * rounds), "-t", "30s"}, exprs...)...)
	live.waitSetUp()
	pid := runFixture(t, fx, rounds, 0)
	live.waitOK()
	want := bodies(t, live.Stdout(), pid)
	if len(want) != 4*rounds {
		t.Fatalf("live run printed %d events, want %d\n%s", len(want), 4*rounds, live.dump())
	}
	live.assertClean()

	sh := startCmd(t, exec.Command("sh", script))
	sh.waitFor(setUpTimeout, "the script's “tracing in” line", func() bool {
		for _, l := range sh.Stderr() {
			if strings.HasPrefix(l, "surftrace: tracing in ") {
				return true
			}
		}
		return false
	})
	pid = runFixture(t, fx, rounds, 0)
	raw := sh.waitCount(4 * rounds)
	sh.signal(syscall.SIGINT)
	if err := sh.wait(); exitStatus(err) < 0 {
		t.Fatalf("the script did not exit on SIGINT: %v\n%s", err, sh.dump())
	}
	sh.assertClean()
	if len(raw) != 4*rounds {
		t.Fatalf("the script printed %d lines, want %d\n%s", len(raw), 4*rounds, sh.dump())
	}
	// The raw lines hold the kernel's numbers: 10.1.2.3 as the u32 that lies
	// in memory, port 9988 byte-swapped.
	ipRaw := fmt.Sprintf("ip_src=%d ", binary.NativeEndian.Uint32([]byte{10, 1, 2, 3}))
	portRaw := fmt.Sprintf("b16_port=%d ", binary.NativeEndian.Uint16([]byte{0x27, 0x04}))
	if !strings.Contains(raw[2], ipRaw) || !strings.Contains(raw[2], portRaw) {
		t.Errorf("raw line %q lacks %q and %q", raw[2], ipRaw, portRaw)
	}

	rawFile := filepath.Join(t.TempDir(), "raw.trace")
	if err := os.WriteFile(rawFile, []byte(strings.Join(raw, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runTimeout(exec.Command(bin, "render", rawFile), eventTimeout)
	if err != nil {
		t.Fatalf("render: %v\n%s", err, out)
	}
	rendered := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if got := bodies(t, rendered, pid); !reflect.DeepEqual(got, want) {
		t.Errorf("render of the script's output:\n  %s\nthe live run:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
