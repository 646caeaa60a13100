package main

// The harness of the live tests (*_live_test.go): they build the surftrace
// binary once, compile the C fixture under testdata/ with gcc -g, run both
// for real against the host's tracefs and check what the binary printed and
// what it left behind. They need root, tracefs with uprobe_events, and gcc;
// without them they skip and say which is missing.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// tracefsRoot is where the live tests expect tracefs; requireLive mounts it
// there when nothing is mounted, as the binary itself would.
const tracefsRoot = "/sys/kernel/tracing"

// Timeouts of the live tests: generous, since the machine is shared, but
// every wait has one.
const (
	setUpTimeout = 20 * time.Second
	eventTimeout = 10 * time.Second
	exitTimeout  = 10 * time.Second
)

// requireLive skips a test that cannot trace on this host and returns the
// surftrace binary, built once per test run (builtBinary, show_test.go).
func requireLive(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("live tracing test (-short)")
	}
	if os.Geteuid() != 0 {
		skipLive(t, "live tracing needs root to write tracefs")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		skipLive(t, "live tracing tests compile a C fixture and need gcc")
	}
	if _, err := os.Stat(filepath.Join(tracefsRoot, "instances")); err != nil {
		if err := unix.Mount("nodev", tracefsRoot, "tracefs", 0, ""); err != nil {
			skipLive(t, "no tracefs at %s and mounting it failed: %v", tracefsRoot, err)
		}
	}
	if _, err := os.Stat(filepath.Join(tracefsRoot, "uprobe_events")); err != nil {
		skipLive(t, "kernel has no %s/uprobe_events (CONFIG_UPROBE_EVENTS)", tracefsRoot)
	}
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("build surftrace: %v", err)
	}
	return bin
}

// skipLive skips a test the host cannot run, or fails it when CI=true:
// there the host is meant to have everything, and a skip would hide a
// broken set-up.
func skipLive(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// runTimeout runs cmd to its end or kills it after d; it returns stdout and
// stderr together.
func runTimeout(cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	timer := time.AfterFunc(d, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		err = fmt.Errorf("%v: killed after %v: %w", cmd.Args, d, err)
	}
	return []byte(out.String()), err
}

// fixture compiles testdata/fixture.c with gcc -g into the test's
// temporary directory as name; every test has its own copy, so no other
// test's probes fire on it.
func fixture(t *testing.T, name string) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("testdata", "fixture.c"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), name)
	if out, err := runTimeout(exec.Command("gcc", "-g", "-O0", "-o", bin, src), time.Minute); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// runFixture runs the fixture for rounds calls of func and parse_pkt,
// delayMS apart, and returns its pid as it printed it (from getpid).
func runFixture(t *testing.T, bin string, rounds, delayMS int) int {
	t.Helper()
	out, err := runTimeout(exec.Command(bin, strconv.Itoa(rounds), strconv.Itoa(delayMS)), eventTimeout)
	if err != nil {
		t.Fatalf("fixture: %v\n%s", err, out)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("fixture printed %q, not its pid", out)
	}
	return pid
}

// proc is a running surftrace (or a shell around one) whose output lines
// are collected as they come.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	done chan struct{} // closed once the process was waited for

	mu     sync.Mutex
	stdout []string
	stderr []string
	err    error // from Wait
}

// start runs surftrace with args.
func start(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	return startCmd(t, exec.Command(bin, args...))
}

// startCmd starts cmd in a process group of its own, collects its output,
// and when the test ends kills the group if it still runs and removes what
// the processes it started left in tracefs.
func startCmd(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{t: t, cmd: cmd, done: make(chan struct{})}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	outR, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", cmd.Args, err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go p.collect(outR, &p.stdout, &readers)
	go p.collect(errR, &p.stderr, &readers)
	go func() {
		readers.Wait()
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			select {
			case <-p.done:
			case <-time.After(exitTimeout):
				t.Errorf("%v still runs after SIGKILL", cmd.Args)
			}
		}
		// The leak check: whatever the test did, nothing of its
		// processes may stay; a passing test that leaked fails here.
		for _, pid := range p.pids() {
			if left := leftovers(pid); len(left) > 0 {
				if !t.Failed() {
					t.Errorf("leak: pid %d left %v", pid, left)
				}
				scrub(pid)
			}
		}
	})
	return p
}

func (p *proc) collect(r io.Reader, dst *[]string, wg *sync.WaitGroup) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		p.mu.Lock()
		*dst = append(*dst, sc.Text())
		p.mu.Unlock()
	}
	io.Copy(io.Discard, r)
}

// Stdout and Stderr are the lines read so far.
func (p *proc) Stdout() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.stdout...)
}

func (p *proc) Stderr() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.stderr...)
}

// ownedRe finds the session names a surftrace log line mentions.
var ownedRe = regexp.MustCompile(`surftrace_([0-9]+)`)

// pids are the pids owning the tracefs names this process created: its own
// and any its log names (a surftrace inside a shell pipeline).
func (p *proc) pids() []int {
	seen := map[int]bool{p.cmd.Process.Pid: true}
	out := []int{p.cmd.Process.Pid}
	for _, l := range p.Stderr() {
		if !strings.HasPrefix(l, "mkdir ") {
			continue
		}
		for _, m := range ownedRe.FindAllStringSubmatch(l, -1) {
			if pid, err := strconv.Atoi(m[1]); err == nil && !seen[pid] {
				seen[pid] = true
				out = append(out, pid)
			}
		}
	}
	return out
}

