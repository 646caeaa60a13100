package render

import (
	"bytes"
	"io"
	"sync"
	"testing"
)

// corpusLines is the size of the benchmark corpora.
const corpusLines = 1_000_000

var (
	mixedData  = sync.OnceValue(func() []byte { return genCorpus(corpusLines, true) })
	plainData  = sync.OnceValue(func() []byte { return genCorpus(corpusLines, false) })
	mixedLines = sync.OnceValue(func() [][]byte { return bytes.Split(bytes.TrimSuffix(mixedData(), []byte("\n")), []byte("\n")) })
	plainLines = sync.OnceValue(func() [][]byte { return bytes.Split(bytes.TrimSuffix(plainData(), []byte("\n")), []byte("\n")) })
)

// BenchmarkRender renders one line per op, cycling through a corpus of a
// million lines: "nostack" has only events (every probe shape, prefixes,
// strings, (fault), return probes, tracepoints), "mixed" adds stack blocks
// and lost-event lines. allocs/op is per line.
func BenchmarkRender(b *testing.B) {
	cases := []struct {
		name  string
		lines func() [][]byte
		opts  Options
	}{
		{"text/nostack", plainLines, Options{}},
		{"text+schema/nostack", plainLines, Options{Schema: corpusSchema()}},
		{"json/nostack", plainLines, Options{JSON: true}},
		{"json+schema/nostack", plainLines, Options{JSON: true, Schema: corpusSchema()}},
		{"text/mixed", mixedLines, Options{}},
		{"json/mixed", mixedLines, Options{JSON: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lines := c.lines()
			r := New(io.Discard, c.opts)
			for _, l := range lines[:10000] { // grow the reused buffers first
				r.Line(l)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := r.Line(lines[i%len(lines)]); err != nil {
					b.Fatal(err)
				}
			}
			r.Flush()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// BenchmarkCopyCorpus renders the whole mixed corpus (a million lines)
// through Copy per op, as surftrace render does.
func BenchmarkCopyCorpus(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{{"text", Options{}}, {"json", Options{JSON: true}}} {
		b.Run(c.name, func(b *testing.B) {
			data := mixedData()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := Copy(io.Discard, bytes.NewReader(data), c.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*corpusLines/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
