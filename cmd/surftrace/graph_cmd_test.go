package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
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