// waitSetUp waits until surftrace logged turning tracing on and the
// instance shows it is on (the log line comes just before the write), and
// returns the instance directory.
func (p *proc) waitSetUp() string {
	p.t.Helper()
	onRe := regexp.MustCompile(`^echo 1 > (\S+)/tracing_on$`)
	var inst string
	p.waitFor(setUpTimeout, "set-up (echo 1 > …/tracing_on)", func() bool {
		if inst == "" {
			for _, l := range p.Stderr() {
				if m := onRe.FindStringSubmatch(l); m != nil {
					inst = m[1]
				}
			}
		}
		if inst == "" {
			return false
		}
		b, err := os.ReadFile(filepath.Join(inst, "tracing_on"))
		return err == nil && strings.TrimSpace(string(b)) == "1"
	})
	p.pids()
	return inst
}

// waitLines waits until cond holds for the stdout lines read so far.
func (p *proc) waitLines(what string, cond func([]string) bool) []string {
	p.t.Helper()
	var lines []string
	p.waitFor(eventTimeout, what, func() bool {
		lines = p.Stdout()
		return cond(lines)
	})
	return lines
}

// waitCount waits for n lines on stdout.
func (p *proc) waitCount(n int) []string {
	p.t.Helper()
	return p.waitLines(fmt.Sprintf("%d lines", n), func(l []string) bool { return len(l) >= n })
}

// waitFor polls cond until it holds, the process ends, or d passes; the
// latter two fail the test with what it printed.
func (p *proc) waitFor(d time.Duration, what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		select {
		case <-p.done:
			if cond() {
				return
			}
			p.t.Fatalf("%v ended before %s: %v\n%s", p.cmd.Args, what, p.err, p.dump())
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%v: no %s after %v\n%s", p.cmd.Args, what, d, p.dump())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// signal sends sig to the process.
func (p *proc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("send %v: %v", sig, err)
	}
}

// wait waits for the process to end and returns Wait's error.
func (p *proc) wait() error {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(exitTimeout):
		p.t.Fatalf("%v did not end within %v\n%s", p.cmd.Args, exitTimeout, p.dump())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// waitOK waits for the process to end and fails the test unless it exited
// with status 0 (not killed by a signal).
func (p *proc) waitOK() {
	p.t.Helper()
	if err := p.wait(); err != nil {
		p.t.Fatalf("%v: %v\n%s", p.cmd.Args, err, p.dump())
	}
}

func (p *proc) dump() string {
	return "stdout:\n  " + strings.Join(p.Stdout(), "\n  ") + "\nstderr:\n  " + strings.Join(p.Stderr(), "\n  ")
}

// assertClean fails the test when any of the process's pids still owns a
// probe or an instance.
func (p *proc) assertClean() {
	p.t.Helper()
	for _, pid := range p.pids() {
		if left := leftovers(pid); len(left) > 0 {
			p.t.Errorf("pid %d left %v\n%s", pid, left, p.dump())
		}
	}
}

// owns says whether a group or instance name belongs to pid:
// surftrace_<pid> or surftrace_<pid>_<tag>.
func owns(name string, pid int) bool {
	p := "surftrace_" + strconv.Itoa(pid)
	return name == p || strings.HasPrefix(name, p+"_")
}

// leftovers lists what pid owns in tracefs: "uprobe_events: GROUP/EVENT"
// and "instances/NAME" entries.
func leftovers(pid int) []string {
	var out []string
	for _, file := range []string{"uprobe_events", "kprobe_events", "dynamic_events"} {
		for _, ev := range probesIn(file) {
			group, _, _ := strings.Cut(ev, "/")
			if owns(group, pid) {
				out = append(out, file+": "+ev)
			}
		}
	}
	for _, name := range instances() {
		if owns(name, pid) {
			out = append(out, "instances/"+name)
		}
	}
	return out
}

// probesIn lists the GROUP/EVENT names in a *_events file.
func probesIn(file string) []string {
	data, err := os.ReadFile(filepath.Join(tracefsRoot, file))
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		head, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if _, name, ok := strings.Cut(head, ":"); ok {
			out = append(out, name)
		}
	}
	return out
}

func instances() []string {
	entries, _ := os.ReadDir(filepath.Join(tracefsRoot, "instances"))
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// scrub removes what pid left, as a last resort after a failure: removing
// the instance disables the events in it, then the probes can go.
func scrub(pid int) {
	for _, name := range instances() {
		if owns(name, pid) {
			dir := filepath.Join(tracefsRoot, "instances", name)
			os.WriteFile(filepath.Join(dir, "tracing_on"), []byte("0\n"), 0)
			for i := 0; i < 40 && unix.Rmdir(dir) == unix.EBUSY; i++ {
				time.Sleep(25 * time.Millisecond)
			}
		}
	}
	for _, file := range []string{"uprobe_events", "kprobe_events"} {
		for _, ev := range probesIn(file) {
			group, _, _ := strings.Cut(ev, "/")
			if !owns(group, pid) {
				continue
			}
			os.WriteFile(filepath.Join(tracefsRoot, "events", ev, "enable"), []byte("0\n"), 0)
			f, err := os.OpenFile(filepath.Join(tracefsRoot, file), os.O_WRONLY|os.O_APPEND, 0)
			if err == nil {
				f.Write([]byte("-:" + ev + "\n"))
				f.Close()
			}
		}
	}
}

// exitStatus is the exit status of a finished command's error (0 for nil),
// or -1 when it did not exit normally.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() {
		return ee.ExitCode()
	}
	return -1
}
