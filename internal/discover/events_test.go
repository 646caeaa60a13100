package discover

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/testkernel"
)

const switchFormat = `name: sched_switch
ID: 316
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
	field:int prev_prio;	offset:28;	size:4;	signed:1;

print fmt: "prev_comm=%s", REC->prev_comm
`

func TestListEvents(t *testing.T) {
	names := []string{"sched/sched_switch", "sched/sched_wakeup", "tcp/tcp_probe", "skb/kfree_skb"}
	format := func(sys, ev string) (*ftrace.Format, error) {
		if ev != "sched_switch" {
			return nil, ftrace.ErrNoEvent
		}
		return ftrace.ParseFormat(strings.NewReader(switchFormat))
	}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"sched_*", []string{"sched/sched_switch", "sched/sched_wakeup"}},
		{"sched", []string{"sched/sched_switch", "sched/sched_wakeup"}},
		{"sched:sched_switch", []string{"sched/sched_switch"}},
		{"*/*skb*", []string{"skb/kfree_skb"}},
		{"tcp*", []string{"tcp/tcp_probe"}},
	}
	for _, tt := range tests {
		es, err := ListEvents(names, tt.pattern, format)
		if err != nil {
			t.Errorf("%s: %v", tt.pattern, err)
			continue
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Name)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: got %v, want %v", tt.pattern, got, tt.want)
		}
	}
	es, _ := ListEvents(names, "sched_switch", format)
	var out bytes.Buffer
	if err := WriteEvents(&out, es); err != nil {
		t.Fatal(err)
	}
	if want := "sched/sched_switch(char prev_comm[16], pid_t prev_pid, int prev_prio)\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	_, err := ListEvents(names, "sched_swtich", format)
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "did you mean sched_switch") {
		t.Errorf("got %v", err)
	}
}

func TestListEventsSaved(t *testing.T) {
	testkernel.Need(t)
	names, err := bundledEvents()
	if err != nil {
		t.Fatal(err)
	}
	es, err := ListEvents(names, "sched:sched_switch", nil)
	if err != nil || len(es) != 1 || es[0].Fields != nil {
		t.Fatalf("got %+v, %v", es, err)
	}
	t.Logf("%d events in the saved list", len(names))
}
