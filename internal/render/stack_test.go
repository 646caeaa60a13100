package render

import (
	"bytes"
	"strings"
	"testing"
)

func ev(cpu, name string) string {
	return `a-1 [` + cpu + `] .... 1.0: ` + name + `: (x+0x0/0x1) v=1`
}

func stackHead(cpu string) string { return `a-1 [` + cpu + `] .... 1.0: <stack trace>` }

// eventsOf returns "event:stack|user_stack" for each JSON object printed.
func eventsOf(t *testing.T, out string) []string {
	t.Helper()
	checkJSONLines(t, out)
	var got []string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		e := l[strings.Index(l, `"event":"`)+9:]
		e = e[:strings.IndexByte(e, '"')]
		s := ""
		if i := strings.Index(l, `"stack":[`); i >= 0 {
			s = l[i+9 : i+strings.IndexByte(l[i:], ']')]
		}
		if i := strings.Index(l, `"user_stack":[`); i >= 0 {
			s += "|" + l[i+14:i+strings.IndexByte(l[i:], ']')]
		}
		got = append(got, e+":"+s)
	}
	return got
}

func TestStackJSON(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"one cpu", []string{ev("000", "f0"), stackHead("000"), " => a", " => b", ev("000", "f1"), stackHead("000"), " => c"},
			[]string{`f0:"a","b"`, `f1:"c"`}},
		{"no stacks", []string{ev("000", "f0"), ev("001", "f1"), ev("000", "f2")},
			[]string{"f0:", "f1:", "f2:"}},
		{"other cpu between event and stack", []string{ev("000", "f0"), ev("001", "f1"), stackHead("000"), " => a", stackHead("001"), " => b"},
			[]string{`f0:"a"`, `f1:"b"`}},
		{"kernel and user stack", []string{ev("002", "f0"), stackHead("002"), " => k", `a-1 [002] .... 1.0: <user stack trace>`, " =>  <00007f0000001234>"},
			[]string{`f0:"k"|"<00007f0000001234>"`}},
		{"orphan stack", []string{stackHead("003"), " => a"},
			[]string{`<stack trace>:"a"`}},
		{"second stack of one event", []string{ev("000", "f0"), stackHead("000"), " => a", stackHead("000"), " => b"},
			[]string{`f0:"a"`, `<stack trace>:"b"`}},
		{"frames after a header line are dropped", []string{ev("000", "f0"), "# x", " => a"},
			[]string{"f0:"}},
		{"stack cut by lost events", []string{ev("000", "f0"), stackHead("000"), "CPU:0 [LOST 3 EVENTS]", " => a"},
			[]string{`f0:`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := render(t, strings.Join(tt.in, "\n"), Options{JSON: true})
			got := eventsOf(t, out)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got %q, want %q\n%s", got, tt.want, out)
			}
		})
	}
}

// A long quiet stretch on one CPU must not hold other CPUs' events for
// ever: the queue is bounded.
func TestStackQueueBounded(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, Options{JSON: true})
	r.Line([]byte(ev("000", "first")))
	for i := 0; i < 3*maxPending; i++ {
		r.Line([]byte(ev("001", "other")))
	}
	r.flushWriter()
	if got := eventsOf(t, out.String()); len(got) < 2*maxPending || got[0] != "first:" {
		t.Fatalf("queue not bounded or out of order: %d written, first %q", len(got), got[:1])
	}
}

// Text mode prints stack lines as they come, with the event before them.
func TestStackText(t *testing.T) {
	in := ev("000", "f0") + "\n" + ev("001", "f1") + "\n" + stackHead("000") + "\n => a"
	got, _ := render(t, in, Options{})
	if got != in+"\n" {
		t.Errorf("got %q", got)
	}
}
