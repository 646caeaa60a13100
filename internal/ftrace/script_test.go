package ftrace

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
)

// Each set-up and teardown command of the script, run by sh, writes
// exactly what the Session would write, whatever the definitions hold.
func TestScriptStepsQuoting(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	for _, filter := range nasty {
		if strings.Contains(filter, "\n") {
			continue
		}
		defs := []*probe.Def{
			{Kind: probe.Uprobe, Name: "p0", Target: `/tmp/it's "$x" ` + "`id`:0x10",
				Args: []probe.Arg{{Name: "a", Fetch: `+0(%di):string`}}, Filter: filter},
			{Kind: probe.Event, Name: "sched_switch", Target: "sched/sched_switch", Filter: filter},
		}
		steps, err := scriptSteps(defs, ScriptOptions{Stack: true})
		if err != nil {
			t.Fatal(err)
		}
		fs := fakeTree(t, "instances/surftrace_1/events/surftrace_1/p0/", "instances/surftrace_1/events/sched/sched_switch/", "instances/surftrace_1/options/", "instances/surftrace_1/tracing_on")
		os.WriteFile(fs.Path("uprobe_events"), nil, 0o644)
		run := func(cmd string) {
			t.Helper()
			script := fmt.Sprintf("set -eu\nT=%s\nG=surftrace_1\nI=$T/instances/$G\n%s\n", shQuote(fs.Root), cmd)
			if out, err := exec.Command("sh", "-c", script).CombinedOutput(); err != nil {
				t.Fatalf("sh: %v\n%s\n%s", err, script, out)
			}
		}
		for _, st := range steps[1:] { // the instance is there already
			run(st.do)
		}
		ev := fs.Path("instances/surftrace_1/events")
		want := map[string]string{
			fs.Path("uprobe_events"):                            defs[0].Line("surftrace_1") + "\n",
			ev + "/surftrace_1/p0/enable":                       "1\n",
			ev + "/sched/sched_switch/enable":                   "1\n",
			fs.Path("instances/surftrace_1/options/stacktrace"): "1\n",
			fs.Path("instances/surftrace_1/tracing_on"):         "1\n",
		}
		if filter != "" {
			want[ev+"/surftrace_1/p0/filter"] = filter + "\n"
			want[ev+"/sched/sched_switch/filter"] = filter + "\n"
		}
		for path, content := range want {
			if got := readFile(t, path); got != content {
				t.Errorf("filter %q: %s = %q, want %q", filter, path, got, content)
			}
		}
		for i := len(steps) - 1; i > 0; i-- {
			if steps[i].undo != "" {
				run(steps[i].undo)
			}
		}
		if got := readFile(t, fs.Path("uprobe_events")); got != defs[0].Line("surftrace_1")+"\n-:surftrace_1/p0\n" {
			t.Errorf("uprobe_events after teardown = %q", got)
		}
	}
}

func TestScriptRefuses(t *testing.T) {
	tests := []*probe.Def{
		{Kind: probe.Uprobe, Name: "p0", Target: "/bin/x:0x10", Filter: "a==1\nb==2"},
		{Kind: probe.Uprobe, Name: "p0", Target: "/bin/x\n:0x10"},
		{Kind: probe.Uprobe, Name: "p 0", Target: "/bin/x:0x10"},
		{Kind: probe.Event, Name: "x", Target: "sched/../x"},
		{Kind: probe.Event, Name: "x", Target: "sched_switch"},
	}
	for _, d := range tests {
		if _, err := Script([]*probe.Def{d}, ScriptOptions{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("Script(%+v) = %v, want ErrInvalid", d, err)
		}
	}
}

// The script, run by sh on the real kernel, traces a uprobe until a signal
// and then leaves nothing behind.
func TestScriptReal(t *testing.T) {
	fs := realFS(t, true)
	if fs.Root != tracefsPath && fs.Root != debugTracingPath {
		t.Skipf("tracefs at %s, where the script does not look", fs.Root)
	}
	fx := buildFixture(t)
	defs := []*probe.Def{
		fx.uprobe(probe.Uprobe, "p0", "a>=1", probe.Arg{Name: "a", Fetch: "%di:s32"}),
		{Kind: probe.Event, Name: "sched_process_exec", Target: "sched/sched_process_exec",
			Filter: fmt.Sprintf(`filename == "%s"`, fx.path), Source: "e sched/sched_process_exec f:filename=='it'\\''s'\nnext"},
	}
	script, err := Script(defs, ScriptOptions{Stack: true})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trace.sh")
	if err := os.WriteFile(path, script, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			var stdout, stderr syncBuffer
			cmd := exec.Command("sh", path)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			// Its own process group, so a failed test can kill the script's
			// cat too (which holds stdout open), and Wait never hangs.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.WaitDelay = 5 * time.Second
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("surftrace_%d", cmd.Process.Pid)
			done := make(chan struct{})
			var waitErr error
			go func() { waitErr = cmd.Wait(); close(done) }()
			t.Cleanup(func() {
				select {
				case <-done:
				default:
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					<-done
				}
				if l := scanOwned(fs)[name]; l != nil {
					t.Errorf("script left %s: %+v", name, l)
					scrub(fs, NewWriter(fs, nil), name)
				}
			})
			waitFor(t, &stderr, "the script to start tracing", func(s string) bool { return strings.Contains(s, "tracing in") })
			fx.run(t, 3)
			got := waitFor(t, &stdout, "2 uprobe events and 1 exec", func(s string) bool {
				return countLines(s, " p0: ") == 2 && countLines(s, "sched_process_exec: ") == 1
			})
			if !strings.Contains(got, "a=1") || !strings.Contains(got, "a=2") || strings.Contains(got, "a=0") || !strings.Contains(got, "<stack trace>") {
				t.Errorf("events:\n%s", got)
			}
			cmd.Process.Signal(sig)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("script did not exit on signal")
			}
			var exit *exec.ExitError
			if !errors.As(waitErr, &exit) || exit.ExitCode() != 128+int(sig) {
				t.Errorf("exit = %v, want status %d; stderr:\n%s", waitErr, 128+int(sig), stderr.String())
			}
			assertClean(t, fs, name)
			if s := stderr.String(); strings.Count(s, "\n") != 1 {
				t.Errorf("stderr:\n%s", s)
			}
		})
	}
}
