// Package uprobetest registers a real uprobe for a test, in a group and a
// tracefs instance of its own, and removes both when the test ends, also when
// it fails. Tests use it to prove that a file offset computed by uobj or an
// instruction offset offered by disasm is where the kernel places the probe
// (Documentation/trace/uprobetracer.rst).
package uprobetest

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// Probe is one registered, enabled uprobe.
type Probe struct {
	Group, Event string
	fs           *ftrace.FS
	instance     string // relative to the tracefs root
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
	fs := ftrace.Find()
	if fs == nil || !fs.HasUprobes() {
		t.Skip("no uprobe_events (tracefs not mounted or kernel without CONFIG_UPROBE_EVENTS)")
	}
	group := fmt.Sprintf("surftrace_%s_%d_%d", name, os.Getpid(), seq.Add(1))
	p := &Probe{Group: group, Event: "p0", fs: fs, instance: "instances/" + group}
	// The writer undoes each step, newest first, when the test ends: the
	// event is disabled, the instance removed, then the probe.
	w := ftrace.NewWriter(fs, nil)
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("remove uprobe %s/p0: %v", group, err)
		}
	})
	def := strings.TrimSpace(fmt.Sprintf("p:%s/p0 %s:%#x %s", group, path, off, args))
	if err := w.Append(fs.Path("uprobe_events"), def, "-:"+group+"/p0"); err != nil {
		t.Fatalf("write %q to uprobe_events: %v (error_log: %s)", def, err, fs.ErrorLogTail(3))
	}
	if err := w.Mkdir(fs.Path(p.instance)); err != nil {
		t.Fatalf("create instance: %v", err)
	}
	enable := fs.Path(p.instance, "events", group, "p0", "enable")
	if err := w.Write(enable, "1", "0"); err != nil {
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
		b, err := p.fs.Read(p.instance + "/trace")
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
