package ftrace

import (
	"reflect"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/suggest"
)

func TestTracefsMounts(t *testing.T) {
	info := `22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw
41 22 0:13 / /sys/kernel/tracing rw,relatime - tracefs nodev rw
45 30 0:13 / /sys/kernel/debug/tracing rw,relatime shared:9 master:3 - tracefs tracefs rw
50 22 0:40 / /mnt/with\040space rw - tracefs nodev rw
51 22 0:41 / /mnt/dbg rw - debugfs debugfs rw
`
	got := tracefsMounts(strings.NewReader(info))
	want := []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing", "/mnt/with space"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tracefsMounts = %q, want %q", got, want)
	}
}

func TestDiscover(t *testing.T) {
	fs := realFS(t, false)
	if !hasMagic(fs.Root, tracefsMagic, debugfsMagic) {
		t.Errorf("%s is not tracefs", fs.Root)
	}
	events, err := fs.Events()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		found = found || e == "sched/sched_switch"
	}
	if !found {
		t.Errorf("sched/sched_switch not among %d events", len(events))
	}
}

func TestClosest(t *testing.T) {
	all := []string{"sched/sched_switch", "sched/sched_process_exec", "sched/sched_process_exit", "net/net_dev_xmit", "syscalls/sys_enter_open"}
	tests := []struct {
		name string
		want []string
	}{
		{"sched/sched_proces_exec", []string{"sched/sched_process_exec", "sched/sched_process_exit"}},
		{"sched/sched_swtich", []string{"sched/sched_switch"}},
		{"block/block_rq_issue", nil},
	}
	for _, tt := range tests {
		if got := suggest.Typos(tt.name, all, 3); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Typos(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFSHas(t *testing.T) {
	fs := fakeTree(t, "uprobe_events")
	if !fs.HasUprobes() || fs.HasKprobes() {
		t.Errorf("HasUprobes %v HasKprobes %v", fs.HasUprobes(), fs.HasKprobes())
	}
	if got := fs.Path("instances", "x", "trace_pipe"); got != fs.Root+"/instances/x/trace_pipe" {
		t.Errorf("Path = %s", got)
	}
}
