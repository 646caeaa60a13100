package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surftrace/surftrace/trace"
)

const tracefs = "/sys/kernel/tracing"

// fixture is the traced program: work's arguments are known values of
// known C types.
const fixture = `#include <stdio.h>
__attribute__((noinline)) int work(int a, long b) { return a + (int)b; }
int main(void) { printf("%d\n", work(-7, 123456789012L)); return 0; }
`

// needLive skips a test the host cannot run, or fails it when CI=true:
// there the host is meant to have everything.
func needLive(t *testing.T) {
	t.Helper()
	why := ""
	switch {
	case testing.Short():
		t.Skip("live tracing test (-short)")
	case os.Geteuid() != 0:
		why = "tracing needs root"
	case !exists(filepath.Join(tracefs, "uprobe_events")):
		why = "no " + tracefs + "/uprobe_events (tracefs not mounted, or a kernel without uprobe events)"
	case !exists(filepath.Join(tracefs, "events/sched/sched_process_exec")):
		why = "no sched/sched_process_exec tracepoint"
	}
	if why == "" {
		if _, err := exec.LookPath("gcc"); err != nil {
			why = "the test compiles its traced program with gcc"
		}
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// The example traces a real program: the call with its arguments typed
// by their C types, the exec, and nothing left in tracefs afterwards.
func TestWatch(t *testing.T) {
	needLive(t)
	dir := t.TempDir()
	prog := filepath.Join(dir, "work")
	src := filepath.Join(dir, "work.c")
	if err := os.WriteFile(src, []byte(fixture), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-g", "-O0", "-o", prog, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The program runs again and again until both events of one of its
	// runs came: Run gives no sign of being armed, and a run that started
	// before is not seen.
	var mu sync.Mutex
	pids := map[int]bool{}
	var runners sync.WaitGroup
	runners.Add(1)
	go func() {
		defer runners.Done()
		for ctx.Err() == nil {
			cmd := exec.Command(prog)
			if err := cmd.Start(); err != nil {
				t.Errorf("run %s: %v", prog, err)
				return
			}
			mu.Lock()
			pids[cmd.Process.Pid] = true
			mu.Unlock()
			cmd.Wait()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	defer runners.Wait()
	defer cancel()

	var calls, execs []trace.Event
	var out bytes.Buffer
	show := printer(&out, 0)
	err := watch(ctx, prog, "work", func(e trace.Event) error {
		mu.Lock()
		ours := pids[e.Pid]
		mu.Unlock()
		if !ours {
			return nil
		}
		show(e)
		switch e.Probe {
		case callProbe:
			calls = append(calls, e)
		case execProbe:
			execs = append(execs, e)
		default:
			t.Errorf("event of probe %d: %+v", e.Probe, e)
		}
		for _, c := range calls {
			for _, x := range execs {
				if c.Pid == x.Pid {
					return trace.Stop
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("watch: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("no call and exec of one run within the time limit: %d calls, %d execs", len(calls), len(execs))
	}
	cancel()
	runners.Wait()

	c := calls[len(calls)-1]
	// The kernel prints "<...>" for a task whose name its small cache of
	// command names has already dropped: short-lived runs like these.
	if c.Name != "p0" || c.Task != "work" && c.Task != "<...>" || c.Time <= 0 {
		t.Errorf("call event: %+v", c)
	}
	if a, _ := c.Get("a"); a != int64(-7) {
		t.Errorf("a = %#v (%T), want int64(-7)", a, a)
	}
	if b, _ := c.Get("b"); b != int64(123456789012) {
		t.Errorf("b = %#v (%T), want int64(123456789012)", b, b)
	}
	x := execs[len(execs)-1]
	if x.Name != "sched_process_exec" {
		t.Errorf("exec event: %+v", x)
	}
	if f, _ := x.Get("filename"); f != prog {
		t.Errorf("filename = %#v (%T), want %q", f, f, prog)
	}
	if pid, _ := x.Get("pid"); pid != int64(x.Pid) {
		t.Errorf("pid field = %#v (%T), want int64(%d)", pid, pid, x.Pid)
	}
	if !strings.Contains(out.String(), "call a=-7 b=123456789012") || !strings.Contains(out.String(), "exec "+prog) {
		t.Errorf("printed:\n%s", out.String())
	}

	// Everything the run registered is gone: the probe on the program,
	// and the instance (named after this process) holding the filtered
	// tracepoint.
	if b, err := os.ReadFile(filepath.Join(tracefs, "uprobe_events")); err != nil || bytes.Contains(b, []byte(dir)) {
		t.Errorf("uprobe_events after the run (err %v):\n%s", err, b)
	}
	mine := fmt.Sprintf("surftrace_%d", os.Getpid())
	left, err := os.ReadDir(filepath.Join(tracefs, "instances"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range left {
		if d.Name() == mine || strings.HasPrefix(d.Name(), mine+"_") {
			t.Errorf("instance %s left after the run", d.Name())
		}
	}
}
