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

// copyExecutable copies /bin/true to dir/name: a program whose exec the
// test can tell from every other on the machine by its file name.
func copyExecutable(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skipf("no /bin/true to copy: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// execAll runs each program to its end.
func execAll(t *testing.T, progs ...string) {
	t.Helper()
	for _, prog := range progs {
		if out, err := runTimeout(exec.Command(prog), eventTimeout); err != nil {
			t.Fatalf("%s: %v\n%s", prog, err, out)
		}
	}
}

// TestLiveEventFilter traces sched/sched_process_exec with a glob filter
// on the event's own filename field: of four execs only the two of the
// uniquely named copy may show, with the event's fields.
func TestLiveEventFilter(t *testing.T) {
	bin := requireLive(t)
	if _, err := os.Stat(filepath.Join(tracefsRoot, "events/sched/sched_process_exec/format")); err != nil {
		t.Skipf("kernel has no sched/sched_process_exec tracepoint: %v", err)
	}
	dir := t.TempDir()
	unique := fmt.Sprintf("stexec%d", time.Now().UnixNano()%1e9)
	match := copyExecutable(t, dir, unique+"_yes")
	other := copyExecutable(t, dir, "stexec_no")
	p := start(t, bin, "-t", "30s", `e sched/sched_process_exec f:filename~"*`+unique+`*"`)
	p.waitSetUp()
	execAll(t, match, other, "/bin/true", match)
	p.waitCount(2)
	// Events are shown in time order: a non-matching exec, had it passed
	// the filter, would be among the first two. Give a late one time to
	// show anyway before stopping.
	time.Sleep(200 * time.Millisecond)
	p.signal(syscall.SIGINT)
	p.waitOK()
	lines := p.Stdout()
	if len(lines) != 2 {
		t.Fatalf("%d events, want 2 (the execs of %s):\n%s", len(lines), match, p.dump())
	}
	for _, l := range lines {
		e := parseEvent(t, l)
		if e.name != "sched_process_exec" || !strings.HasPrefix(e.args, "filename="+match+" pid="+e.pid+" old_pid=") {
			t.Errorf("event %q, want sched_process_exec: filename=%s pid=%s old_pid=…", l, match, e.pid)
		}
	}
	p.assertClean()
}

// tracefsState is what a run could change in tracefs: the dynamic events
// and the instances, without those of other surftrace runs and tests on
// the machine (they may start and end theirs meanwhile).
func tracefsState(self int) []string {
	var out []string
	keep := func(name string) bool {
		return !strings.HasPrefix(name, "surftrace") || owns(name, self)
	}
	for _, file := range []string{"uprobe_events", "kprobe_events", "dynamic_events"} {
		for _, ev := range probesIn(file) {
			if group, _, _ := strings.Cut(ev, "/"); keep(group) {
				out = append(out, file+": "+ev)
			}
		}
	}
	for _, name := range instances() {
		if keep(name) {
			out = append(out, "instances/"+name)
		}
	}
	slices.Sort(out)
	return out
}

// TestLiveEventFieldMisspelt: a filter naming a field the event does not
// have is refused with a caret under it, before anything is written.
func TestLiveEventFieldMisspelt(t *testing.T) {
	bin := requireLive(t)
	before := tracefsState(-1)
	cmd := exec.Command(bin, `e sched/sched_process_exec f:filenme~"x"`)
	p := startCmd(t, cmd)
	err := p.wait()
	after := tracefsState(cmd.Process.Pid)
	if exitStatus(err) <= 0 {
		t.Fatalf("misspelt field accepted (%v)\n%s", err, p.dump())
	}
	if len(p.Stdout()) != 0 {
		t.Errorf("refused expression printed on stdout:\n%s", p.dump())
	}
	stderr := strings.Join(p.Stderr(), "\n")
	for _, want := range []string{
		`filenme`,
		"\n    e sched/sched_process_exec f:filenme~\"x\"\n",
		"\n                                 ^~~~~~~",
		"filename",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, l := range p.Stderr() {
		if strings.HasPrefix(l, "echo ") || strings.HasPrefix(l, "mkdir ") || strings.HasPrefix(l, "rmdir ") {
			t.Errorf("refused run changed tracefs: %q", l)
		}
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("tracefs changed during the refused run:\nbefore %q\nafter  %q", before, after)
	}
}
