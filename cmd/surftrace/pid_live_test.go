package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// runningFixture starts the fixture for rounds calls delayMS apart and
// returns its pid; the test kills it at the end.
func runningFixture(t *testing.T, fx string, rounds, delayMS int) int {
	t.Helper()
	return startPid(t, exec.Command(fx, strconv.Itoa(rounds), strconv.Itoa(delayMS)))
}

// startPid starts c, whose first line of output is its pid, and returns
// that pid; the test kills it at the end.
func startPid(t *testing.T, c *exec.Cmd) int {
	t.Helper()
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Process.Kill()
		c.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("%s: %v", c.Path, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("%s printed %q, not its pid", c.Path, line)
	}
	return pid
}

// TestPidShow: with --pid, a bare library name means the file the process
// has mapped, and every probe gets the process's filter joined with its
// own by &&.
func TestPidShow(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		skipOrFail(t, "the fixture needs gcc")
	}
	fx := fixture(t, "fixture")
	pid := runningFixture(t, fx, 1000, 50)
	r := surftrace(t, false, "-S", "--pid", strconv.Itoa(pid), "P libc:nanosleep", "P fixture:func v=%0 f:v>41")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	libc := regexp.MustCompile(`(?m)^p:surftrace/p0 /\S*/libc(\.so|-)\S*:0x[0-9a-f]+$`)
	own := regexp.MustCompile(`(?m)^p:surftrace/p1 ` + regexp.QuoteMeta(fx) + `:0x[0-9a-f]+ v=\S+$`)
	filter := fmt.Sprintf("common_pid==%d", pid)
	if !libc.MatchString(r.stdout) || !own.MatchString(r.stdout) ||
		!strings.Contains(r.stdout, "p0 filter: "+filter+"\n") ||
		!strings.Contains(r.stdout, "p1 filter: "+filter+"&&(v>41)\n") {
		t.Errorf("-S --pid %d:\n%s", pid, r.stdout)
	}
	r = surftrace(t, false, "-S", "--pid", strconv.Itoa(pid), "P libnosuch:f")
	if r.code == 0 || !strings.Contains(r.stderr, fmt.Sprintf("process %d has no libnosuch mapped", pid)) {
		t.Errorf("unmapped library: exit %d, %s", r.code, r.stderr)
	}
}

// TestLivePid: --pid traces that process only, though another runs the
// same code.
func TestLivePid(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	pid := runningFixture(t, fx, 2000, 20)
	other := runningFixture(t, fx, 2000, 20)
	p := start(t, bin, "--json", "-c", "6", "-t", "30s", "--pid", strconv.Itoa(pid), "P fixture:func v=%0", "P libc:nanosleep")
	p.waitSetUp()
	p.waitOK()
	seen := map[string]int{}
	for _, l := range p.Stdout() {
		e := decodeJSON(t, l)
		if fmt.Sprint(e.Pid) != strconv.Itoa(pid) {
			t.Errorf("event of pid %v (traced %d, other %d): %s", e.Pid, pid, other, l)
		}
		seen[e.Event]++
	}
	if seen["p0"] == 0 || seen["p1"] == 0 {
		t.Errorf("events %v, want both probes", seen)
	}
	p.assertClean()
}

// TestLiveCmd: --cmd starts the command once the probes are armed (its
// first call is traced), traces it only and stops when it exits.
func TestLiveCmd(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	other := runningFixture(t, fx, 5000, 10)
	p := start(t, bin, "--json", "-t", "30s", "--cmd", fx+" 5 0", "P "+fx+":func v=%0")
	p.waitFor(20*time.Second, "the end of the command", func() bool {
		select {
		case <-p.done:
			return true
		default:
			return false
		}
	})
	p.waitOK()
	var pid string
	var vs []string
	for _, l := range p.Stdout() {
		if !strings.HasPrefix(l, "{") {
			pid = strings.TrimSpace(l) // the fixture's own line
			continue
		}
		e := decodeJSON(t, l)
		if fmt.Sprint(e.Pid) == strconv.Itoa(other) {
			t.Errorf("event of the other process: %s", l)
		}
		vs = append(vs, fmt.Sprint(e.Args["v"]))
	}
	if got := strings.Join(vs, " "); got != "40 41 42 43 44" {
		t.Errorf("v of the command's calls: %q, want 40 … 44 (all, from the first)", got)
	}
	if pid == "" {
		t.Errorf("the command's output did not pass through:\n%q", p.Stdout())
	}
	p.assertClean()
}

// TestLivePidOtherMounts: a process that sees files this one does not (a
// container's own mounts, here a tmpfs in a mount namespace of its own)
// is probed through /proc/PID/root, and its events arrive.
func TestLivePidOtherMounts(t *testing.T) {
	bin := requireLive(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		skipOrFail(t, "unshare (util-linux) not installed")
	}
	fx := fixture(t, "fixture")
	dir := t.TempDir()
	pid := startPid(t, exec.Command("unshare", "-m", "sh", "-c", `mount -t tmpfs none "$1" && cp "$2" "$1/fx" && exec "$1/fx" 100000 20`, "sh", dir, fx))
	want := fmt.Sprintf("/proc/%d/root%s/fx:", pid, dir)
	r := surftrace(t, false, "-S", "--pid", strconv.Itoa(pid), "P fx:func v=%0")
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("-S: exit %d, want %s in\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	p := start(t, bin, "--json", "-c", "3", "-t", "30s", "--pid", strconv.Itoa(pid), "P fx:func v=%0")
	p.waitSetUp()
	p.waitOK()
	if n := len(p.Stdout()); n != 3 {
		t.Errorf("%d events, want 3: %q", n, p.Stdout())
	}
	p.assertClean()
}
