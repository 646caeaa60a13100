package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a FIFO nobody writes to.
func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStopBeforeSetUp: a stop signal ends a run that has touched nothing
// yet at once, even while it hangs in open(2) on a FIFO given as the
// expressions file, with the shell's status for a signal (128+N).
func TestStopBeforeSetUp(t *testing.T) {
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("build surftrace: %v", err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "-S", "-f", mkfifo(t))
			p := startCmd(t, cmd)
			// Wait until it sits in open(2) on the FIFO.
			p.waitFor(setUpTimeout, "surftrace blocked opening the FIFO", func() bool {
				w := wchan(cmd.Process.Pid)
				return strings.Contains(w, "fifo_open") || strings.Contains(w, "wait_for_partner")
			})
			p.signal(sig)
			if err := p.wait(); exitStatus(err) != 128+int(sig) {
				t.Errorf("exit %v, want status %d\n%s", err, 128+int(sig), p.dump())
			}
		})
	}
}

// wchan is where pid's threads sleep in the kernel, joined.
func wchan(pid int) string {
	var out []string
	chans, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
	for _, c := range chans {
		if b, err := os.ReadFile(c); err == nil {
			out = append(out, string(b))
		}
	}
	return strings.Join(out, " ")
}

// TestFIFOObjectRefused: `P FIFO:func` is refused at once with the reason,
// rather than waiting in open(2) for a writer that never comes.
func TestFIFOObjectRefused(t *testing.T) {
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("build surftrace: %v", err)
	}
	fifo := mkfifo(t)
	out, err := runTimeout(exec.Command(bin, "-S", "P "+fifo+":func"), 20*time.Second)
	if exitStatus(err) != 1 {
		t.Fatalf("exit %v, want 1\n%s", err, out)
	}
	if want := "it is a FIFO, not a regular file"; !strings.Contains(string(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}
