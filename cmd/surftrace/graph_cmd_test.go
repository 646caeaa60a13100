package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/graph"
)

const graphCapture = "../../internal/graph/testdata/openat2-tail.txt"

func runGraphCmd(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	if dir != "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(wd)
	}
	cmd := newGraphCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestGraphCmdModes(t *testing.T) {
	in, err := filepath.Abs(graphCapture)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"do_sys_openat2", "-i", in, "-m", "tree", "-c", "2"},
			[]string{"# call 1: do_sys_openat2, CPU 0, 310.067 us\n", "  ├─ getname\n", "# call 2: "}},
		{[]string{"-f", "do_sys_openat2", "-i", in, "-m", "walk"},
			[]string{"# call depth total_us self_us function\n", "1 0 310.067 ", "4 1 "}},
		{[]string{"-i", in, "-m", "raw", "-c", "1"}, []string{"# tracer: function_graph\n", "} /* do_sys_openat2 */\n"}},
	}
	for _, tt := range tests {
		out, errOut, err := runGraphCmd(t, "", tt.args...)
		if err != nil {
			t.Errorf("graph %v: %v", tt.args, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("graph %v: output lacks %q:\n%s", tt.args, w, out)
			}
		}
		if !strings.HasPrefix(errOut, "graph: ") {
			t.Errorf("graph %v: summary %q", tt.args, errOut)
		}
	}
}

func TestGraphCmdSVG(t *testing.T) {
	in, err := filepath.Abs(graphCapture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// surfGraph's -o was a 0/1 switch: 1 means the current directory.
	out, errOut, err := runGraphCmd(t, dir, "-f", "do_sys_openat2", "-i", in, "-s", "3", "-o", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "-o 1 is surfGraph's switch") {
		t.Errorf("no note on -o 1: %q", errOut)
	}
	want := "wrote do_sys_openat2-1.svg\nwrote do_sys_openat2-4.svg\nwrote do_sys_openat2-total.svg\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	for _, f := range []string{"do_sys_openat2-1.svg", "do_sys_openat2-4.svg", "do_sys_openat2-total.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestGraphCmdErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
		is   error
	}{
		{[]string{"a", "-f", "b"}, "two functions given", nil},
		{[]string{"-m", "flame", "x"}, `mode "flame"`, graph.ErrBadMode},
		{[]string{}, "no function to graph", graph.ErrNoFunction},
		{[]string{"x", "-i", "/nonexistent/trace"}, "read saved trace", nil},
	}
	for _, tt := range tests {
		_, _, err := runGraphCmd(t, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("graph %v: %v, want %q", tt.args, err, tt.want)
		}
	}
}

// TestGraphCmdOutputs: without -o the calls go to stdout as a tree and no
// file is written; -o DIR gets the merged graph and at most --max-files
// per-call ones, and says how many it left out; -m svg alone writes one
// merged FUNC.svg.
func TestGraphCmdOutputs(t *testing.T) {
	in, err := filepath.Abs(graphCapture)
	if err != nil {
		t.Fatal(err)
	}
	cwd := t.TempDir()
	out, _, err := runGraphCmd(t, cwd, "do_sys_openat2", "-i", in)
	if err != nil || !strings.Contains(out, "# call 1: do_sys_openat2") {
		t.Errorf("default: %v\n%s", err, out)
	}
	if files, _ := os.ReadDir(cwd); len(files) != 0 {
		t.Errorf("default wrote %d files into the current directory", len(files))
	}
	dir := filepath.Join(t.TempDir(), "graphs")
	out, errOut, err := runGraphCmd(t, cwd, "do_sys_openat2", "-i", in, "-o", dir, "--max-files", "2")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if got := strings.Join(names, " "); got != "do_sys_openat2-1.svg do_sys_openat2-2.svg do_sys_openat2-total.svg" {
		t.Errorf("-o DIR --max-files 2 wrote %s\n%s", got, out)
	}
	if !regexp.MustCompile(`graph: \d+ more per-call graphs not written \(at most 2: --max-files N`).MatchString(errOut) {
		t.Errorf("no word on the graphs left out: %q", errOut)
	}
	out, _, err = runGraphCmd(t, cwd, "do_sys_openat2", "-i", in, "-m", "svg")
	if err != nil || out != "wrote do_sys_openat2.svg\n" {
		t.Errorf("-m svg: %v %q", err, out)
	}
	if files, _ := os.ReadDir(cwd); len(files) != 1 {
		t.Errorf("-m svg wrote %d files, want 1", len(files))
	}
}

// TestGraphCmdRawRoundTrip: a capture written by -m raw, read back with
// -i, graphs the function it was captured for, even when another call
// starts at the top before it.
func TestGraphCmdRawRoundTrip(t *testing.T) {
	body, err := os.ReadFile(graphCapture)
	if err != nil {
		t.Fatal(err)
	}
	other := " 0)               |  ksys_read() {\n 0)   1.000 us    |    fdget_pos();\n 0)   2.000 us    |  }\n"
	in := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(in, []byte(other+string(body)), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, _, err := runGraphCmd(t, "", "do_sys_openat2", "-i", in, "-m", "raw")
	if err != nil || !strings.HasPrefix(raw, graph.RawFuncMark+"do_sys_openat2\n") {
		t.Fatalf("-m raw: %v\n%.200s", err, raw)
	}
	saved := filepath.Join(t.TempDir(), "raw.txt")
	if err := os.WriteFile(saved, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runGraphCmd(t, "", "-i", saved, "-m", "tree", "-c", "1")
	if err != nil || !strings.HasPrefix(out, "# call 1: do_sys_openat2") || !strings.Contains(errOut, "of do_sys_openat2") {
		t.Errorf("-i of a raw capture: %v\n%s%s", err, out, errOut)
	}
}

// TestGraphCmdFolded: -m folded writes "a;b;c N" lines that parse back
// into the merged tree: every path under the traced function, and self
// times adding up to its total.
func TestGraphCmdFolded(t *testing.T) {
	in, err := filepath.Abs(graphCapture)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runGraphCmd(t, "", "do_sys_openat2", "-i", in, "-m", "folded")
	if err != nil {
		t.Fatal(err)
	}
	tree, _, err := runGraphCmd(t, "", "do_sys_openat2", "-i", in, "-m", "tree")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	paths := map[string]bool{}
	line := regexp.MustCompile(`^(do_sys_openat2(?:;[^; ]+(?: \[[^]]+\])?)*) ([0-9]+)$`)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not a folded line: %q", l)
		}
		if paths[m[1]] {
			t.Errorf("path twice: %s", m[1])
		}
		paths[m[1]] = true
		n, _ := strconv.ParseInt(m[2], 10, 64)
		sum += n
	}
	for _, want := range []string{"do_sys_openat2;getname;getname_flags.part.0;kmem_cache_alloc", "do_sys_openat2;do_filp_open;path_openat;path_init"} {
		if !paths[want] {
			t.Errorf("no path %s in\n%s", want, out)
		}
	}
	// The tree's header of the merged total is not printed; compare with
	// the sum of every call's total instead.
	var total float64
	for _, m := range regexp.MustCompile(`(?m)^# call \d+: do_sys_openat2, .*?([0-9.]+) us$`).FindAllStringSubmatch(tree, -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		total += v
	}
	if total == 0 || math.Abs(float64(sum)/1000-total) > 0.01*total {
		t.Errorf("folded self times add up to %d ns, the calls to %.3f us", sum, total)
	}
}
