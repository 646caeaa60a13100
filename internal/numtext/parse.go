package numtext

import "encoding/binary"

// ParseDec parses unsigned decimal digits, refusing overflow.
func ParseDec(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	if len(b) <= 19 {
		// 19 digits stay below 2^64: no overflow test (a division) per digit.
		for _, c := range b {
			if !IsDigit(c) {
				return 0, false
			}
			v = v*10 + uint64(c-'0')
		}
		return v, true
	}
	for _, c := range b {
		if !IsDigit(c) {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// ParseHex parses the digits after "0x" (at most 16 of them).
func ParseHex(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		d := hexValue[c]
		if d < 0 {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

// hexValue is the value of a hex digit, -1 for other bytes.
var hexValue = func() (t [256]int8) {
	for c := range t {
		switch {
		case IsDigit(byte(c)):
			t[c] = int8(c - '0')
		case c >= 'a' && c <= 'f':
			t[c] = int8(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			t[c] = int8(c - 'A' + 10)
		default:
			t[c] = -1
		}
	}
	return t
}()

// IsHexPrefix reports whether b starts with "0x" or "0X" and has digits after it.
func IsHexPrefix(b []byte) bool { return len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') }

// IntBits parses a decimal, negative decimal or 0x-hex integer as the
// kernel prints u*, s* and x* values, into its two's-complement bits, and
// reports whether it fits in size bytes (as signed or as unsigned).
func IntBits(b []byte, size int) (uint64, bool) {
	width := uint(size * 8)
	if len(b) > 1 && b[0] == '-' {
		v, ok := ParseDec(b[1:])
		if !ok || v > 1<<(width-1) {
			return 0, false
		}
		u := -v // two's complement
		if width < 64 {
			u &= 1<<width - 1
		}
		return u, true
	}
	var v uint64
	var ok bool
	if IsHexPrefix(b) {
		v, ok = ParseHex(b[2:])
	} else {
		v, ok = ParseDec(b)
	}
	if !ok || (width < 64 && v>>width != 0) {
		return 0, false
	}
	return v, true
}

// ArrayBytes parses "{e,e,…}" of exactly len(dst) byte-sized elements.
func ArrayBytes(b []byte, dst []byte) bool {
	return hexArrayBytes(b, dst) || anyArrayBytes(b, dst)
}

// hexArrayBytes parses the array as the kernel prints an x8 array,
// "{0xNN,0xN,…}", in one pass; on anything else it reports false and
// anyArrayBytes, the general parse, decides.
func hexArrayBytes(b []byte, dst []byte) bool {
	n := len(b)
	if n < 2 || b[0] != '{' || b[n-1] != '}' || len(dst) == 0 {
		return false
	}
	i := 1
	for k := range dst {
		if k > 0 {
			if b[i] != ',' {
				return false
			}
			i++
		}
		if i+2 >= n || binary.LittleEndian.Uint16(b[i:]) != 'x'<<8|'0' {
			return false
		}
		i += 2
		v := hexValue[b[i]]
		if v < 0 {
			return false
		}
		i++
		d := uint8(v)
		if w := hexValue[b[i]]; w >= 0 {
			d = d<<4 | uint8(w)
			i++
		}
		dst[k] = d
	}
	return i == n-1
}

// anyArrayBytes is arrayBytes for elements in any form IntBits reads.
func anyArrayBytes(b []byte, dst []byte) bool {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return false
	}
	b = b[1 : len(b)-1]
	n := 0
	for len(b) > 0 || n == 0 {
		e := b
		rest := []byte(nil)
		for i, c := range b {
			if c == ',' {
				e, rest = b[:i], b[i+1:]
				if len(rest) == 0 {
					return false // trailing comma
				}
				break
			}
		}
		if n == len(dst) {
			return false
		}
		v, ok := byteBits(e)
		if !ok {
			return false
		}
		dst[n] = byte(v)
		n++
		b = rest
	}
	return n == len(dst)
}

// byteBits is IntBits(e, 1), taking the kernel's "0xNN" of an x8 array
// element without the general parse.
func byteBits(e []byte) (uint64, bool) {
	if (len(e) == 3 || len(e) == 4) && e[0] == '0' && e[1] == 'x' {
		hi, lo := int8(0), hexValue[e[2]]
		if len(e) == 4 {
			hi, lo = lo, hexValue[e[3]]
		}
		if hi >= 0 && lo >= 0 {
			return uint64(hi)<<4 | uint64(lo), true
		}
	}
	return IntBits(e, 1)
}

// IsDigit reports whether c is a decimal digit.
func IsDigit(c byte) bool { return c >= '0' && c <= '9' }
