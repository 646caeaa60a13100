package render

import (
	"fmt"
	"net/netip"
	"strconv"
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
