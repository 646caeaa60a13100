package render

import (
	"encoding/binary"
	"math/bits"
)

// Most tokens of a trace line (a number, the flags, a timestamp) are a few
// to twenty bytes long: too short for bytes.IndexByte's call to pay off,
// long enough that a byte-at-a-time loop shows. These look at eight bytes
// at a time.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// indexSpace returns the index of the first ' ' in b at or after i, or
// len(b).
func indexSpace(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		v := binary.LittleEndian.Uint64(b[i:]) ^ 0x2020202020202020
		if z := (v - ones) &^ v & highs; z != 0 {
			return i + bits.TrailingZeros64(z)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ' ' {
			return i
		}
	}
	return len(b)
}

// skipDigits returns the index of the first byte that is not a decimal
// digit in b at or after i, or len(b).
func skipDigits(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		// A byte is a digit when its high nibble is 3 and its low one is
		// at most 9: c-'0' has no borrow and c+6 (bytes 0x30..0x39 →
		// 0x36..0x3f) stays below 0x40.
		if ((v-0x3030303030303030)|(v+0x4646464646464646))&highs != 0 {
			break
		}
	}
	for ; i < len(b) && isDigit(b[i]); i++ {
	}
	return i
}
