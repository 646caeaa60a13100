package trace

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
)

// TestProgressLost: lost events are reported at most once a second with
// the running total, and the summary counts them and suggests
// --buffer-size.
func TestProgressLost(t *testing.T) {
	var log, warn bytes.Buffer
	p := newProgress(&log, &warn, []*probe.Def{{Name: "f0"}, {Name: "sched_switch"}}, 1024)
	p.start = time.Now().Add(-1500 * time.Millisecond)
	p.event([]byte("f0"))
	p.event([]byte("f0"))
	p.lostEvents(0, 5)
	p.lostEvents(1, 7)
	p.lostEvents(1, 0)
	if got := strings.Count(warn.String(), "lost so far"); got != 1 || !strings.Contains(warn.String(), "5 events lost so far") {
		t.Errorf("lost reports within a second:\n%s", warn.String())
	}
	p.summary(func() (map[int]uint64, error) { return map[int]uint64{0: 3, 1: 4}, nil })
	if want := "surftrace: 2 events (f0: 2, sched_switch: 0), 13 lost, 1.5 s\n"; log.String() != want {
		t.Errorf("summary %q, want %q", log.String(), want)
	}
	if !strings.Contains(warn.String(), "13 events were lost: give --buffer-size KB (more than 1024 KB per CPU)") {
		t.Errorf("no --buffer-size advice:\n%s", warn.String())
	}
}
