package ftrace

import (
	"strings"
	"syscall"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

// FuzzParseErrorLog feeds arbitrary error_log and filter-file text, and an
// arbitrary command, to the readers of the kernel's refusals: the text may
// come from any kernel version or from another process writing at the same
// time, and must never panic the error path that reports a failed write.
func FuzzParseErrorLog(f *testing.F) {
	f.Add("[  1.000000] trace_kprobe: error: Invalid fetch argument\n  Command: p:g/f0 ip_output a=%zz\n                                  ^\n", "p:g/f0 ip_output a=%zz")
	f.Add("[ 1.0] x: warning: w\n  Command: c\n^\n[ 2.0] \n  Command: \n  ^\n", "c")
	f.Add("proto==17\n      ^\nparse_error: Field not found\n", "proto==17")
	f.Fuzz(func(t *testing.T, log, cmd string) {
		entries := parseErrorLog(log)
		if n := strings.Count(log, "\n") + 1; len(entries) > n {
			t.Fatalf("%d entries from %d lines", len(entries), n)
		}
		lines := make(map[string]bool)
		for _, l := range strings.Split(log, "\n") {
			lines[l] = true
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Raw, "[") {
				t.Fatalf("entry %q does not start at a timestamp", e.Raw)
			}
			for _, l := range strings.Split(e.Raw, "\n") {
				if !lines[l] {
					t.Fatalf("entry line %q is not in the log", l)
				}
			}
		}
		// An entry already there before the write is never the write's.
		if _, _, ok := newLogEntry(entries, entries, cmd); ok {
			t.Fatal("an old entry was taken for a new one")
		}
		e, pos, ok := newLogEntry(nil, entries, cmd)
		if ok && e.Pos == -1 && pos != -1 {
			t.Fatalf("no caret in the log but position %d", pos)
		}
		msg, fpos := parseFilterError(log, cmd)
		if msg == "" && fpos != -1 {
			t.Fatalf("position %d without a message", fpos)
		}
		// The error a caller gets must print and locate without panicking,
		// whatever position the log gave.
		for _, p := range []int{pos, fpos} {
			ke := &KernelError{Op: "add probe", Path: "uprobe_events", Command: cmd, Errno: syscall.EINVAL, Log: e.Message, Pos: p}
			_ = ke.Error()
			d := &probe.Def{Args: []probe.Arg{{Name: "a", Fetch: "%zz"}, {Name: "b", Fetch: "+0(%si):u32"}}}
			if i := ke.Arg(d); i < -1 || i >= len(d.Args) {
				t.Fatalf("Arg = %d for %d args", i, len(d.Args))
			}
		}
	})
}
