package vocab

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
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

// DisplayOf filters names by their first byte before comparing
// prefixes; it must agree with DisplayForName on every name.
func TestDisplayOfAgrees(t *testing.T) {
	for _, n := range []string{"ip_dst", "ip6_a", "mac_src", "b16_dest", "b32_x", "b64_seq", "B16_x", "B32_mark", "B64_y",
		"ip", "ip_", "ip6", "ip6_", "mac", "mac_", "b16", "b16_", "body", "bits", "B", "i_x", "m_x", "bx_y", "ipx_y", "proto", "comm"} {
		if got, want := DisplayOf([]byte(n)), DisplayForName(n); got != want {
			t.Errorf("DisplayOf(%q) = %v, want %v", n, got, want)
		}
	}
}

// EndsInPrefix looks rows up by one byte; it must agree with comparing
// every prefix.
func TestEndsInPrefixAgrees(t *testing.T) {
	texts := []string{"", "_", "p_", "ip", "x ip_", "sk_", "ip6_", "zip_", "mac_", "b16_", "B64_", "b16", "b17_", "m_", "c_", "__", "ip__"}
	for _, p := range prefixes {
		texts = append(texts, p.Prefix, "x="+p.Prefix, p.Prefix[1:], p.Prefix+"_")
	}
	for _, s := range texts {
		want := false
		for _, p := range prefixes {
			want = want || strings.HasSuffix(s, p.Prefix)
		}
		if got := EndsInPrefix([]byte(s)); got != want {
			t.Errorf("EndsInPrefix(%q) = %v, want %v", s, got, want)
		}
	}
}
