package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestLiveScriptShells: the -o script, run by dash, bash and busybox sh
// under `timeout -s SIG` (the signal goes to the script alone, not to its
// cat), traces the fixture and, on INT or QUIT, removes its probe and
// instance and exits.
func TestLiveScriptShells(t *testing.T) {
	bin := requireLive(t)
	if _, err := exec.LookPath("timeout"); err != nil {
		skipLive(t, "needs timeout (coreutils)")
	}
	fx := fixture(t, "fixture")
	script := filepath.Join(t.TempDir(), "trace.sh")
	if out, err := runTimeout(exec.Command(bin, "-S", "-o", script, "P "+fx+":func v=%0"), setUpTimeout); err != nil {
		t.Fatalf("surftrace -S -o: %v\n%s", err, out)
	}
	tracingIn := regexp.MustCompile(`tracing in \S+/surftrace_([0-9]+);`)
	for _, shell := range [][]string{{"dash"}, {"bash"}, {"busybox", "sh"}} {
		if _, err := exec.LookPath(shell[0]); err != nil {
			skipLive(t, "no %s (scripts/deps.sh installs it)", shell[0])
		}
		for _, sig := range []string{"INT", "QUIT"} {
			t.Run(shell[0]+"/"+sig, func(t *testing.T) {
				args := append([]string{"-s", sig, "4s"}, shell...)
				p := startCmd(t, exec.Command("timeout", append(args, script)...))
				pid := 0
				p.waitFor(setUpTimeout, "the script's “tracing in” line", func() bool {
					for _, l := range p.Stderr() {
						if m := tracingIn.FindStringSubmatch(l); m != nil {
							pid, _ = strconv.Atoi(m[1])
							return true
						}
					}
					return false
				})
				t.Cleanup(func() {
					if left := leftovers(pid); len(left) > 0 {
						scrub(pid)
					}
				})
				runFixture(t, fx, 2, 0)
				p.waitCount(2)
				err := p.wait() // timeout's status: 124 once it had to signal
				if exitStatus(err) != 124 {
					t.Errorf("timeout ended with %v, want 124 (the script ran until signalled)\n%s", err, p.dump())
				}
				for _, l := range p.Stdout() {
					if !strings.Contains(l, "p0:") || !strings.Contains(l, "v=4") {
						t.Errorf("unexpected line %q", l)
					}
				}
				if left := leftovers(pid); len(left) > 0 {
					t.Errorf("%s stopped by SIG%s left %v\n%s", strings.Join(shell, " "), sig, left, p.dump())
				}
				if pgrep, _ := exec.Command("pgrep", "-f", fmt.Sprintf("instances/surftrace_%d/trace_pipe", pid)).Output(); len(pgrep) > 0 {
					t.Errorf("its cat still runs: pid %s", pgrep)
					for _, f := range strings.Fields(string(pgrep)) {
						if n, err := strconv.Atoi(f); err == nil {
							syscall.Kill(n, syscall.SIGKILL)
						}
					}
				}
			})
		}
	}
}

// TestScriptTargetSymlink: -o refuses a path that is a symbolic link (root
// would overwrite what it points to) and leaves both alone.
func TestScriptTargetSymlink(t *testing.T) {
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("build surftrace: %v", err)
	}
	dir := t.TempDir()
	victim, link := filepath.Join(dir, "victim"), filepath.Join(dir, "trace.sh")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	out, err := runTimeout(exec.Command(bin, "-S", "-o", link, "e sched/sched_switch"), setUpTimeout)
	if exitStatus(err) != 2 || !strings.Contains(string(out), "it is a symbolic link") {
		t.Errorf("exit %v, want 2 and the reason\n%s", err, out)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("wrote through the link: %q", b)
	}
}

// TestLiveScriptOnlyWhenAccepted: a live run whose definitions the kernel
// refuses writes no -o script.
func TestLiveScriptOnlyWhenAccepted(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	script := filepath.Join(t.TempDir(), "trace.sh")
	p := start(t, bin, "-o", script, "-t", "30s", "P "+fx+":func v=%0", `e sched/sched_process_exec f:pid~"abc"`)
	if err := p.wait(); exitStatus(err) <= 0 {
		t.Fatalf("exit %v, want a failure\n%s", err, p.dump())
	}
	if _, err := os.Stat(script); !os.IsNotExist(err) {
		t.Errorf("the script was written for definitions the kernel refused: %v", err)
	}
	p.assertClean()
}
