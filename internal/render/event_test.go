package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// deliver runs lines through Copy with Deliver set and returns the Events.
func deliver(t *testing.T, in string, opts Options) []*Event {
	t.Helper()
	var got []*Event
	opts.Deliver = func(e *Event) error { got = append(got, e); return nil }
	if err := Copy(nil, strings.NewReader(in), opts); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	return got
}

// Every value is typed by its fetch type and its name's prefix, as the
// text and JSON outputs show it.
func TestDeliverTypes(t *testing.T) {
	a := func(name, typ string) probe.Arg {
		return probe.Arg{Name: name, Type: typ, Display: vocab.DisplayForName(name)}
	}
	defs := []*probe.Def{
		{Kind: probe.Kprobe, Name: "f0", Target: "ip_output", Args: []probe.Arg{
			a("s", "s32"), a("u", "u64"), a("x", "x16"), a("str", "string"), a("gone", "string"),
			a("ip_dst", "u32"), a("mac_src", "x8[6]"), a("ip6_a", "x8[16]"), a("b16_port", "u16"),
			a("B32_mark", "x32"), a("arr", "s16[3]"), a("bytes", "u8[2]"),
			{Name: "state", Type: "s32", Enum: map[int64]string{1: "TCP_ESTABLISHED"}},
			{Name: "bf", Type: "b3@0/8", Display: probe.DisplaySignedBits},
			a("sym", "symbol"), a("c8", "s8")}},
	}
	schema := SchemaFromDefs(defs)
	schema.AddEvent("sched_switch", []string{"prev_comm", "prev_pid", "prev_state", "next_pid"})
	in := ` <...>-2733784 (2733780) [014] d..1. 12648619.219880: f0: (ip_output+0x0/0xd0) s=-5 u=18446744073709551615 x=0xbeef str="a b=1" gone=(fault)` +
		` ip_dst=16777343 mac_src={0x52,0x54,0x0,0x12,0x34,0x56} ip6_a={0x20,0x1,0xd,0xb8,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x1}` +
		` b16_port=20480 B32_mark=0x1 arr={-1,2,-3} bytes={7,255} state=1 bf=7 sym=tcp_sendmsg+0x0/0x50 c8=-128` + "\n" +
		`          <idle>-0       [001] ..s2.   123.456789: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_state=-1 next_pid=0x10` + "\n"
	got := deliver(t, in, Options{Schema: schema})
	if len(got) != 2 {
		t.Fatalf("%d events, want 2", len(got))
	}
	e := got[0]
	if e.Task != "<...>" || e.Pid != 2733784 || e.Tgid != 2733780 || e.CPU != 14 || e.Flags != "d..1." ||
		e.Timestamp != "12648619.219880" || e.Time != 12648619*time.Second+219880*time.Microsecond ||
		e.Name != "f0" || e.Location != "ip_output+0x0/0xd0" || e.RetFrom != "" {
		t.Errorf("header: %+v", e)
	}
	want := map[string]any{
		"s": int64(-5), "u": uint64(1<<64 - 1), "x": uint64(0xbeef), "str": "a b=1", "gone": nil,
		"ip_dst": net.IP{127, 0, 0, 1}, "mac_src": net.HardwareAddr{0x52, 0x54, 0, 0x12, 0x34, 0x56},
		"ip6_a":    net.ParseIP("2001:db8::1"),
		"b16_port": uint64(80), "B32_mark": uint64(0x01000000), "arr": []int64{-1, 2, -3},
		"bytes": []byte{7, 255}, "state": "TCP_ESTABLISHED", "bf": int64(-1),
		"sym": "tcp_sendmsg+0x0/0x50", "c8": int64(-128),
	}
	if len(e.Fields) != len(want) {
		t.Errorf("%d fields, want %d: %+v", len(e.Fields), len(want), e.Fields)
	}
	for name, w := range want {
		v, ok := e.Get(name)
		if !ok {
			t.Errorf("%s: missing", name)
			continue
		}
		if !reflect.DeepEqual(v, w) {
			t.Errorf("%s = %#v (%T), want %#v (%T)", name, v, v, w, w)
		}
	}
	if f := e.Fields[0]; f.Name != "s" || f.Raw != "-5" {
		t.Errorf("first field %+v, want s raw -5", f)
	}
	tp := got[1]
	for name, w := range map[string]any{"prev_comm": "swapper/1", "prev_pid": int64(0), "prev_state": int64(-1), "next_pid": uint64(16)} {
		if v, _ := tp.Get(name); !reflect.DeepEqual(v, w) {
			t.Errorf("tracepoint %s = %#v, want %#v", name, v, w)
		}
	}
	if _, ok := tp.Get("nope"); ok {
		t.Error("Get of a missing field reports it present")
	}
}

