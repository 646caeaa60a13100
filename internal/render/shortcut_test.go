package render

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

// appendIPv4 must print what netip prints, for every octet value.
func TestAppendIPv4(t *testing.T) {
	for c := 0; c < 256; c++ {
		a := [4]byte{byte(c), 0, byte(255 - c), byte(c * 7)}
		if got, want := string(appendIPv4(nil, a)), netip.AddrFrom4(a).String(); got != want {
			t.Fatalf("appendIPv4(%v) = %q, want %q", a, got, want)
		}
	}
}

// byteBits takes a shortcut for "0xNN"; it must agree with intBits(e, 1).
func TestByteBits(t *testing.T) {
	var in []string
	for c := 0; c < 256; c++ {
		in = append(in, fmt.Sprintf("0x%x", c), fmt.Sprintf("0x%02x", c), fmt.Sprintf("0X%X", c), strconv.Itoa(c))
	}
	in = append(in, "0x", "0x1g", "0xg1", "0x100", "0x0ff", "0x-1", "-1", "-128", "-129", "256", "", "x", "0xx1")
	for _, e := range in {
		gv, gok := byteBits([]byte(e))
		wv, wok := intBits([]byte(e), 1)
		if gv != wv || gok != wok {
			t.Errorf("byteBits(%q) = %d, %v; intBits = %d, %v", e, gv, gok, wv, wok)
		}
	}
}

// parseDec skips the overflow test up to 19 digits; around 2^64 it must
// still refuse what does not fit.
func TestParseDecBounds(t *testing.T) {
	for _, s := range []string{"0", "9999999999999999999", "10000000000000000000", "18446744073709551615",
		"18446744073709551616", "99999999999999999999", "000000000000000000001", "12a", "-1", ""} {
		got, gok := parseDec([]byte(s))
		want, err := strconv.ParseUint(s, 10, 64)
		if gok != (err == nil) || gok && got != want {
			t.Errorf("parseDec(%q) = %d, %v; ParseUint = %d, %v", s, got, gok, want, err)
		}
	}
}

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

// displayOf filters names before asking probe.DisplayForName; it must
// agree with it on every name.
func TestDisplayOfAgrees(t *testing.T) {
	for _, n := range []string{"ip_dst", "ip6_a", "mac_src", "b16_dest", "b32_x", "b64_seq", "B16_x", "B32_mark", "B64_y",
		"ip", "ip_", "ip6", "ip6_", "mac", "mac_", "b16", "b16_", "body", "bits", "B", "i_x", "m_x", "bx_y", "ipx_y", "proto", "comm"} {
		if got, want := displayOf([]byte(n)), probe.DisplayForName(n); got != want {
			t.Errorf("displayOf(%q) = %v, want %v", n, got, want)
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

// hexArrayBytes, when it accepts an array, must read what the general
// parse reads.
func TestHexArrayBytes(t *testing.T) {
	for _, s := range []string{"{0x1,0x2}", "{0xff,0x0}", "{0xFF,0xa}", "{0x1,0x2,0x3}", "{0x1}", "{0x1,}", "{,0x1}", "{0x100,0x1}",
		"{0xabc,0x1}", "{1,2}", "{0x1,2}", "{0x,0x1}", "{0x1 ,0x2}", "{}", "{", "0x1,0x2", "{0X1,0x2}", "{0x1,0x2}}", "{0x01,0x02}"} {
		for _, n := range []int{0, 1, 2, 3} {
			var got, want [3]byte
			ok := hexArrayBytes([]byte(s), got[:n])
			wok := anyArrayBytes([]byte(s), want[:n])
			if ok && (!wok || got != want) {
				t.Errorf("hexArrayBytes(%q, %d) = %v %v; general parse %v %v", s, n, got[:n], ok, want[:n], wok)
			}
			if arrayBytes([]byte(s), got[:n]) != wok {
				t.Errorf("arrayBytes(%q, %d) disagrees with the general parse", s, n)
			}
		}
	}
}

// appendIPv6 must print what netip prints: zero runs of every length and
// place, ties, IPv4-mapped and IPv4-compatible addresses, random ones.
func TestAppendIPv6(t *testing.T) {
	var cases [][16]byte
	for mask := 0; mask < 256; mask++ { // every pattern of zero and non-zero groups
		var a [16]byte
		for g := 0; g < 8; g++ {
			if mask&(1<<g) != 0 {
				a[2*g], a[2*g+1] = byte(g*17), byte(1+g)
			}
		}
		cases = append(cases, a)
	}
	cases = append(cases, [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 1}, [16]byte{12: 10, 15: 1}, [16]byte{0xfe, 0x80, 15: 1},
		[16]byte{10: 0xff, 11: 0xfe, 15: 1}, [16]byte{0: 0x0a, 1: 0xbc, 2: 0x0d}, [16]byte{})
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		var a [16]byte
		for j := range a {
			if rng.IntN(3) == 0 {
				a[j] = byte(rng.Uint32())
			}
		}
		cases = append(cases, a)
	}
	for _, a := range cases {
		if got, want := string(appendIPv6(nil, &a)), netip.AddrFrom16(a).String(); got != want {
			t.Fatalf("appendIPv6(%v) = %q, want %q", a, got, want)
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
