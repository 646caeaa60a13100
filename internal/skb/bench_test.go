package skb

import (
	"io"
	"testing"
)

// BenchmarkPrinter is the user-space cost per event: parse, decode,
// filter, track and print one trace_pipe line. The kernel side is bounded
// by it only when it is slower than the event rate (see the package doc).
func BenchmarkPrinter(b *testing.B) {
	f, err := ParseFilter("proto==17&&b16_dport==9999", nil)
	if err != nil {
		b.Fatal(err)
	}
	pr := &Printer{Out: io.Discard, Plan: testPlan(), Tracker: &Tracker{Filter: f}}
	l := []byte(line(0, udp4, 0, ethIPv4, "") + "\n")
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := pr.Write(l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
