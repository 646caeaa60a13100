package ftrace

import (
	"os"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

// testdata/error_log.txt is a host's error_log after bad uprobe_events
// lines and a bad filter.
func TestParseErrorLog(t *testing.T) {
	data, err := os.ReadFile("testdata/error_log.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := parseErrorLog(string(data))
	want := []logEntry{
		{Location: "trace_uprobe", Message: "Invalid register name", Command: "p:surftrace_exp/x /bin/true:0x0 a=%zz", Pos: 34},
		{Location: "trace_uprobe", Message: "Failed to find the given file", Command: "p:surftrace_exp/x /nonexist:0x10", Pos: 18},
		{Location: "event filter parse error", Message: "Field not found", Command: "proto==17", Pos: 6},
		{Location: "trace_uprobe", Message: "Unknown type is specified", Pos: 140,
			Command: "p:surftrace_exp/p0 /tmp/uexp/t:0x1149 a=%di:s32 pa=+0(%si):u32 pb=+4(%si):x32 s=+0(%dx):string arr=+0(%dx):x8[3] bf=+0(%si):b3@2/32 sym=%si:symbol"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g := got[i]
		g.Raw = ""
		if g != want[i] {
			t.Errorf("entry %d = %+v\nwant %+v", i, g, want[i])
		}
	}
	if got[0].Command[got[0].Pos:] != "%zz" || got[3].Command[got[3].Pos:] != "symbol" {
		t.Errorf("carets point at %q and %q", got[0].Command[got[0].Pos:], got[3].Command[got[3].Pos:])
	}
}

func TestNewLogEntry(t *testing.T) {
	data, _ := os.ReadFile("testdata/error_log.txt")
	all := parseErrorLog(string(data))
	cmd := "p:surftrace_exp/x /bin/true:0x0 a=%zz"
	if _, _, ok := newLogEntry(all, all, cmd); ok {
		t.Error("an entry seen before the write was taken as new")
	}
	if e, pos, ok := newLogEntry(all[1:], all, cmd); !ok || e.Message != "Invalid register name" || pos != 34 {
		t.Errorf("new entry = %+v %d %v", e, pos, ok)
	}
	// Another process's concurrent error is not ours.
	if _, _, ok := newLogEntry(nil, all[2:3], cmd); ok {
		t.Error("an entry for another command was taken")
	}
	// Blanks the kernel collapsed still match, and the caret moves with them.
	if _, pos, ok := newLogEntry(nil, all[:1], "  p:surftrace_exp/x  /bin/true:0x0   a=%zz "); !ok || pos != 39 {
		t.Errorf("collapsed blanks: pos %d ok %v", pos, ok)
	}
}

func TestMapPos(t *testing.T) {
	tests := []struct {
		kernel, ours string
		kpos, want   int
		ok           bool
	}{
		{"a b", "a b", 2, 2, true},
		{"a b", "a   b", 2, 4, true},
		{"a b", "\ta b\t", 0, 1, true},
		{"a b", "a b", -1, -1, true},
		{"a b", "a  b", 3, 4, true},
		{"a b", "a c", 0, -1, false},
	}
	for _, tt := range tests {
		got, ok := mapPos(tt.kernel, tt.ours, tt.kpos)
		if got != tt.want || ok != tt.ok {
			t.Errorf("mapPos(%q, %q, %d) = %d, %v; want %d, %v", tt.kernel, tt.ours, tt.kpos, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFilterError(t *testing.T) {
	tests := []struct {
		content, cmd, msg string
		pos               int
	}{
		{"proto==17\n      ^\nparse_error: Field not found\n", "proto==17", "Field not found", 6},
		{"comm == \"x\" && &&\nError: (0)\n", `comm == "x" && &&`, "", -1},
		{"none\n", "x", "", -1},
	}
	for _, tt := range tests {
		msg, pos := parseFilterError(tt.content, tt.cmd)
		if msg != tt.msg || pos != tt.pos {
			t.Errorf("parseFilterError(%q) = %q, %d; want %q, %d", tt.content, msg, pos, tt.msg, tt.pos)
		}
	}
}

func TestKernelErrorArg(t *testing.T) {
	d := &probe.Def{Kind: probe.Uprobe, Name: "p0", Target: "/bin/x:0x10",
		Args: []probe.Arg{{Name: "a", Fetch: "%di:u32"}, {Name: "b", Fetch: "+0(%si):strin"}}}
	line := d.Line("g")
	tests := []struct {
		at   string // the text the caret points at
		want int
	}{
		{"p0", -1},
		{"/bin/x", -1},
		{"a=%di", 0},
		{"%di", 0},
		{"u32", 0},
		{"b=", 1},
		{"strin", 1},
	}
	for _, tt := range tests {
		ke := &KernelError{Path: "/t/uprobe_events", Command: line, Pos: strings.Index(line, tt.at)}
		if got := ke.Arg(d); got != tt.want {
			t.Errorf("caret at %q: Arg = %d, want %d", tt.at, got, tt.want)
		}
	}
	if got := (&KernelError{Path: "/t/uprobe_events", Command: "other", Pos: 2}).Arg(d); got != -1 {
		t.Errorf("foreign command: Arg = %d", got)
	}
}
