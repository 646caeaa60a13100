package ftrace

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

// TestCleanStaleFake: an instance the kernel lets go is removed with its
// probes, and so are probes without an instance; a busy instance, a name
// this process holds, and names not ours stay; no enable or tracing_on
// file is written.
func TestCleanStaleFake(t *testing.T) {
	self := os.Getpid()
	dead := "surftrace_101"
	busy := "surftrace_102"
	orphan := "surftrace_103_x"
	mine := fmt.Sprintf("surftrace_%d_t99", self)
	if !claim(mine) {
		t.Fatal("claim")
	}
	defer release(mine)

	fs := fakeTree(t,
		"instances/"+dead+"/events/"+dead+"/enable",
		"instances/"+dead+"/tracing_on",
		"instances/"+busy+"/events/"+busy+"/enable",
		"instances/"+busy+"/tracing_on",
		"instances/"+mine+"/",
		"instances/surftrace/",
		"instances/other/events/"+dead+"/enable",
		"events/"+dead+"/enable",
		"kprobe_events",
	)
	rmdir := fs.rmdir
	fs.rmdir = func(path string) error {
		if strings.HasSuffix(path, "/"+busy) {
			return syscall.EBUSY
		}
		return rmdir(path)
	}
	for _, p := range []string{"instances/" + dead + "/events/" + dead + "/enable", "instances/other/events/" + dead + "/enable", "instances/" + busy + "/events/" + busy + "/enable"} {
		os.WriteFile(fs.Path(p), []byte("1\n"), 0o644)
	}
	uprobes := strings.Join([]string{
		"p:" + dead + "/p0 /bin/x:0x0000000000000010",
		"r:" + dead + "/r1 /bin/x:0x0000000000000010 ret=$retval:s32",
		"p:" + busy + "/p0 /bin/x:0x0000000000000010",
		"p:" + mine + "/p0 /bin/x:0x0000000000000010",
		"p:" + orphan + "/p0 /bin/x:0x0000000000000010",
		"p:uprobes/other /bin/x:0x0000000000000010",
		"p:surftrace/p0 /bin/x:0x0000000000000010",
		"",
	}, "\n")
	os.WriteFile(fs.Path("uprobe_events"), []byte(uprobes), 0o644)
	os.WriteFile(fs.Path("kprobe_events"), []byte("r4:"+dead+"/f0 ip_output\n"), 0o644)

	var log strings.Builder
	if err := cleanStale(fs, NewWriter(fs, &log)); err != nil {
		t.Fatal(err)
	}
	t.Logf("log:\n%s", log.String())

	got, _ := strings.CutPrefix(readFile(t, fs.Path("uprobe_events")), uprobes)
	removed := strings.Split(strings.TrimSpace(got), "\n")
	sort.Strings(removed)
	want := []string{"-:" + dead + "/p0", "-:" + dead + "/r1", "-:" + orphan + "/p0"}
	sort.Strings(want)
	if !reflect.DeepEqual(removed, want) {
		t.Errorf("appended to uprobe_events %q, want %q", removed, want)
	}
	if got := readFile(t, fs.Path("kprobe_events")); got != "r4:"+dead+"/f0 ip_output\n-:"+dead+"/f0\n" {
		t.Errorf("kprobe_events = %q", got)
	}
	for name, want := range map[string]bool{dead: false, busy: true, mine: true, "surftrace": true, "other": true} {
		if exists(fs.Path("instances", name)) != want {
			t.Errorf("instance %s exists = %v, want %v", name, !want, want)
		}
	}
	for _, p := range []string{"instances/other/events/" + dead + "/enable", "instances/" + busy + "/events/" + busy + "/enable"} {
		if got := readFile(t, fs.Path(p)); got != "1\n" {
			t.Errorf("%s was written: %q", p, got)
		}
	}
	for _, want := range []string{
		"# removing " + dead + ": its instance was not in use, its run is gone\n",
		"rmdir " + fs.Path("instances", dead) + "\n",
		"# removing " + orphan + ": its probes have no trace instance, their run is gone\n",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	for _, never := range []string{"echo 0 >", busy, mine} {
		if strings.Contains(log.String(), never) {
			t.Errorf("log holds %q", never)
		}
	}
}

func TestProbeName(t *testing.T) {
	tests := []struct{ line, group, event string }{
		{"p:surftrace_1/p0 /bin/x:0x10 a=%di:u32", "surftrace_1", "p0"},
		{"r4:kprobes/r_ip ip_output", "kprobes", "r_ip"},
		{"p:f0 ip_output", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		g, e, _ := probeName(tt.line)
		if g != tt.group || e != tt.event {
			t.Errorf("probeName(%q) = %q, %q", tt.line, g, e)
		}
	}
}

// leave builds in tracefs what a run named name leaves when it dies: its
// instance with the probe enabled and tracing on. With hold, the instance
// stays held open (a live run, whatever its pid) until the test ends.
func leave(t *testing.T, fs *FS, fx fixture, name string, hold bool) {
	t.Helper()
	w := NewWriter(fs, nil)
	t.Cleanup(func() {
		if err := scrub(fs, w, name); err != nil {
			t.Errorf("clean up %s: %v", name, err)
		}
	})
	def := fx.uprobe(probe.Uprobe, "p0", "")
	if err := w.Mkdir(fs.Path("instances", name)); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(fs.Path("uprobe_events"), def.Line(name), ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(fs.Path("instances", name, "events", name, "enable"), "1", ""); err != nil {
		t.Fatal(err)
	}
	if hold {
		f, err := os.Open(fs.Path("instances", name, "trace_pipe"))
		if err != nil {
			t.Fatal(err)
		}
		// Registered after the scrub: runs before it.
		t.Cleanup(func() { f.Close() })
	}
}

// On the real kernel: the leftovers of a run that is gone go; a live
// run's, its trace_pipe open, keep every file and setting.
func TestCleanStaleReal(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	dead, live := sessionName(t, "dead"), sessionName(t, "live")
	leave(t, fs, fx, dead, false)
	leave(t, fs, fx, live, true)
	var log syncBuffer
	openSession(t, fs, Options{Name: sessionName(t, ""), Log: &log})
	if l := scanOwned(fs)[dead]; l != nil || exists(fs.Path("events", dead)) {
		t.Errorf("dead run's %s left: %+v", dead, l)
	}
	if l := scanOwned(fs)[live]; l == nil || len(l.probes) != 1 || !l.instance {
		t.Errorf("live run's %s touched: %+v", live, l)
	}
	if got := readFile(t, fs.Path("instances", live, "events", live, "p0", "enable")); got != "1\n" {
		t.Errorf("live run's event enable = %q", got)
	}
	if !strings.Contains(log.String(), "# removing "+dead+": its instance was not in use") {
		t.Errorf("log lacks the removal of %s:\n%s", dead, log.String())
	}
	if strings.Contains(log.String(), live) {
		t.Errorf("log mentions the live %s:\n%s", live, log.String())
	}
}

// TestOpenOverOwnLeftovers: a dead process with this pid left its group
// and instance under the default name: Open removes them and takes the
// name. While a live run holds that name (the same pid in another pid
// namespace), Open takes the next tagged name and leaves the live one be.
func TestOpenOverOwnLeftovers(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	own := fmt.Sprintf("surftrace_%d", os.Getpid())

	leave(t, fs, fx, own, false)
	var log syncBuffer
	s, err := Open(fs, Options{Log: &log})
	if err != nil {
		t.Fatalf("Open over leftovers: %v\n%s", err, log.String())
	}
	if s.Name() != own {
		t.Errorf("session named %s, want %s", s.Name(), own)
	}
	if !strings.Contains(log.String(), "# removing "+own+": its instance was not in use") {
		t.Errorf("log lacks the removal of the leftovers:\n%s", log.String())
	}
	// The session holds its instance: another run's clean-up cannot take it.
	if err := syscall.Rmdir(s.Instance()); err != syscall.EBUSY {
		t.Errorf("rmdir of a live session's instance: %v, want EBUSY", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertClean(t, fs, own)

	leave(t, fs, fx, own, true)
	log = syncBuffer{}
	s = openSession(t, fs, Options{Log: &log})
	if want := own + "_2"; s.Name() != want {
		t.Errorf("session named %s while %s is live, want %s", s.Name(), own, want)
	}
	if l := scanOwned(fs)[own]; l == nil || len(l.probes) != 1 || !l.instance {
		t.Errorf("live %s touched: %+v\n%s", own, l, log.String())
	}
}
