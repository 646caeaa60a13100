package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// fixtureExprs traces every kind of value the fixture passes: a nested
// struct member, char[16] and char * strings with spaces, bitfields, a
// packet buffer read through casts with ip_ and b16_ names and a filter on
// them, and the return values. p4's filter matches no packet: the run must
// show none of its events.
func fixtureExprs(bin string) []string {
	return []string{
		"P " + bin + ":func v=%0 a=%1->in.a b=S%1->in.b name=%1->name msg=%1->msg f=%1->flags k=%1->kind",
		"R " + bin + ":func r=$retval",
		"P " + bin + ":parse_pkt ip_src=!(struct iphdr *)%0->saddr ip_dst=!(struct pkt *)%0->ip.daddr " +
			"b16_port=!(struct pkt *)%0->udp.dest b16_sport=!(struct pkt *)%0->udp.source " +
			"body=!(struct pkt *)%0->payload len=%1 f:ip_src==10.1.2.3&&b16_port==9988",
		"R " + bin + ":parse_pkt r=$retval",
		"P " + bin + ":parse_pkt b16_port=!(struct pkt *)%0->udp.dest f:b16_port==1234",
	}
}

// wantRound is what one round of the fixture shows, as "EVENT: ARGS"
// without the probe location (addresses change with every run).
func wantRound(i int) []string {
	return []string{
		fmt.Sprintf(`p0: v=%d a=2 b=3 name="hello world" msg="a b c" f=5 k=9`, 40+i),
		fmt.Sprintf(`r1: r=%d`, 42+i),
		`p2: ip_src=10.1.2.3 ip_dst=192.168.0.1 b16_port=9988 b16_sport=1234 body="Hello World" len=44`,
		`r3: r=9988`,
	}
}

// eventRe splits a rendered event line: task-pid, cpu, flags, timestamp,
// event, the optional (location) and the arguments.
var eventRe = regexp.MustCompile(`^\s*(.*)-([0-9]+)\s+\[([0-9]+)\]\s+(\S+)\s+([0-9.]+): ([A-Za-z0-9_]+): (?:\(([^)]*)\) ?)?(.*)$`)

// event is one parsed text event line.
type event struct {
	task, pid, name, loc, args string
}

func parseEvent(t *testing.T, line string) event {
	t.Helper()
	m := eventRe.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("not an event line: %q", line)
	}
	return event{task: m[1], pid: m[2], name: m[6], loc: m[7], args: m[8]}
}

// bodies turns event lines into "EVENT: ARGS", checking that each came from
// pid.
func bodies(t *testing.T, lines []string, pid int) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		e := parseEvent(t, l)
		if e.pid != fmt.Sprint(pid) {
			t.Errorf("event from pid %s, want the fixture's %d: %q", e.pid, pid, l)
		}
		out = append(out, e.name+": "+e.args)
	}
	return out
}

func TestLiveValues(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	const rounds = 2
	p := start(t, bin, append([]string{"-c", fmt.Sprint(4 * rounds), "-t", "30s"}, fixtureExprs(fx)...)...)
	p.waitSetUp()
	pid := runFixture(t, fx, rounds, 0)
	p.waitOK()
	var want []string
	for i := 0; i < rounds; i++ {
		want = append(want, wantRound(i)...)
	}
	got := bodies(t, p.Stdout(), pid)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, l := range p.Stdout() {
		e := parseEvent(t, l)
		if e.name[0] == 'r' && !strings.Contains(e.loc, " <- ") {
			t.Errorf("return event without (to <- from) location: %q", l)
		}
	}
	p.assertClean()
}

// jsonEvent is the part of a --json event the test checks.
type jsonEvent struct {
	Task      string         `json:"task"`
	Pid       any            `json:"pid"`
	CPU       any            `json:"cpu"`
	Flags     string         `json:"flags"`
	Timestamp any            `json:"timestamp"`
	Event     string         `json:"event"`
	Location  string         `json:"location"`
	RetFrom   string         `json:"ret_from"`
	Args      map[string]any `json:"args"`
}

func decodeJSON(t *testing.T, line string) jsonEvent {
	t.Helper()
	var e jsonEvent
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		t.Fatalf("event is not the expected JSON object: %v: %s", err, line)
	}
	return e
}

func TestLiveValuesJSON(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	p := start(t, bin, append([]string{"--json", "-c", "4", "-t", "30s"}, fixtureExprs(fx)...)...)
	p.waitSetUp()
	pid := runFixture(t, fx, 1, 0)
	p.waitOK()
	n := func(s string) json.Number { return json.Number(s) }
	want := []struct {
		event string
		args  map[string]any
	}{
		{"p0", map[string]any{"v": n("40"), "a": n("2"), "b": n("3"), "name": "hello world", "msg": "a b c", "f": n("5"), "k": n("9")}},
		{"r1", map[string]any{"r": n("42")}},
		{"p2", map[string]any{"ip_src": "10.1.2.3", "ip_dst": "192.168.0.1", "b16_port": n("9988"), "b16_sport": n("1234"), "body": "Hello World", "len": n("44")}},
		{"r3", map[string]any{"r": n("9988")}},
	}
	lines := p.Stdout()
	if len(lines) != len(want) {
		t.Fatalf("%d events, want %d\n%s", len(lines), len(want), p.dump())
	}
	for i, l := range lines {
		e := decodeJSON(t, l)
		if e.Event != want[i].event || !reflect.DeepEqual(e.Args, want[i].args) {
			t.Errorf("event %d: %s %v, want %s %v", i, e.Event, e.Args, want[i].event, want[i].args)
		}
		// The kernel names a task from a small cache of comms, and shows
		// "<...>" when another one pushed it out.
		if e.Pid != n(fmt.Sprint(pid)) || e.Task != "fixture" && e.Task != "<...>" {
			t.Errorf("event %d from %s-%#v, want fixture-%d", i, e.Task, e.Pid, pid)
		}
		ts, isNum := e.Timestamp.(json.Number)
		if _, err := ts.Float64(); !isNum || err != nil || e.Flags == "" {
			t.Errorf("event %d: timestamp %#v flags %q", i, e.Timestamp, e.Flags)
		}
		if _, isNum := e.CPU.(json.Number); !isNum {
			t.Errorf("event %d: cpu %#v is not a number", i, e.CPU)
		}
		if ret := e.Event[0] == 'r'; ret != (e.RetFrom != "") || e.Location == "" {
			t.Errorf("event %d: location %q ret_from %q", i, e.Location, e.RetFrom)
		}
	}
	p.assertClean()
}

// TestLiveExprFile reads expressions with -f: a comment, a blank line and
// spaces around a line are skipped.
func TestLiveExprFile(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	file := filepath.Join(t.TempDir(), "exprs")
	text := "# traced by TestLiveExprFile\n\nP " + fx + ":func v=%0 name=%1->name\n   R " + fx + ":func r=$retval  \n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, bin, "-c", "2", "-t", "30s", "-f", file)
	p.waitSetUp()
	pid := runFixture(t, fx, 1, 0)
	p.waitOK()
	want := []string{`p0: v=40 name="hello world"`, `r1: r=42`}
	if got := bodies(t, p.Stdout(), pid); !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	p.assertClean()
}

// TestLiveQuiet checks -q leaves stderr empty on a run that ends by itself.
func TestLiveQuiet(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	p := start(t, bin, "-q", "-t", "300ms", "P "+fx+":func v=%0")
	p.waitOK()
	if errs := p.Stderr(); len(errs) > 0 || len(p.Stdout()) > 0 {
		t.Errorf("-q run printed:\n%s", p.dump())
	}
	p.assertClean()
}
