package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// assertTornDown checks the run logged removing its instance: the last
// teardown step.
func assertTornDown(t *testing.T, p *proc, pid int) {
	t.Helper()
	want := fmt.Sprintf("rmdir %s/instances/surftrace_%d", tracefsRoot, pid)
	// The log may still be on its way when a process in a pipeline ended.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if slices.Contains(p.Stderr(), want) {
			return
		}
	}
	t.Errorf("no %q in the log\n%s", want, p.dump())
}

// TestLiveSignals: SIGINT, SIGTERM, SIGHUP and SIGQUIT (Ctrl-\\) end a run
// that is streaming events with a clean teardown and exit status 0.
func TestLiveSignals(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			p := start(t, bin, "-t", "30s", "P "+fx+":func v=%0", "R "+fx+":func r=$retval")
			p.waitSetUp()
			pid := runFixture(t, fx, 1, 0)
			p.waitCount(2)
			p.signal(sig)
			p.waitOK()
			want := []string{"p0: v=40", "r1: r=42"}
			if got := bodies(t, p.Stdout(), pid); !reflect.DeepEqual(got, want) {
				t.Errorf("events %q, want %q", got, want)
			}
			assertTornDown(t, p, p.cmd.Process.Pid)
			p.assertClean()
		})
	}
}

// TestLiveClosedOutput runs surftrace … | head -1 in a real shell: head
// exits after the first event, and surftrace must notice the closed pipe,
// tear down and exit, both when more events follow (the write fails) and
// when none does (nothing is written: the closed pipe must be seen anyway).
func TestLiveClosedOutput(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	for _, tc := range []struct {
		name            string
		rounds, delayMS int
	}{
		{"more events follow", 20, 25},
		{"no further event", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("sh", "-c", `"$0" -t 30s "$1" "$2" | head -1`, bin, "P "+fx+":func v=%0", "R "+fx+":func r=$retval")
			p := startCmd(t, cmd)
			p.waitSetUp()
			runFixture(t, fx, tc.rounds, tc.delayMS)
			p.waitOK()
			if lines := p.Stdout(); len(lines) != 1 || parseEvent(t, lines[0]).args != "v=40" {
				t.Errorf("head -1 printed %q, want the first event", lines)
			}
			pids := p.pids()
			if len(pids) != 2 {
				t.Fatalf("no surftrace pid in the log\n%s", p.dump())
			}
			assertTornDown(t, p, pids[1])
			p.assertClean()
		})
	}
}

// TestLiveSetUpError: the kernel refuses the last of three expressions
// (both pass the compiler): the error points at it, and the two probes
// already set up are removed.
func TestLiveSetUpError(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	for _, tc := range []struct {
		name, first, last, caret, why string
	}{
		{"tracepoint filter", "v=%0", `e sched/sched_process_exec f:pid~"abc"`, "\n                                 ^~~~~~~~~\n", "Expecting numeric field"},
		{"user probe filter", "v=%0", "P " + fx + ":parse_pkt len=%1 f:len==abc", "", "Invalid value"},
		// The first filter is the same text, and good: the caret must go
		// under the one the kernel refused.
		{"filter text twice", `pid=$comm f:pid~"a*"`, `e sched/sched_process_exec f:pid~"a*"`, "\n                                 ^~~~~~~~\n", "Expecting numeric field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-t", "30s", "P "+fx+":func "+tc.first, "R "+fx+":func r=$retval", tc.last)
			p := startCmd(t, cmd)
			err := p.wait()
			pid := cmd.Process.Pid
			if exitStatus(err) <= 0 {
				t.Fatalf("exit %v, want a failure\n%s", err, p.dump())
			}
			if len(p.Stdout()) != 0 {
				t.Errorf("stdout not empty\n%s", p.dump())
			}
			log := strings.Join(p.Stderr(), "\n")
			for _, want := range []string{
				// the first two were set up, and removed again
				fmt.Sprintf("echo 'p:surftrace_%d/p0 %s:", pid, fx),
				fmt.Sprintf("echo 'r:surftrace_%d/r1 %s:", pid, fx),
				fmt.Sprintf("echo -:surftrace_%d/p0 >> %s/uprobe_events", pid, tracefsRoot),
				fmt.Sprintf("echo -:surftrace_%d/r1 >> %s/uprobe_events", pid, tracefsRoot),
				"surftrace: the kernel refused it: ",
				tc.why,
				"\n    " + tc.last + "\n",
				"\n    " + tc.last + tc.caret,
			} {
				if !strings.Contains(log, want) {
					t.Errorf("stderr lacks %q\n%s", want, p.dump())
				}
			}
			if !strings.Contains(log, "echo 0 > "+tracefsRoot+"/instances/surftrace_") || strings.Contains(log, "echo 1 > "+tracefsRoot+"/instances/surftrace_"+fmt.Sprint(pid)+"/tracing_on") {
				t.Errorf("tracing turned on before set-up finished\n%s", p.dump())
			}
			assertTornDown(t, p, pid)
			p.assertClean()
		})
	}
}

