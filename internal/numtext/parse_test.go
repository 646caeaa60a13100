package numtext

import (
	"fmt"
	"strconv"
	"testing"
)

// byteBits takes a shortcut for "0xNN"; it must agree with IntBits(e, 1).
func TestByteBits(t *testing.T) {
	var in []string
	for c := 0; c < 256; c++ {
		in = append(in, fmt.Sprintf("0x%x", c), fmt.Sprintf("0x%02x", c), fmt.Sprintf("0X%X", c), strconv.Itoa(c))
	}
	in = append(in, "0x", "0x1g", "0xg1", "0x100", "0x0ff", "0x-1", "-1", "-128", "-129", "256", "", "x", "0xx1")
	for _, e := range in {
		gv, gok := byteBits([]byte(e))
		wv, wok := IntBits([]byte(e), 1)
		if gv != wv || gok != wok {
			t.Errorf("byteBits(%q) = %d, %v; IntBits = %d, %v", e, gv, gok, wv, wok)
		}
	}
}

// ParseDec skips the overflow test up to 19 digits; around 2^64 it must
// still refuse what does not fit.
func TestParseDecBounds(t *testing.T) {
	for _, s := range []string{"0", "9999999999999999999", "10000000000000000000", "18446744073709551615",
		"18446744073709551616", "99999999999999999999", "000000000000000000001", "12a", "-1", ""} {
		got, gok := ParseDec([]byte(s))
		want, err := strconv.ParseUint(s, 10, 64)
		if gok != (err == nil) || gok && got != want {
			t.Errorf("ParseDec(%q) = %d, %v; ParseUint = %d, %v", s, got, gok, want, err)
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
			if ArrayBytes([]byte(s), got[:n]) != wok {
				t.Errorf("ArrayBytes(%q, %d) disagrees with the general parse", s, n)
			}
		}
	}
}

func TestIntBits(t *testing.T) {
	tests := []struct {
		in   string
		size int
		want uint64
		ok   bool
	}{
		{"0", 1, 0, true}, {"255", 1, 255, true}, {"256", 1, 0, false}, {"-128", 1, 0x80, true}, {"-129", 1, 0, false},
		{"0xff", 1, 255, true}, {"0x100", 1, 0, false}, {"0X1f", 1, 31, true}, {"0x", 1, 0, false}, {"-", 1, 0, false},
		{"18446744073709551615", 8, 1<<64 - 1, true}, {"18446744073709551616", 8, 0, false},
		{"-9223372036854775808", 8, 1 << 63, true}, {"-9223372036854775809", 8, 0, false},
		{"0xffffffffffffffff", 8, 1<<64 - 1, true}, {"0x1ffffffffffffffff", 8, 0, false}, {"1a", 8, 0, false}, {"", 8, 0, false},
	}
	for _, tt := range tests {
		got, ok := IntBits([]byte(tt.in), tt.size)
		if got != tt.want || ok != tt.ok {
			t.Errorf("IntBits(%q, %d) = %d, %v; want %d, %v", tt.in, tt.size, got, ok, tt.want, tt.ok)
		}
	}
}