// An event waits for its stack blocks; lost-event reports are counted
// into the next event; lines that are no event are skipped.
func TestDeliverStacksAndLost(t *testing.T) {
	in := strings.Join([]string{
		"# tracer: nop",
		ev("000", "f0"), ev("001", "f1"), stackHead("000"), " => a", " => b",
		`a-1 [000] .... 1.0: <user stack trace>`, " =>  <00007f0000001234>",
		"CPU:1 [LOST 12 EVENTS]",
		ev("001", "f2"),
		stackHead("003"), " => orphan",
	}, "\n")
	got := deliver(t, in, Options{Stacks: true})
	var desc []string
	for _, e := range got {
		desc = append(desc, fmt.Sprintf("%s:%q|%q lost=%d", e.Name, e.Stack, e.UserStack, e.Lost))
	}
	want := []string{
		`f0:["a" "b"]|["<00007f0000001234>"] lost=0`,
		`f1:[]|[] lost=0`,
		`f2:[]|[] lost=12`,
		`<stack trace>:["orphan"]|[] lost=12`,
	}
	if strings.Join(desc, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(desc, "\n"), strings.Join(want, "\n"))
	}
	if got[1].Stack != nil {
		t.Errorf("an event without a stack block has Stack %q, want nil", got[1].Stack)
	}
}

// An error from Deliver stops Copy and comes back from it.
func TestDeliverError(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	in := strings.Repeat(ev("000", "f0")+"\n", 5)
	err := Copy(nil, strings.NewReader(in), Options{Deliver: func(*Event) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("Copy = %v after %d events, want the Deliver error after 2", err, n)
	}
}

// Delivered events agree with --json on every event of the benchmark
// corpus: the same events, the same names, the same values.
func TestDeliverAgreesWithJSON(t *testing.T) {
	in := genCorpus(3000, true)
	var out bytes.Buffer
	if err := Copy(&out, bytes.NewReader(in), Options{JSON: true, Schema: corpusSchema()}); err != nil {
		t.Fatal(err)
	}
	got := deliver(t, string(in), Options{Schema: corpusSchema()})
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(got) {
		t.Fatalf("%d JSON objects, %d events", len(lines), len(got))
	}
	for i, l := range lines {
		var obj struct {
			Task  string         `json:"task"`
			Pid   int            `json:"pid"`
			CPU   int            `json:"cpu"`
			Event string         `json:"event"`
			Args  map[string]any `json:"args"`
			Stack []string       `json:"stack"`
		}
		d := json.NewDecoder(strings.NewReader(l))
		d.UseNumber()
		if err := d.Decode(&obj); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		e := got[i]
		if e.Task != obj.Task || e.Pid != obj.Pid || e.CPU != obj.CPU || e.Name != obj.Event || len(e.Fields) != len(obj.Args) || !reflect.DeepEqual(e.Stack, obj.Stack) && len(obj.Stack)+len(e.Stack) > 0 {
			t.Fatalf("event %d: %+v\njson: %s", i, e, l)
		}
		for _, f := range e.Fields {
			if j, v := jsonText(obj.Args[f.Name]), goText(f.Value); j != v {
				t.Fatalf("event %d %s: delivered %s (%T), JSON %s\n%s", i, f.Name, v, f.Value, j, l)
			}
		}
	}
}

// jsonText and goText put a JSON value and a delivered one in one form:
// numbers in decimal, hex strings as numbers, addresses as text.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return x.String()
	case string:
		var u uint64
		if _, err := fmt.Sscanf(x, "0x%x", &u); err == nil && strings.HasPrefix(x, "0x") {
			return fmt.Sprint(u)
		}
		return x
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, jsonText(e))
		}
		return "[" + strings.Join(s, " ") + "]"
	}
	return fmt.Sprint(v)
}

func goText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []byte:
		var s []string
		for _, b := range x {
			s = append(s, fmt.Sprint(b))
		}
		return "[" + strings.Join(s, " ") + "]"
	case []int64, []uint64:
		return strings.ReplaceAll(fmt.Sprint(x), ",", "")
	}
	return fmt.Sprint(v)
}

// With Stacks, a delivered event waits for its stack across an idle
// source, as a JSON event does, even before the first stack block.
func TestDeliverWaitsForStackWhenIdle(t *testing.T) {
	var got []*Event
	r := New(nil, Options{Stacks: true, Deliver: func(e *Event) error { got = append(got, e); return nil }})
	if err := r.Line([]byte(ev("000", "f0"))); err != nil {
		t.Fatal(err)
	}
	if err := r.Idle(); err != nil || len(got) != 0 {
		t.Fatalf("idle before the stack: delivered %d events (%v), want 0", len(got), err)
	}
	for _, l := range []string{stackHead("000"), " => a"} {
		if err := r.Line([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Idle(); err != nil || len(got) != 1 || len(got[0].Stack) != 1 || got[0].Stack[0] != "a" {
		t.Fatalf("after the stack: %d events (%v), want f0 with stack [a]", len(got), err)
	}
}
