package graph

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const liveTracefs = "/sys/kernel/tracing"

// liveKernel skips unless tracefs can be written, and says whether the
// kernel has function_graph.
func liveKernel(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to write tracefs")
	}
	b, err := os.ReadFile(filepath.Join(liveTracefs, "available_tracers"))
	if err != nil {
		t.Skipf("no tracefs at %s: %v", liveTracefs, err)
	}
	return slices.Contains(strings.Fields(string(b)), "function_graph")
}

// tracefsState is what a run may touch and must put back.
func tracefsState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{"current_tracer", "tracing_on", "set_graph_function", "max_graph_depth",
		"options/funcgraph-proc", "options/funcgraph-abstime", "options/funcgraph-tail", "options/funcgraph-cpu",
		"options/function-fork", "set_ftrace_notrace_pid"} {
		v, err := os.ReadFile(filepath.Join(liveTracefs, f))
		if err != nil {
			v = []byte("(" + err.Error() + ")")
		}
		b.WriteString(f + "=" + strings.TrimSpace(string(v)) + "\n")
	}
	ents, _ := os.ReadDir(filepath.Join(liveTracefs, "instances"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "surftrace_") {
			b.WriteString("instance " + e.Name() + "\n")
		}
	}
	return b.String()
}

// opener starts a shell that opens files until the test ends, so
// do_sys_openat2 has calls to graph. It is started before Run: surftrace
// leaves its own threads and the processes they start out of the trace.
func opener(t *testing.T) {
	t.Helper()
	cmd := exec.Command("sh", "-c", "while :; do cat /etc/passwd >/dev/null; sleep 0.05; done")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
}

// TestLiveRefusal: on a kernel without function_graph (the development
// hosts) the run refuses, names the config option, and touches nothing.
func TestLiveRefusal(t *testing.T) {
	if liveKernel(t) {
		t.Skip("this kernel has function_graph: TestLiveTree covers it")
	}
	before := tracefsState(t)
	var log bytes.Buffer
	err := Run(context.Background(), Config{Func: "do_sys_openat2", Mode: ModeTree, Count: 1, Log: &log, Stderr: &log, Stdout: &log})
	if !errors.Is(err, ErrNoFunctionGraph) || !strings.Contains(err.Error(), "CONFIG_FUNCTION_GRAPH_TRACER") {
		t.Fatalf("Run on a kernel without function_graph: %v", err)
	}
	if after := tracefsState(t); after != before {
		t.Errorf("tracefs changed:\nbefore\n%s\nafter\n%s", before, after)
	}
}

// TestLiveTree graphs do_sys_openat2 for real (in the VM) and checks the
// trees, the logged commands, and that tracefs is back as it was.
func TestLiveTree(t *testing.T) {
	if !liveKernel(t) {
		t.Skip("this kernel has no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)")
	}
	before := tracefsState(t)
	opener(t)
	var out, log bytes.Buffer
	err := Run(context.Background(), Config{Func: "do_sys_openat2", Mode: ModeTree, Count: 3, Duration: time.Minute,
		Stdout: &out, Stderr: &log, Log: &log})
	t.Logf("log:\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
	if after := tracefsState(t); after != before {
		t.Errorf("tracefs not put back:\nbefore\n%s\nafter\n%s", before, after)
	}
	got := out.String()
	if n := strings.Count(got, "# call "); n != 3 {
		t.Errorf("%d calls printed, want 3:\n%s", n, got)
	}
	if strings.Contains(got, "graph.t-") {
		t.Errorf("the test's own opens were graphed:\n%s", got)
	}
	for _, want := range []string{"# call 1: do_sys_openat2, ", ": do_sys_openat2, cat-", "├─ getname", "do_filp_open", "path_openat"} {
		if !strings.Contains(got, want) {
			t.Errorf("tree output lacks %q:\n%s", want, got)
		}
	}
	for _, want := range []string{"echo function_graph > " + liveTracefs + "/current_tracer",
		"echo do_sys_openat2 > " + liveTracefs + "/set_graph_function", "echo nop > " + liveTracefs + "/current_tracer"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	t.Logf("first tree:\n%s", strings.SplitN(got, "\n\n", 2)[0])
}

// TestLiveSVG writes flame graphs for real and parses them.
func TestLiveSVG(t *testing.T) {
	if !liveKernel(t) {
		t.Skip("this kernel has no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)")
	}
	before := tracefsState(t)
	opener(t)
	dir := t.TempDir()
	var out, log bytes.Buffer
	err := Run(context.Background(), Config{Func: "do_sys_openat2", Count: 2, Step: 1, Duration: time.Minute, OutDir: dir, Depth: 4,
		Stdout: &out, Stderr: &log, Log: &log})
	t.Logf("output:\n%s\nlog:\n%s", out.String(), log.String())
	if err != nil {
		t.Fatal(err)
	}
	if after := tracefsState(t); after != before {
		t.Errorf("tracefs not put back:\nbefore\n%s\nafter\n%s", before, after)
	}
	for _, name := range []string{"do_sys_openat2-1.svg", "do_sys_openat2-2.svg", "do_sys_openat2-total.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		titles := svgTitles(t, b)
		if !hasPrefix(titles, "do_sys_openat2: ") || !hasPrefix(titles, "getname: ") {
			t.Errorf("%s: frames %q lack do_sys_openat2 or getname", name, titles)
		}
	}
}

// TestLiveBusy: another user of the top-level tracer is never clobbered.
func TestLiveBusy(t *testing.T) {
	if !liveKernel(t) {
		t.Skip("this kernel has no function_graph tracer (CONFIG_FUNCTION_GRAPH_TRACER)")
	}
	probe := filepath.Join(liveTracefs, "instances", "surftrace_busytest")
	if err := os.Mkdir(probe, 0o755); err != nil {
		t.Fatal(err)
	}
	avail, _ := os.ReadFile(filepath.Join(probe, "available_tracers"))
	if err := os.Remove(probe); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(strings.Fields(string(avail)), "function_graph") {
		t.Skip("this kernel runs function_graph in an instance: the top-level tracer is not needed")
	}
	cur := filepath.Join(liveTracefs, "current_tracer")
	if err := os.WriteFile(cur, []byte("function\n"), 0); err != nil {
		t.Fatal(err)
	}
	defer os.WriteFile(cur, []byte("nop\n"), 0)
	before := tracefsState(t)
	err := Run(context.Background(), Config{Func: "do_sys_openat2", Mode: ModeTree, Count: 1, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	if !errors.Is(err, ErrTracerBusy) {
		t.Fatalf("Run with the top-level tracer busy: %v, want ErrTracerBusy", err)
	}
	if after := tracefsState(t); after != before {
		t.Errorf("tracefs changed:\nbefore\n%s\nafter\n%s", before, after)
	}
}

// svgTitles returns the <title> texts of an SVG, failing if it is not XML.
func svgTitles(t *testing.T, b []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var titles []string
	in := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return titles
			}
			t.Fatalf("SVG is not XML: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			in = v.Name.Local == "title"
		case xml.CharData:
			if in {
				titles = append(titles, string(v))
			}
		case xml.EndElement:
			in = false
		}
	}
}

func hasPrefix(list []string, p string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.HasPrefix(s, p) })
}
