package render

import (
	"encoding/binary"
	"math/bits"
	"strconv"

	"github.com/surftrace/surftrace/internal/probe"
)

// faultText is what the kernel prints for a string read that faulted.
const faultText = "(fault)"

const hexDigits = "0123456789abcdef"

// parseDec parses unsigned decimal digits, refusing overflow.
func parseDec(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	if len(b) <= 19 {
		// 19 digits stay below 2^64: no overflow test (a division) per digit.
		for _, c := range b {
			if !isDigit(c) {
				return 0, false
			}
			v = v*10 + uint64(c-'0')
		}
		return v, true
	}
	for _, c := range b {
		if !isDigit(c) {
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

// parseHex parses the digits after "0x" (at most 16 of them).
func parseHex(b []byte) (uint64, bool) {
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
		case isDigit(byte(c)):
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

func isHexPrefix(b []byte) bool { return len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') }

// intBits parses a decimal, negative decimal or 0x-hex integer as the
// kernel prints u*, s* and x* values, into its two's-complement bits, and
// reports whether it fits in size bytes (as signed or as unsigned).
func intBits(b []byte, size int) (uint64, bool) {
	width := uint(size * 8)
	if len(b) > 1 && b[0] == '-' {
		v, ok := parseDec(b[1:])
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
	if isHexPrefix(b) {
		v, ok = parseHex(b[2:])
	} else {
		v, ok = parseDec(b)
	}
	if !ok || (width < 64 && v>>width != 0) {
		return 0, false
	}
	return v, true
}

// arrayBytes parses "{e,e,…}" of exactly len(dst) byte-sized elements.
func arrayBytes(b []byte, dst []byte) bool {
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

// anyArrayBytes is arrayBytes for elements in any form intBits reads.
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

// byteBits is intBits(e, 1), taking the kernel's "0xNN" of an x8 array
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
	return intBits(e, 1)
}

// convert appends the display form of value v, or reports false (and
// appends nothing) when v does not fit the display: not a number, the
// wrong size, "(fault)". jsonOut asks for a JSON value rather than text.
func convert(dst, v []byte, d probe.Display, enum map[int64]string, jsonOut bool) ([]byte, bool) {
	if enum != nil {
		if u, ok := intBits(v, 8); ok {
			name, found := enum[int64(u)]
			if !found && u>>32 == 0 {
				name, found = enum[int64(int32(u))] // an s32 enum printed as u32
			}
			if found {
				if jsonOut {
					return appendJSONString(dst, []byte(name)), true
				}
				return append(dst, name...), true
			}
		}
	}
	switch d {
	case probe.DisplayIPv4:
		var a [4]byte
		if u, ok := intBits(v, 4); ok {
			// The u32 was read from memory in network order on a
			// little-endian host: its low byte is the first octet.
			a = [4]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}
		} else if !arrayBytes(v, a[:]) {
			return dst, false
		}
		return quoteIf(dst, jsonOut, func(b []byte) []byte { return appendIPv4(b, a) }), true
	case probe.DisplayIPv6:
		var a [16]byte
		if !arrayBytes(v, a[:]) {
			return dst, false
		}
		return quoteIf(dst, jsonOut, func(b []byte) []byte { return appendIPv6(b, &a) }), true
	case probe.DisplayMAC:
		var a [6]byte
		if !arrayBytes(v, a[:]) {
			return dst, false
		}
		return quoteIf(dst, jsonOut, func(b []byte) []byte {
			for i, c := range a {
				if i > 0 {
					b = append(b, ':')
				}
				b = append(b, hexDigits[c>>4], hexDigits[c&15])
			}
			return b
		}), true
	case probe.DisplayBE16, probe.DisplayBE32, probe.DisplayBE64,
		probe.DisplayBE16Hex, probe.DisplayBE32Hex, probe.DisplayBE64Hex:
		size := d.Size()
		u, ok := intBits(v, size)
		if !ok {
			return dst, false
		}
		u = bits.ReverseBytes64(u) >> (64 - 8*size)
		hex := d == probe.DisplayBE16Hex || d == probe.DisplayBE32Hex || d == probe.DisplayBE64Hex
		switch {
		case hex && jsonOut:
			return appendJSONHex(dst, u), true
		case hex:
			return strconv.AppendUint(append(dst, '0', 'x'), u, 16), true
		case jsonOut:
			return appendJSONUint(dst, u), true
		}
		return strconv.AppendUint(dst, u, 10), true
	}
	return dst, false
}

// appendIPv4 appends the dotted decimal form, as netip.Addr.AppendTo would.
func appendIPv4(dst []byte, a [4]byte) []byte {
	for i, c := range a {
		if i > 0 {
			dst = append(dst, '.')
		}
		switch {
		case c >= 100:
			dst = append(dst, '0'+c/100, '0'+c/10%10, '0'+c%10)
		case c >= 10:
			dst = append(dst, '0'+c/10, '0'+c%10)
		default:
			dst = append(dst, '0'+c)
		}
	}
	return dst
}

// appendIPv6 appends the RFC 5952 text form, as netip.Addr.AppendTo
// would: lowercase hex groups without leading zeros, the longest run of
// two or more zero groups (the first of equal ones) as "::", and an
// IPv4-mapped address as "::ffff:a.b.c.d".
func appendIPv6(dst []byte, a *[16]byte) []byte {
	if [12]byte(a[:12]) == [12]byte{10: 0xff, 11: 0xff} {
		return appendIPv4(append(dst, "::ffff:"...), [4]byte(a[12:]))
	}
	var g [8]uint16
	for i := range g {
		g[i] = uint16(a[2*i])<<8 | uint16(a[2*i+1])
	}
	zs, ze := -1, -1 // the longest zero run [zs, ze)
	for i := 0; i < 8; {
		if g[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && g[j] == 0 {
			j++
		}
		if j-i >= 2 && j-i > ze-zs {
			zs, ze = i, j
		}
		i = j
	}
	for i := 0; i < 8; i++ {
		if i == zs {
			dst = append(dst, ':', ':')
			i = ze - 1
			continue
		}
		if i > 0 && i != ze {
			dst = append(dst, ':')
		}
		dst = appendHex16(dst, g[i])
	}
	return dst
}

// appendHex16 appends v in lowercase hex without leading zeros.
func appendHex16(dst []byte, v uint16) []byte {
	switch {
	case v >= 0x1000:
		return append(dst, hexDigits[v>>12], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
	case v >= 0x100:
		return append(dst, hexDigits[v>>8], hexDigits[v>>4&15], hexDigits[v&15])
	case v >= 0x10:
		return append(dst, hexDigits[v>>4], hexDigits[v&15])
	}
	return append(dst, hexDigits[v])
}

func quoteIf(dst []byte, q bool, f func([]byte) []byte) []byte {
	if q {
		dst = append(dst, '"')
	}
	dst = f(dst)
	if q {
		dst = append(dst, '"')
	}
	return dst
}

// appendSignExtended appends the decimal value of a signed bitfield of
// the given width that the kernel printed as its unsigned bits: 7 on 3
// bits is -1. A value that is not such bits is left to print as it is.
func appendSignExtended(dst, v []byte, bits int) ([]byte, bool) {
	if bits <= 0 || bits > 64 {
		return dst, false
	}
	u, ok := intBits(v, 8)
	if !ok || bits < 64 && u>>bits != 0 {
		return dst, false
	}
	n := int64(u<<(64-bits)) >> (64 - bits)
	return strconv.AppendInt(dst, n, 10), true
}
