package main

import (
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
)

// TestLiveLibcByName probes libc by library name (resolved through
// /etc/ld.so.cache): the fixture calls getpid() and prints what it
// returned; the P event must come from that process and the R event must
// show the same pid as the return value. getpid fires in every process on
// the machine, so the test picks the fixture's events out by pid.
func TestLiveLibcByName(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	p := start(t, bin, "--json", "-t", "30s", "P libc:getpid", "R libc:getpid pid=$retval")
	p.waitSetUp()
	pid := runFixture(t, fx, 0, 0)
	want := json.Number(fmt.Sprint(pid))
	var entry, ret *jsonEvent
	p.waitLines(fmt.Sprintf("getpid entry and return events of pid %d", pid), func(lines []string) bool {
		entry, ret = nil, nil
		for _, l := range lines {
			e := decodeJSON(t, l)
			if e.Pid != want {
				continue
			}
			switch {
			case e.Event == "p0" && entry == nil:
				entry = &e
			case e.Event == "r1" && entry != nil && ret == nil:
				ret = &e
			}
		}
		return ret != nil
	})
	p.signal(syscall.SIGINT)
	p.waitOK()
	if len(entry.Args) != 0 {
		t.Errorf("p0 args %v, want none", entry.Args)
	}
	if got := ret.Args["pid"]; got != want {
		t.Errorf("getpid returned %#v in the trace, the fixture printed %d", got, pid)
	}
	if ret.RetFrom != entry.Location {
		t.Errorf("return from %s, entry at %s", ret.RetFrom, entry.Location)
	}
	p.assertClean()
}
