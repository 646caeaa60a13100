package main

import (
	"os"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/trace"
)

// TestNotRoot: a run without the right to write tracefs is told so, with
// the sudo line to type, and never blames the kernel's configuration.
func TestNotRoot(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/tracing"); err != nil {
		skipOrFail(t, "no tracefs mount point here: %v", err)
	}
	for _, args := range [][]string{
		{"P /bin/true:main"},
		{"e sched/sched_switch"},
		{"-t", "1s", "p do_sys_openat2"},
		{"graph", "do_sys_openat2"},
	} {
		r := surftrace(t, true, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "tracing needs root") ||
			!strings.Contains(r.stderr, "run it as root: sudo surftrace "+strings.Join(quoted(args), " ")) ||
			strings.Contains(r.stderr, "CONFIG_") {
			t.Errorf("%q as nobody: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
}

func quoted(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = trace.ShellWord(a)
	}
	return out
}
