package ftrace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTree makes a directory with the named files (content "0\n") and
// returns an FS on it whose rmdir removes contents, as the kernel does
// for an instance.
func fakeTree(t *testing.T, files ...string) *FS {
	t.Helper()
	root := t.TempDir()
	for _, f := range files {
		p := filepath.Join(root, f)
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := NewFS(root)
	fs.rmdir = os.RemoveAll
	return fs
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWriterUndo(t *testing.T) {
	fs := fakeTree(t, "uprobe_events", "instances/")
	var log strings.Builder
	w := NewWriter(fs, &log)
	inst := fs.Path("instances", "surftrace_1")
	if err := w.Mkdir(inst); err != nil {
		t.Fatal(err)
	}
	events := fs.Path("uprobe_events")
	os.WriteFile(events, nil, 0o644)
	if err := w.Append(events, "p:surftrace_1/p0 /bin/x:0x10 a=%di:u32", "-:surftrace_1/p0"); err != nil {
		t.Fatal(err)
	}
	filter := filepath.Join(inst, "filter")
	os.WriteFile(filter, []byte("none\n"), 0o644)
	if err := w.Write(filter, "a == 'x'", "0"); err != nil {
		t.Fatal(err)
	}
	enable := filepath.Join(inst, "enable")
	os.WriteFile(enable, []byte("0\n"), 0o644)
	if err := w.Write(enable, "1", "0"); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(filepath.Join(inst, "missing", "enable"), "1", "0"); err == nil {
		t.Error("write to a missing file succeeded")
	}
	if got := readFile(t, filter); got != "a == 'x'\n" {
		t.Errorf("filter = %q", got)
	}
	if w.Pending() != 4 {
		t.Errorf("Pending = %d, want 4 (the failed write pushes nothing)", w.Pending())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, events); got != "p:surftrace_1/p0 /bin/x:0x10 a=%di:u32\n-:surftrace_1/p0\n" {
		t.Errorf("uprobe_events = %q", got)
	}
	if exists(inst) {
		t.Error("instance not removed")
	}
	want := strings.Join([]string{
		"mkdir " + inst,
		"echo 'p:surftrace_1/p0 /bin/x:0x10 a=%di:u32' >> " + events,
		`echo 'a == '\''x'\''' > ` + filter,
		"echo 1 > " + enable,
		"echo 1 > " + filepath.Join(inst, "missing", "enable"),
		"echo 0 > " + enable,
		"echo 0 > " + filter,
		"echo -:surftrace_1/p0 >> " + events,
		"rmdir " + inst,
	}, "\n") + "\n"
	if log.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), want)
	}
	log.Reset()
	if err := w.Close(); err != nil || log.Len() != 0 {
		t.Errorf("second Close = %v, logged %q", err, log.String())
	}
}

// Close keeps going past a failing step and reports every failure.
func TestWriterCloseKeepsGoing(t *testing.T) {
	fs := fakeTree(t, "a", "b", "c")
	w := NewWriter(fs, nil)
	for _, f := range []string{"a", "b", "c"} {
		if err := w.Write(fs.Path(f), "1", "0"); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(fs.Path("b"))
	err := w.Close()
	if err == nil || !strings.Contains(err.Error(), fs.Path("b")) {
		t.Errorf("Close = %v, want the failure on b", err)
	}
	for _, f := range []string{"a", "c"} {
		if got := readFile(t, fs.Path(f)); got != "0\n" {
			t.Errorf("%s = %q, want it undone", f, got)
		}
	}
}

// Defer registers a clean-up for a file a failed write may have changed.
func TestWriterDefer(t *testing.T) {
	fs := fakeTree(t, "filter")
	var log strings.Builder
	w := NewWriter(fs, &log)
	w.Defer(fs.Path("filter"), "0")
	os.WriteFile(fs.Path("filter"), []byte("bad\n ^\nparse_error: x\n"), 0o644)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, fs.Path("filter")); got != "0\n" {
		t.Errorf("filter = %q", got)
	}
	if log.String() != "echo 0 > "+fs.Path("filter")+"\n" {
		t.Errorf("log = %q", log.String())
	}
}

// Rollback undoes only what was pushed after the mark, now, and leaves the
// older steps for Close.
func TestWriterRollback(t *testing.T) {
	fs := fakeTree(t, "tracing_on", "instances/")
	var log strings.Builder
	w := NewWriter(fs, &log)
	on := fs.Path("tracing_on")
	if err := w.Write(on, "1", "0"); err != nil {
		t.Fatal(err)
	}
	mark := w.Pending()
	inst := fs.Path("instances", "x")
	if err := w.Mkdir(inst); err != nil {
		t.Fatal(err)
	}
	if err := w.Rollback(mark); err != nil {
		t.Fatal(err)
	}
	if exists(inst) {
		t.Error("instance not removed by Rollback")
	}
	if w.Pending() != 1 {
		t.Errorf("Pending = %d after Rollback, want 1", w.Pending())
	}
	if err := w.Rollback(5); err != nil || w.Pending() != 1 {
		t.Errorf("Rollback past the end = %v, Pending %d: want a no-op", err, w.Pending())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, on); got != "0\n" {
		t.Errorf("tracing_on = %q, want it undone by Close", got)
	}
	want := "echo 1 > " + on + "\nmkdir " + inst + "\nrmdir " + inst + "\necho 0 > " + on + "\n"
	if log.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), want)
	}
}

// An empty value is logged as ftrace.rst writes it, and an empty Defer is
// still a step: clearing a file is an undo like any other.
func TestWriterEmptyValue(t *testing.T) {
	fs := fakeTree(t, "trace", "set_graph_function", "events")
	var log strings.Builder
	w := NewWriter(fs, &log)
	if err := w.Write(fs.Path("trace"), "", ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(fs.Path("events"), "", ""); err != nil {
		t.Fatal(err)
	}
	w.Defer(fs.Path("set_graph_function"), "")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, fs.Path("set_graph_function")); got != "\n" {
		t.Errorf("set_graph_function = %q, want it cleared", got)
	}
	want := "echo > " + fs.Path("trace") + "\necho >> " + fs.Path("events") + "\necho > " + fs.Path("set_graph_function") + "\n"
	if log.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), want)
	}
}
