package ftrace

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
)

// batchDefs is n uprobes on the fixture's surf_target, each with one
// fetch argument, named b0…b<n-1>.
func batchDefs(fx fixture, n int) []*probe.Def {
	defs := make([]*probe.Def, n)
	for i := range defs {
		defs[i] = fx.uprobe(probe.Uprobe, fmt.Sprintf("b%d", i), "", probe.Arg{Name: "x", Fetch: "%di", Type: "u64"})
	}
	return defs
}

// A batch registers every probe, enables the group with one write, every
// probe fires, and Close leaves nothing.
func TestAddBatchUprobes(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	var out syncBuffer
	s := openSession(t, fs, Options{Name: sessionName(t, "batch")})
	defs := batchDefs(fx, 60)
	defs[7].Filter = "x==0x1234" // never true: b7 stays silent
	if err := s.AddBatch(defs); err != nil {
		t.Fatal(err)
	}
	if err := s.EnableGroup(); err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if !exists(fs.Path("events", s.Name(), d.Name, "id")) {
			t.Fatalf("%s not registered", d.Name)
		}
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	p, err := s.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := p.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	fx.run(t, 1)
	waitFor(t, &out, "an event from b59", func(s string) bool { return strings.Contains(s, " b59: ") })
	if strings.Contains(out.String(), " b7: ") {
		t.Errorf("b7's filter did not hold:\n%s", out.String())
	}
}

// A definition the kernel refuses stops the batch with an error naming
// it; the probes before it are removed by Close.
func TestAddBatchRefused(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	s := openSession(t, fs, Options{Name: sessionName(t, "batchbad")})
	defs := batchDefs(fx, 20)
	defs[11].Args[0].Fetch = "%nosuchreg"
	err := s.AddBatch(defs)
	if err == nil || !strings.Contains(err.Error(), "b11") {
		t.Fatalf("want an error naming b11, got %v", err)
	}
	if !exists(fs.Path("events", s.Name(), "b3", "id")) {
		t.Errorf("b3, before the refused line, should exist until Close")
	}
}

// Mixed kinds and repeated names are refused before anything is written.
func TestAddBatchInvalid(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	s := openSession(t, fs, Options{Name: sessionName(t, "batchinv")})
	defs := batchDefs(fx, 2)
	defs = append(defs, &probe.Def{Kind: probe.Kprobe, Name: "k", Target: "ip_rcv"})
	if err := s.AddBatch(defs); err == nil {
		t.Fatal("a batch of user and kernel probes was taken")
	}
	if exists(fs.Path("events", s.Name())) {
		t.Errorf("something was registered for a refused batch")
	}
}

// BenchmarkAttachDetach measures probes per second registered, enabled
// (AddBatch) and removed (Close) in one batch of 200 uprobes; compare
// pwru's published ~300 attaches/s and 21–35 detaches/s.
func BenchmarkAttachDetach(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	fs, err := Discover()
	if err != nil || !fs.HasUprobes() {
		b.Skip("no tracefs with uprobes")
	}
	fx := buildFixture(b)
	const n = 200
	var attach, detach time.Duration
	for i := 0; i < b.N; i++ {
		s, err := Open(fs, Options{Name: fmt.Sprintf("surftrace_%d_bench%d", os.Getpid(), i)})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		err = s.AddBatch(batchDefs(fx, n))
		if err == nil {
			err = s.EnableGroup()
		}
		t1 := time.Now()
		cerr := s.Close()
		t2 := time.Now()
		if err != nil || cerr != nil {
			b.Fatal(err, cerr)
		}
		attach += t1.Sub(t0)
		detach += t2.Sub(t1)
	}
	b.ReportMetric(float64(n*b.N)/attach.Seconds(), "attaches/s")
	b.ReportMetric(float64(n*b.N)/detach.Seconds(), "detaches/s")
}
