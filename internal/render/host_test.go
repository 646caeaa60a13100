package render

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// Traces captured on a 6.18 host from a uprobe and uretprobe on a small C
// function called with nasty strings (a space, `q" x=1`, a newline, "",
// a tab) and a string at a bad address: record-tgid, stacktrace and
// userstacktrace on (host-uprobe-stacks.trace), and irq-info off, so no
// flags column (host-uprobe-noirq.trace).
func hostDefs() []*probe.Def {
	a := func(name, typ string) probe.Arg {
		return probe.Arg{Name: name, Type: typ, Display: vocab.DisplayForName(name)}
	}
	return []*probe.Def{
		{Kind: probe.Uprobe, Name: "p0", Args: []probe.Arg{a("v", "s32"), a("s", "string"), a("bad", "string"), a("ip_v", "u32"), a("ip6_a", "x8[16]"), a("mac_m", "u8[6]"), a("last", "x32")}},
		{Kind: probe.Uretprobe, Name: "r1", Args: []probe.Arg{a("ret", "s32")}},
	}
}

type hostEvent struct {
	Event     string          `json:"event"`
	Tgid      int             `json:"tgid"`
	Flags     *string         `json:"flags"`
	Args      json.RawMessage `json:"args"`
	Stack     []string        `json:"stack"`
	UserStack []string        `json:"user_stack"`
}

func readHost(t *testing.T, name string, opts Options) []hostEvent {
	t.Helper()
	in, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Copy(&out, bytes.NewReader(in), opts); err != nil {
		t.Fatal(err)
	}
	var evs []hostEvent
	for _, l := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
		var e hostEvent
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		evs = append(evs, e)
	}
	return evs
}

func TestHostTraces(t *testing.T) {
	wantArgs := []string{
		`{"v":-2,"s":"a b","bad":null,"ip_v":"254.255.255.255","ip6_a":"500::","mac_m":"05:00:00:00:00:00","last":"0xfffffffe"}`,
		`{"ret":6}`,
		`{"v":-1,"s":"q\" x=1","bad":null,"ip_v":"255.255.255.255","ip6_a":"500::","mac_m":"05:00:00:00:00:00","last":"0xffffffff"}`,
		`{"ret":10}`,
		`{"v":0,"s":"line1\nline2","bad":null,"ip_v":"0.0.0.0","ip6_a":"500::","mac_m":"05:00:00:00:00:00","last":"0x0"}`,
		`{"ret":16}`,
		`{"v":1,"s":"","bad":null,"ip_v":"1.0.0.0","ip6_a":"500::","mac_m":"05:00:00:00:00:00","last":"0x1"}`,
		`{"ret":6}`,
		`{"v":2,"s":"tab\there","bad":null,"ip_v":"2.0.0.0","ip6_a":"500::","mac_m":"05:00:00:00:00:00","last":"0x2"}`,
		`{"ret":15}`,
	}
	evs := readHost(t, "host-uprobe-stacks.trace", Options{JSON: true, Schema: SchemaFromDefs(hostDefs())})
	if len(evs) != len(wantArgs) {
		t.Fatalf("got %d events, want %d", len(evs), len(wantArgs))
	}
	for i, e := range evs {
		if string(e.Args) != wantArgs[i] {
			t.Errorf("event %d args:\ngot  %s\nwant %s", i, e.Args, wantArgs[i])
		}
		if e.Tgid == 0 || len(e.Stack) < 6 || len(e.UserStack) != 1 || e.UserStack[0][0] != '<' {
			t.Errorf("event %d: tgid %d, stack %q, user stack %q", i, e.Tgid, e.Stack, e.UserStack)
		}
	}

	// Without flags column and without schema: the `q" x=1` string is cut
	// (offline has only the line to go by), everything else is the same.
	evs = readHost(t, "host-uprobe-noirq.trace", Options{JSON: true})
	if len(evs) != 10 || evs[0].Flags != nil {
		t.Fatalf("noirq: %d events, flags %v", len(evs), evs[0].Flags)
	}
	if got := string(evs[4].Args); got != `{"v":0,"s":"line1\nline2","ip6_a":"500::","mac_m":"05:00:00:00:00:00","last":"0x0"}` {
		t.Errorf("noirq event 4: %s", got)
	}
}
