package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// onlyReader hides a file's Stat, so Copy renders it as a stream, with
// one Renderer.
type onlyReader struct{ io.Reader }

// renderBoth renders data from a regular file (in parallel parts) and as
// a stream (one Renderer), and returns both outputs and lost reports.
func renderBoth(t *testing.T, data []byte, opts Options) (par, seq string, parLost, seqLost []string) {
	t.Helper()
	prev := runtime.GOMAXPROCS(4)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	path := filepath.Join(t.TempDir(), "trace")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(src io.Reader, lost *[]string) string {
		o := opts
		o.OnLost = func(cpu int, n uint64) { *lost = append(*lost, fmt.Sprint(cpu, n)) }
		var out bytes.Buffer
		if err := Copy(&out, src, o); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	par = run(f, &parLost)
	seq = run(onlyReader{bytes.NewReader(data)}, &seqLost)
	return par, seq, parLost, seqLost
}

// withOpenStrings inserts, every few lines, an event whose string runs
// over up to 40 lines, so that most of the parts' borders fall inside one.
func withOpenStrings(base []byte, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	var out []byte
	for i, l := range bytes.SplitAfter(base, []byte("\n")) {
		out = append(out, l...)
		if i%(5+rng.IntN(20)) == 0 {
			out = append(out, hdr+`f0: (x) comm="a`...)
			for k := rng.IntN(40); k > 0; k-- {
				out = append(out, "\nline of the string"...)
			}
			out = append(out, "\" ip_dst=16777343\n"...)
		}
	}
	return out
}

// A file rendered in parts must give the same bytes, and report lost
// events in the same order, as one Renderer does.
func TestCopyParallelSame(t *testing.T) {
	base := genCorpus(60000, true)
	cases := map[string][]byte{
		"corpus":             base,
		"open strings":       withOpenStrings(base, 1),
		"no final newline":   bytes.TrimSuffix(base, []byte("\n")),
		"ends inside string": append(withOpenStrings(base, 2), hdr+"f0: (x) comm=\"never closed\nmore"...),
		"one long line":      append(append([]byte(hdr+`f0: (x) s="`), bytes.Repeat([]byte("x"), 3*bulkChunk)...), "\" ip_a=1\n"...),
		"no newline at all":  bytes.Repeat([]byte("y"), bulkChunk+5),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			for _, opts := range []Options{{}, {Schema: corpusSchema()}} {
				par, seq, parLost, seqLost := renderBoth(t, data, opts)
				if par != seq {
					i := 0
					for i < len(par) && i < len(seq) && par[i] == seq[i] {
						i++
					}
					t.Fatalf("parts differ from one Renderer at byte %d: %q vs %q", i, par[i:min(len(par), i+80)], seq[i:min(len(seq), i+80)])
				}
				if fmt.Sprint(parLost) != fmt.Sprint(seqLost) {
					t.Fatalf("lost reports differ: %v vs %v", parLost, seqLost)
				}
			}
		})
	}
}

type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (w *failAfter) Write(b []byte) (int, error) {
	if w.n -= len(b); w.n < 0 {
		return 0, errFull
	}
	return len(b), nil
}

// A write error ends a parallel render with that error.
func TestCopyParallelWriteError(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	path := filepath.Join(t.TempDir(), "trace")
	if err := os.WriteFile(path, genCorpus(100000, true), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Copy(&failAfter{n: 3 * bulkChunk}, f, Options{OnLost: func(int, uint64) {}}); !errors.Is(err, errFull) {
		t.Fatalf("Copy = %v, want the write error", err)
	}
}
