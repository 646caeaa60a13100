package render

import (
	"io"
	"strings"
	"testing"
)

// TestOnEvent: every rendered event is reported by name, lost-event
// reports and other lines are not.
func TestOnEvent(t *testing.T) {
	in := "# tracer: nop\n" +
		"              nc-231     [000] d..1.     3.517246: f0: (ip_output+0x0/0x110) proto=17\n" +
		"CPU:1 [LOST 12 EVENTS]\n" +
		"          <idle>-0       [001] d..2.     3.600000: sched_switch: prev_comm=swapper/1 prev_pid=0\n" +
		"              nc-231     [000] d..1.     3.717246: f0: (ip_output+0x0/0x110) proto=6\n"
	got := map[string]int{}
	for _, json := range []bool{false, true} {
		clear(got)
		err := Copy(io.Discard, strings.NewReader(in), Options{JSON: json, OnEvent: func(name []byte) { got[string(name)]++ }})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["f0"] != 2 || got["sched_switch"] != 1 {
			t.Errorf("json=%v: counts %v, want f0:2 sched_switch:1", json, got)
		}
	}
}
