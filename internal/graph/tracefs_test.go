package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeTracefs lays out the files a run touches in a temporary directory, as
// a 6.1 kernel shows them, with trace_pipe holding captured output.
func fakeTracefs(t *testing.T, pipe string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"available_tracers":          "blk mmiotrace function_graph function nop",
		"available_filter_functions": "do_sys_openat2\nfoo.isra.0\nbar\nbar.constprop.0\nbaz.part.0\nbaz.isra.0\ndummy_xmit [dummy]\n",
		"current_tracer":             "nop",
		"tracing_on":                 "1",
		"set_graph_function":         "#### all functions enabled ####",
		"max_graph_depth":            "0",
		"trace":                      "",
		"trace_pipe":                 pipe,
		"options/funcgraph-cpu":      "1",
		"options/funcgraph-duration": "1",
		"options/funcgraph-proc":     "0",
		"options/funcgraph-abstime":  "0",
		"options/funcgraph-tail":     "0",
		"options/latency-format":     "0",
		"options/function-fork":      "0",
		"set_ftrace_notrace_pid":     "no pid",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "instances"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// fakeState reads back what a run may change; set_graph_function written
// empty reads back empty, which the kernel shows as all functions.
func fakeState(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{"current_tracer", "tracing_on", "set_graph_function", "max_graph_depth",
		"options/funcgraph-proc", "options/funcgraph-abstime", "options/funcgraph-tail",
		"options/function-fork", "set_ftrace_notrace_pid"} {
		v, _ := os.ReadFile(filepath.Join(root, f))
		s := strings.TrimSpace(string(v))
		if strings.HasPrefix(s, "#### all functions") || s == "no pid" {
			s = ""
		}
		fmt.Fprintf(&b, "%s=%s\n", f, s)
	}
	ents, _ := os.ReadDir(filepath.Join(root, "instances"))
	for _, e := range ents {
		b.WriteString("instance " + e.Name() + "\n")
	}
	return b.String()
}

func TestRunFakeTracefs(t *testing.T) {
	pipe, err := os.ReadFile("testdata/pipe-openat2.txt")
	if err != nil {
		t.Fatal(err)
	}
	root := fakeTracefs(t, string(pipe))
	before := fakeState(t, root)
	var out, log bytes.Buffer
	err = Run(context.Background(), Config{Func: "do_sys_openat2", Mode: ModeTree, Tracefs: root,
		Stdout: &out, Stderr: &log, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if after := fakeState(t, root); after != before {
		t.Errorf("not put back:\nbefore\n%s\nafter\n%s", before, after)
	}
	inst := fmt.Sprintf("%s/instances/surftrace_%d", root, os.Getpid())
	want := strings.ReplaceAll(`mkdir INST
rmdir INST
# this kernel runs function_graph only in the top-level buffer
echo 0 > R/tracing_on
echo do_sys_openat2 > R/set_graph_function
echo function_graph > R/current_tracer
echo 1 > R/options/funcgraph-proc
echo 1 > R/options/funcgraph-abstime
echo 1 > R/options/funcgraph-tail
echo 1 > R/options/function-fork
# leave out surftrace's own threads
echo TIDS > R/set_ftrace_notrace_pid
echo > R/trace
echo 1 > R/tracing_on
cat R/trace_pipe
graph: 16 complete calls of do_sys_openat2, 1 still running at the end
echo 0 > R/tracing_on
echo > R/set_ftrace_notrace_pid
echo 0 > R/options/function-fork
echo 0 > R/options/funcgraph-tail
echo 0 > R/options/funcgraph-abstime
echo 0 > R/options/funcgraph-proc
echo nop > R/current_tracer
echo > R/set_graph_function
echo 1 > R/tracing_on
`, "INST", inst)
	want = strings.ReplaceAll(want, "R/", root+"/")
	// The thread ids differ from run to run.
	got := regexp.MustCompile(`echo '?[0-9][0-9 ]*'? > (\S*/set_ftrace_notrace_pid)`).ReplaceAllString(log.String(), "echo TIDS > $1")
	if got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	if n := strings.Count(out.String(), "# call "); n != 16 {
		t.Errorf("%d trees, want 16", n)
	}
}

// TestRunHalfWay: a set-up that fails part way is undone.
func TestRunHalfWay(t *testing.T) {
	root := fakeTracefs(t, "")
	before := fakeState(t, root)
	// A directory where an option file should be: writing it fails.
	tail := filepath.Join(root, "options/funcgraph-tail")
	if err := os.Remove(tail); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(tail, 0o755); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	err := Run(context.Background(), Config{Func: "do_sys_openat2", Mode: ModeTree, Tracefs: root,
		Stdout: &log, Stderr: &log, Log: &log})
	if err == nil || !strings.Contains(err.Error(), "funcgraph-tail") {
		t.Fatalf("Run = %v, want a funcgraph-tail error", err)
	}
	before = strings.Replace(before, "options/funcgraph-tail=0", "options/funcgraph-tail=", 1)
	if after := fakeState(t, root); after != before {
		t.Errorf("not put back:\nbefore\n%s\nafter\n%s\nlog\n%s", before, after, log.String())
	}
}

func TestRunRefusals(t *testing.T) {
	tests := []struct {
		name  string
		edit  map[string]string
		fn    string
		want  error
		words string
	}{
		{"no function_graph", map[string]string{"available_tracers": "function nop"}, "do_sys_openat2",
			ErrNoFunctionGraph, "CONFIG_FUNCTION_GRAPH_TRACER"},
		{"tracer in use", map[string]string{"current_tracer": "function"}, "do_sys_openat2",
			ErrTracerBusy, "current_tracer is function"},
		{"unknown function", nil, "nothere", ErrNotTraceable, "not in available_filter_functions"},
		{"several copies", nil, "baz", ErrNotTraceable, "baz.part.0, baz.isra.0: name one"},
		{"similar names", nil, "dummy", ErrNotTraceable, "similar names: dummy_xmit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakeTracefs(t, "")
			for f, v := range tt.edit {
				if err := os.WriteFile(filepath.Join(root, f), []byte(v+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := fakeState(t, root)
			var log bytes.Buffer
			err := Run(context.Background(), Config{Func: tt.fn, Mode: ModeTree, Tracefs: root, Stdout: &log, Stderr: &log})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.words) {
				t.Errorf("Run = %v, want %v saying %q", err, tt.want, tt.words)
			}
			if after := fakeState(t, root); after != before {
				t.Errorf("changed:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

func TestResolveCopy(t *testing.T) {
	root := fakeTracefs(t, "")
	var warn bytes.Buffer
	ts, err := openTracefs(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := resolveFunc(ts, "foo", &warn)
	if err != nil || got != "foo.isra.0" {
		t.Fatalf("resolveFunc(foo) = %q, %v", got, err)
	}
	if !strings.Contains(warn.String(), "foo exists only as the compiler's copy foo.isra.0") {
		t.Errorf("warning %q", warn.String())
	}
	if got, err := resolveFunc(ts, "bar", &warn); err != nil || got != "bar" {
		t.Errorf("resolveFunc(bar) = %q, %v: an exact name wins over its copies", got, err)
	}
}

func TestRestoreTwice(t *testing.T) {
	root := fakeTracefs(t, "")
	var log bytes.Buffer
	ts, err := openTracefs(root, &log)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.swap("current_tracer", "function_graph"); err != nil {
		t.Fatal(err)
	}
	if err := ts.w.Mkdir(ts.path("instances/x")); err != nil {
		t.Fatal(err)
	}
	if err := ts.restore(); err != nil {
		t.Fatal(err)
	}
	if err := ts.restore(); err != nil {
		t.Fatal(err)
	}
	want := "echo function_graph > R/current_tracer\nmkdir R/instances/x\nrmdir R/instances/x\necho nop > R/current_tracer\n"
	if got := strings.ReplaceAll(log.String(), root+"/", "R/"); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}
