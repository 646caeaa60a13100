// Package uprobetest registers a real uprobe for a test, in a group and a
// tracefs instance of its own, and removes both when the test ends, also when
// it fails. Tests use it to prove that a file offset computed by uobj or an
// instruction offset offered by disasm is where the kernel places the probe
// (Documentation/trace/uprobetracer.rst).
package uprobetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const tracefs = "/sys/kernel/tracing"

// Probe is one registered, enabled uprobe.
type Probe struct {
	Group, Event string
	instance     string
}

var seq atomic.Int32

// Register writes `p:GROUP/p0 PATH:0xOFF ARGS` to uprobe_events, with GROUP
// surftrace_<name>_<pid>_<n>, enables it in an instance of the same name,
// and arranges removal with t.Cleanup. It skips the test when not root or
// when the kernel has no uprobe_events.
func Register(t *testing.T, name, path string, off uint64, args string) *Probe {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("uprobe test needs root")
	}
	events := filepath.Join(tracefs, "uprobe_events")
	if _, err := os.Stat(events); err != nil {
		t.Skipf("no %s (tracefs not mounted or kernel without CONFIG_UPROBE_EVENTS): %v", events, err)
	}
	group := fmt.Sprintf("surftrace_%s_%d_%d", name, os.Getpid(), seq.Add(1))
	p := &Probe{Group: group, Event: "p0", instance: filepath.Join(tracefs, "instances", group)}
	def := strings.TrimSpace(fmt.Sprintf("p:%s/p0 %s:%#x %s", group, path, off, args))
	if err := appendTo(events, def); err != nil {
		t.Fatalf("write %q to uprobe_events: %v (error_log: %s)", def, err, errorLog())
	}
	t.Cleanup(func() {
		if err := appendTo(events, "-:"+group+"/p0"); err != nil {
			t.Errorf("remove uprobe %s/p0: %v", group, err)
		}
	})
	if err := os.Mkdir(p.instance, 0o755); err != nil {
		t.Fatalf("create instance: %v", err)
	}
	enable := filepath.Join(p.instance, "events", group, "p0", "enable")
	t.Cleanup(func() {
		os.WriteFile(enable, []byte("0"), 0)
		if err := os.Remove(p.instance); err != nil {
			t.Errorf("remove instance %s: %v", p.instance, err)
		}
	})
	if err := os.WriteFile(enable, []byte("1"), 0); err != nil {
		t.Fatalf("enable %s: %v", enable, err)
	}
	t.Logf("registered %s", def)
	return p
}

// Lines returns the instance's trace lines of this probe (comment lines
// dropped). Events reach the buffer synchronously with the probed
// instruction, so the caller reads after the traced process has exited;
// the short retry only covers a reader racing a slow CPU.
func (p *Probe) Lines(t *testing.T, want int) []string {
	t.Helper()
	var lines []string
	for try := 0; try < 20; try++ {
		b, err := os.ReadFile(filepath.Join(p.instance, "trace"))
		if err != nil {
			t.Fatalf("read trace: %v", err)
		}
		lines = lines[:0]
		for _, l := range strings.Split(string(b), "\n") {
			if l != "" && !strings.HasPrefix(l, "#") && strings.Contains(l, " p0: ") {
				lines = append(lines, l)
			}
		}
		if len(lines) >= want {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return lines
}

func appendTo(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func errorLog() string {
	b, _ := os.ReadFile(filepath.Join(tracefs, "error_log"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, " | ")
}
