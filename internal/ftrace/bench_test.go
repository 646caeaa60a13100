package ftrace

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// lineCounter counts newline-terminated lines written to it.
type lineCounter struct{ lines, bytes atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines.Add(int64(bytes.Count(p, []byte{'\n'})))
	c.bytes.Add(int64(len(p)))
	return len(p), nil
}

// BenchmarkStream measures how fast Stream drains events from the
// instance's ring buffer to a writer. The buffer is filled first, through
// trace_marker (the cheapest way to make the kernel emit events), so the
// timed part is the reading alone; run it with -benchtime 50000x or so,
// which fits the buffer (a "lost" metric above 0 says it did not).
func BenchmarkStream(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root to write tracefs")
	}
	fs, err := Discover()
	if err != nil {
		b.Skipf("no tracefs: %v", err)
	}
	s, err := Open(fs, Options{Name: fmt.Sprintf("surftrace_%d_bench", os.Getpid()), BufferKB: 8192})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	marker, err := os.OpenFile(s.inst("trace_marker"), os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer marker.Close()
	payload := []byte(strings.Repeat("x", 64))

	for i := 0; i < b.N; i++ {
		marker.Write(payload)
	}

	var out lineCounter
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	b.ResetTimer()
	start := time.Now()
	go func() { done <- s.Stream(ctx, &out) }()
	deadline := time.Now().Add(30 * time.Second)
	var lost uint64
	for {
		lost = 0
		counts, err := s.Overruns()
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range counts {
			lost += n
		}
		if out.lines.Load()+int64(lost) >= int64(b.N) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(out.lines.Load())/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(out.bytes.Load())/elapsed.Seconds()/1e6, "MB/s")
	b.ReportMetric(float64(lost), "lost")
}