// TestLiveKilledRun: a run killed with SIGKILL leaves its group and
// instance; the next run removes them at start, says so, and leaves
// nothing itself.
func TestLiveKilledRun(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	dead := start(t, bin, "-t", "30s", "P "+fx+":func v=%0")
	dead.waitSetUp()
	dead.signal(syscall.SIGKILL)
	if err := dead.wait(); exitStatus(err) != -1 {
		t.Fatalf("SIGKILL: %v", err)
	}
	deadPid := dead.cmd.Process.Pid
	left := leftovers(deadPid)
	wantLeft := []string{fmt.Sprintf("uprobe_events: surftrace_%d/p0", deadPid), fmt.Sprintf("instances/surftrace_%d", deadPid)}
	for _, w := range wantLeft {
		if !slices.Contains(left, w) {
			t.Fatalf("the killed run left %q, want %q among them", left, w)
		}
	}
	next := start(t, bin, "-t", "500ms", "P "+fx+":func v=%0")
	next.waitOK()
	log := strings.Join(next.Stderr(), "\n")
	for _, want := range []string{
		fmt.Sprintf("# removing surftrace_%d: its instance was not in use, its run is gone", deadPid),
		fmt.Sprintf("echo -:surftrace_%d/p0 >> %s/uprobe_events", deadPid, tracefsRoot),
		fmt.Sprintf("rmdir %s/instances/surftrace_%d", tracefsRoot, deadPid),
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the next run's log lacks %q\n%s", want, next.dump())
		}
	}
	assertTornDown(t, next, next.cmd.Process.Pid)
	dead.assertClean()
	next.assertClean()
}

// TestLiveConcurrentRuns: two runs on the same function at once each see
// every call.
func TestLiveConcurrentRuns(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	const n = 5
	args := []string{"-c", fmt.Sprint(n), "-t", "30s", "P " + fx + ":func v=%0"}
	a, b := start(t, bin, args...), start(t, bin, args...)
	instA, instB := a.waitSetUp(), b.waitSetUp()
	if instA == instB {
		t.Fatalf("both runs use instance %s", instA)
	}
	pid := runFixture(t, fx, n, 0)
	var want []string
	for i := 0; i < n; i++ {
		want = append(want, fmt.Sprintf("p0: v=%d", 40+i))
	}
	for _, p := range []*proc{a, b} {
		p.waitOK()
		if got := bodies(t, p.Stdout(), pid); !reflect.DeepEqual(got, want) {
			t.Errorf("run %d printed %q, want %q", p.cmd.Process.Pid, got, want)
		}
		p.assertClean()
	}
}

// blockedInPipeWrite says whether a thread of pid sleeps writing to a full
// pipe.
func blockedInPipeWrite(pid int) bool {
	chans, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
	for _, c := range chans {
		if b, err := os.ReadFile(c); err == nil && strings.Contains(string(b), "pipe_write") {
			return true
		}
	}
	return false
}

// gone says whether pid has exited (a zombie counts: its parent, the
// shell, reaps it only when the whole pipeline ends).
func gone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && strings.HasPrefix(string(b[i:]), ") Z")
}

// TestLiveStalledOutput: SIGINT ends a run whose output nobody reads
// (surftrace … | sleep, the pipe full) within the grace time, with a clean
// teardown, rather than when the reader goes away.
func TestLiveStalledOutput(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	cmd := exec.Command("sh", "-c", `"$0" -t 60s "$1" | sleep 60`, bin, "P "+fx+":func v=%0 name=%1->name msg=%1->msg")
	p := startCmd(t, cmd)
	p.waitSetUp()
	pids := p.pids()
	if len(pids) != 2 {
		t.Fatalf("no surftrace pid in the log\n%s", p.dump())
	}
	pid := pids[1]
	runFixture(t, fx, 3000, 0) // far more than a pipe holds
	p.waitFor(eventTimeout, "surftrace blocked writing to the full pipe", func() bool { return blockedInPipeWrite(pid) })
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	p.waitFor(exitTimeout, fmt.Sprintf("surftrace (pid %d) ending", pid), func() bool { return gone(pid) })
	if log := strings.Join(p.Stderr(), "\n"); !strings.Contains(log, "surftrace: stopping with output still unwritten") {
		t.Errorf("no word about the unwritten output\n%s", p.dump())
	}
	assertTornDown(t, p, pid)
	p.assertClean()
}
