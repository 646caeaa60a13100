package render

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// indexCPUOpen must find what bytes.Index finds, from any start.
func TestIndexCPUOpen(t *testing.T) {
	for _, s := range []string{"", " ", "[", " [", "[ [", "a [b [c", "  [[ [", "x[y] [001]", "[[[[ ", "a  [", "ab ["} {
		b := []byte(s)
		for from := 0; from <= len(b); from++ {
			want := bytes.Index(b[from:], []byte(" ["))
			if want >= 0 {
				want += from
			}
			if got := indexCPUOpen(b, from); got != want {
				t.Errorf("indexCPUOpen(%q, %d) = %d, want %d", s, from, got, want)
			}
		}
	}
}

// timestampEnd must agree with tokenEnd and isTimestamp.
func TestTimestampEnd(t *testing.T) {
	for _, s := range []string{"", " ", "1", "1:", "1: ", "12.5:", "12.5: x", "1.:", "1.2.3:", ".5:", "12::", "123:x", "d..1.", "....",
		"12648619.000384: f0:", "5: ", "x 1:", "00:"} {
		b := []byte(s)
		for i := 0; i <= len(b); i++ {
			te, ok := timestampEnd(b, i)
			wte := tokenEnd(b, i)
			if te != wte || ok != isTimestamp(b[i:wte]) {
				t.Errorf("timestampEnd(%q, %d) = %d, %v; want %d, %v", s, i, te, ok, wte, isTimestamp(b[i:wte]))
			}
		}
	}
}

// indexSpace and skipDigits read eight bytes at a time; they must agree
// with a byte loop on every byte value and at every offset.
func TestScanWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabets := []string{" 0123456789", "0123456789", "09:./ ", "", "all"}
	for _, al := range alphabets {
		for n := 0; n < 40; n++ {
			for rep := 0; rep < 50; rep++ {
				b := make([]byte, n)
				for i := range b {
					if al == "all" || al == "" {
						b[i] = byte(rng.Uint32())
					} else {
						b[i] = al[rng.IntN(len(al))]
					}
				}
				for i := 0; i <= n; i++ {
					ws := bytes.IndexByte(b[i:], ' ')
					if ws < 0 {
						ws = n
					} else {
						ws += i
					}
					if got := indexSpace(b, i); got != ws {
						t.Fatalf("indexSpace(%q, %d) = %d, want %d", b, i, got, ws)
					}
					wd := i
					for wd < n && b[wd] >= '0' && b[wd] <= '9' {
						wd++
					}
					if got := skipDigits(b, i); got != wd {
						t.Fatalf("skipDigits(%q, %d) = %d, want %d", b, i, got, wd)
					}
				}
			}
		}
	}
}
