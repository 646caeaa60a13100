package graph

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.tree from the parser's output")

// The captures in testdata are real function_graph output of the Debian 6.1
// test kernel under qemu (capture.sh), except irq-marks.txt (see its head).
var goldens = []struct {
	file  string
	fn    string
	stats Stats
	check func(t *testing.T, calls []*Call)
}{
	{"openat2.txt", "do_sys_openat2", Stats{Calls: 1}, func(t *testing.T, calls []*Call) {
		// The whole nesting, with the shell's own timer interrupt before it.
		wantChildren(t, calls[0].Root, "getname", "get_unused_fd_flags", "do_filp_open", "fd_install", "putname")
		wantPath(t, calls[0].Root, "do_sys_openat2", "do_filp_open", "path_openat", "link_path_walk.part.0.constprop.0")
	}},
	{"openat2-proc-abstime.txt", "do_sys_openat2", Stats{Calls: 5}, func(t *testing.T, calls []*Call) {
		// cat (taskset 2: CPU 1) opens its three files; the shell's own
		// opens come before and after.
		for _, c := range calls[1:4] {
			if c.Comm != "cat" || c.PID != 114 || c.CPU != 1 {
				t.Errorf("call %d: %s-%d on CPU %d, want cat-114 on CPU 1", c.Seq, c.Comm, c.PID, c.CPU)
			}
		}
		for i := 1; i < len(calls); i++ {
			if calls[i].Time <= calls[i-1].Time {
				t.Errorf("call %d starts at %v, not after call %d", i+1, calls[i].Time, i)
			}
		}
	}},
	{"openat2-tail.txt", "do_sys_openat2", Stats{Calls: 4}, nil},
	{"smp-interleave.txt", "do_sys_openat2", Stats{Calls: 20, Unfinished: 1}, func(t *testing.T, calls []*Call) {
		wantCPUs(t, calls)
		// The timer interrupt printed before the entry of do_filp_open, which
		// it interrupted, ends up under do_filp_open.
		found := false
		for _, c := range calls {
			if n := child(c.Root, "do_filp_open"); n != nil && child(n, "__sysvec_apic_timer_interrupt") != nil {
				found = true
			}
		}
		if !found {
			t.Error("no call has the timer interrupt under do_filp_open")
		}
	}},
	{"smp-interleave-proc.txt", "do_sys_openat2", Stats{Calls: 20, Unfinished: 1}, func(t *testing.T, calls []*Call) {
		wantCPUs(t, calls)
		for _, c := range calls {
			if c.Comm != "cat" {
				t.Errorf("call %d by %q-%d, want cat", c.Seq, c.Comm, c.PID)
			}
		}
	}},
	{"net-ping.txt", "ip_finish_output2", Stats{Calls: 1}, func(t *testing.T, calls []*Call) {
		// Loopback: the transmit runs the receive path in the softirq.
		wantPath(t, calls[0].Root, "ip_finish_output2", "__dev_queue_xmit", "__local_bh_enable_ip", "do_softirq.part.0",
			"__do_softirq", "handle_softirqs", "net_rx_action", "__napi_poll", "process_backlog")
	}},
	{"sched.txt", "schedule", Stats{Calls: 4, Unfinished: 5, Orphans: 6}, func(t *testing.T, calls []*Call) {
		// schedule() includes the time the task slept (mark @ in the trace).
		if !slices.ContainsFunc(calls, func(c *Call) bool { return c.Comm == "kcompac" && c.Root.Total > 100e6 }) {
			t.Error("no call of schedule by kcompactd over 100 ms")
		}
	}},
	{"pipe-openat2.txt", "do_sys_openat2", Stats{Calls: 16, Unfinished: 1}, nil},
	{"lost-openat2.txt", "do_sys_openat2", Stats{Dropped: 1, Unfinished: 1, Lost: 8619, Orphans: 19}, nil},
	{"lost.txt", "do_sys_openat2", Stats{Lost: 468349, Orphans: 18}, nil},
	{"irq-marks.txt", "do_sys_openat2", Stats{Calls: 1}, func(t *testing.T, calls []*Call) {
		irq := child(child(calls[0].Root, "do_filp_open"), "gic_handle_irq")
		if irq == nil || !irq.IRQ || child(irq, "generic_handle_domain_irq").IRQ {
			t.Errorf("gic_handle_irq flagged %v, its callee must not be", irq)
		}
	}},
}

func TestGoldens(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", g.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b := NewBuilder(g.fn)
			var calls []*Call
			var out bytes.Buffer
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if c := b.AddText(sc.Text()); c != nil {
					calls = append(calls, c)
					if err := WriteTree(&out, c); err != nil {
						t.Fatal(err)
					}
				}
			}
			st := b.Flush()
			fmt.Fprintf(&out, "# %+v\n", st)
			if st != g.stats {
				t.Errorf("stats %+v, want %+v", st, g.stats)
			}
			for _, c := range calls {
				checkTimes(t, c.Root)
			}
			if g.check != nil && len(calls) > 0 {
				g.check(t, calls)
			}
			golden(t, strings.TrimSuffix(g.file, ".txt")+".tree", out.Bytes())
		})
	}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got %q\nwant %q", p, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", p, len(gl), len(wl))
	}
}

// checkTimes: the kernel measures a callee inside its caller, so callees
// never add up to more than their caller.
func checkTimes(t *testing.T, n *Node) {
	t.Helper()
	var sum int64
	for _, c := range n.Children {
		sum += int64(c.Total)
		checkTimes(t, c)
	}
	if sum > int64(n.Total) {
		t.Errorf("%s: callees take %d ns, more than its %d ns", n.Name, sum, n.Total)
	}
}

func child(n *Node, name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func wantChildren(t *testing.T, n *Node, names ...string) {
	t.Helper()
	var got []string
	for _, c := range n.Children {
		got = append(got, c.Name)
	}
	if !slices.Equal(got, names) {
		t.Errorf("%s calls %v, want %v", n.Name, got, names)
	}
}

func wantPath(t *testing.T, n *Node, path ...string) {
	t.Helper()
	if n.Name != path[0] {
		t.Fatalf("root %s, want %s", n.Name, path[0])
	}
	for _, name := range path[1:] {
		if n = child(n, name); n == nil {
			t.Fatalf("no %s in the path %v", name, path)
		}
	}
}

func wantCPUs(t *testing.T, calls []*Call) {
	t.Helper()
	cpus := map[int]int{}
	for _, c := range calls {
		cpus[c.CPU]++
	}
	if cpus[0] == 0 || cpus[1] == 0 {
		t.Errorf("calls per CPU %v: want both CPUs", cpus)
	}
}

func BenchmarkBuilder(b *testing.B) {
	data, err := os.ReadFile("testdata/smp-interleave-proc.txt")
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder("do_sys_openat2")
		for _, l := range lines {
			bl.AddText(l)
		}
	}
}
