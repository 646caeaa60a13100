package ftrace

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
)

// deadPid returns the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// livePid starts a process that lives until the test ends.
func livePid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid
}

func TestCleanStaleFake(t *testing.T) {
	self := os.Getpid()
	dead := fmt.Sprintf("surftrace_%d", deadPid(t))
	live := fmt.Sprintf("surftrace_%d", livePid(t))
	reused := fmt.Sprintf("surftrace_%d", livePid(t))
	mine := fmt.Sprintf("surftrace_%d_t99", self)
	earlier := fmt.Sprintf("surftrace_%d_old", self)
	if !claim(mine) {
		t.Fatal("claim")
	}
	defer release(mine)

	fs := fakeTree(t,
		"instances/"+dead+"/events/"+dead+"/enable",
		"instances/"+live+"/events/"+live+"/enable",
		"instances/"+reused+"/",
		"instances/"+mine+"/",
		"instances/surftrace/",
		"instances/other/events/"+dead+"/enable",
		"events/"+dead+"/enable",
		"kprobe_events",
	)
	for _, p := range []string{"instances/" + dead + "/events/" + dead + "/enable", "instances/other/events/" + dead + "/enable"} {
		os.WriteFile(fs.Path(p), []byte("1\n"), 0o644)
	}
	// The reused pid's instance predates its process.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(fs.Path("instances", reused), old, old)
	uprobes := strings.Join([]string{
		"p:" + dead + "/p0 /bin/x:0x0000000000000010",
		"r:" + dead + "/r1 /bin/x:0x0000000000000010 ret=$retval:s32",
		"p:" + live + "/p0 /bin/x:0x0000000000000010",
		"p:" + mine + "/p0 /bin/x:0x0000000000000010",
		"p:" + earlier + "/p0 /bin/x:0x0000000000000010",
		"p:uprobes/other /bin/x:0x0000000000000010",
		"p:surftrace/p0 /bin/x:0x0000000000000010",
		"",
	}, "\n")
	os.WriteFile(fs.Path("uprobe_events"), []byte(uprobes), 0o644)
	os.WriteFile(fs.Path("kprobe_events"), []byte("r4:"+dead+"/f0 ip_output\n"), 0o644)

	var log strings.Builder
	if err := cleanStale(fs, NewWriter(fs, &log), self); err != nil {
		t.Fatal(err)
	}
	t.Logf("log:\n%s", log.String())

	got, _ := strings.CutPrefix(readFile(t, fs.Path("uprobe_events")), uprobes)
	removed := strings.Split(strings.TrimSpace(got), "\n")
	sort.Strings(removed)
	want := []string{"-:" + dead + "/p0", "-:" + dead + "/r1", "-:" + earlier + "/p0"}
	sort.Strings(want)
	if !reflect.DeepEqual(removed, want) {
		t.Errorf("appended to uprobe_events %q, want %q", removed, want)
	}
	if got := readFile(t, fs.Path("kprobe_events")); got != "r4:"+dead+"/f0 ip_output\n-:"+dead+"/f0\n" {
		t.Errorf("kprobe_events = %q", got)
	}
	for name, want := range map[string]bool{dead: false, reused: false, live: true, mine: true, "surftrace": true, "other": true} {
		if exists(fs.Path("instances", name)) != want {
			t.Errorf("instance %s exists = %v, want %v", name, !want, want)
		}
	}
	if got := readFile(t, fs.Path("instances/other/events/"+dead+"/enable")); got != "0\n" {
		t.Errorf("dead group still enabled in another instance: %q", got)
	}
	for _, want := range []string{
		"# removing " + dead + ": pid " + dead[len("surftrace_"):] + " has exited\n",
		"# removing " + reused + ": pid " + reused[len("surftrace_"):] + " has exited (the pid now belongs to a newer process)\n",
		"# removing " + earlier + ": left by an earlier process with pid",
		"echo 0 > " + fs.Path("instances/other/events/"+dead+"/enable") + "\n",
		"rmdir " + fs.Path("instances", dead) + "\n",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(log.String(), fs.Path("events", dead, "enable")) {
		t.Error("wrote an enable file that was already 0")
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

// On the real kernel: a dead pid's group and instance go, a live one's stay.
func TestCleanStaleReal(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	dead := fmt.Sprintf("surftrace_%d", deadPid(t))
	live := fmt.Sprintf("surftrace_%d", livePid(t))
	for _, name := range []string{dead, live} {
		t.Cleanup(func() {
			if l := scanOwned(fs)[name]; l != nil {
				removeOwned(fs, NewWriter(fs, nil), name, l)
			}
		})
		// Built as a run of that pid would have: instance, probe, enabled.
		w := NewWriter(fs, nil)
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
	}
	var log syncBuffer
	openSession(t, fs, Options{Name: sessionName(t, ""), Log: &log})
	if l := scanOwned(fs)[dead]; l != nil || exists(fs.Path("events", dead)) {
		t.Errorf("dead run's %s left: %+v", dead, l)
	}
	if l := scanOwned(fs)[live]; l == nil || len(l.probes) != 1 || !l.instance {
		t.Errorf("live run's %s touched: %+v", live, l)
	}
	if !strings.Contains(log.String(), "# removing "+dead+": pid") {
		t.Errorf("log lacks the removal of %s:\n%s", dead, log.String())
	}
	if strings.Contains(log.String(), live) {
		t.Errorf("log mentions the live %s:\n%s", live, log.String())
	}
}
