package main

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestLivePidNamespace: a run inside its own pid namespace (unshare -p -f
// --mount-proc) cannot see the pid of a live run outside, whose instance
// it finds. Its stale clean-up must remove a killed run's leftovers but
// leave the live run whole: every event of calls made before, during and
// after the inner run reaches the live run.
func TestLivePidNamespace(t *testing.T) {
	bin := requireLive(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		skipLive(t, "needs unshare (util-linux) for a pid namespace")
	}
	fx := fixture(t, "fixture")
	outer := start(t, bin, "-t", "60s", "P "+fx+":func v=%0")
	outer.waitSetUp()
	outerPid := outer.cmd.Process.Pid

	dead := start(t, bin, "-t", "30s", "P "+fx+":func v=%0")
	dead.waitSetUp()
	dead.signal(syscall.SIGKILL)
	dead.wait()
	deadPid := dead.cmd.Process.Pid

	runFixture(t, fx, 2, 0)
	inner := startCmd(t, exec.Command("unshare", "-p", "-f", "--mount-proc", bin, "-t", "2s", "P "+fx+":func v=%0"))
	inner.waitSetUp()
	runFixture(t, fx, 2, 0)
	inner.waitOK()
	runFixture(t, fx, 2, 0)

	log := strings.Join(inner.Stderr(), "\n")
	if want := fmt.Sprintf("# removing surftrace_%d: its instance was not in use", deadPid); !strings.Contains(log, want) {
		t.Errorf("the inner run did not clean the killed run's leftovers: no %q\n%s", want, inner.dump())
	}
	if strings.Contains(log, fmt.Sprintf("surftrace_%d/", outerPid)) || strings.Contains(log, fmt.Sprintf("surftrace_%d\n", outerPid)) {
		t.Errorf("the inner run touched the live run surftrace_%d\n%s", outerPid, inner.dump())
	}
	left := leftovers(outerPid)
	for _, want := range []string{fmt.Sprintf("uprobe_events: surftrace_%d/p0", outerPid), fmt.Sprintf("instances/surftrace_%d", outerPid)} {
		if !slices.Contains(left, want) {
			t.Errorf("the live run lost %s (has %v)", want, left)
		}
	}
	lines := outer.waitCount(6)
	outer.signal(syscall.SIGINT)
	outer.waitOK()
	if n := len(outer.Stdout()); n != 6 {
		t.Errorf("the live run printed %d events, want 6: %q", n, lines)
	}
	outer.assertClean()
	inner.assertClean()
	dead.assertClean()
}
