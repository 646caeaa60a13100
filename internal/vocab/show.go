package vocab

import (
	"math/bits"
	"strconv"

	"github.com/surftrace/surftrace/internal/numtext"
)

const hexDigits = "0123456789abcdef"

// showIPv4 shows a u32 read in network order, or a 4-byte array, as
// a.b.c.d.
func showIPv4(dst, v []byte, jsonOut bool) ([]byte, bool) {
	var a [4]byte
	if u, ok := numtext.IntBits(v, 4); ok {
		// The u32 was read from memory in network order on a
		// little-endian host: its low byte is the first octet.
		a = [4]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}
	} else if !numtext.ArrayBytes(v, a[:]) {
		return dst, false
	}
	return quoteIf(dst, jsonOut, func(b []byte) []byte { return appendIPv4(b, a) }), true
}

// showIPv6 shows 16 bytes as an IPv6 address.
func showIPv6(dst, v []byte, jsonOut bool) ([]byte, bool) {
	var a [16]byte
	if !numtext.ArrayBytes(v, a[:]) {
		return dst, false
	}
	return quoteIf(dst, jsonOut, func(b []byte) []byte { return appendIPv6(b, &a) }), true
}

// showMAC shows 6 bytes as aa:bb:cc:dd:ee:ff.
func showMAC(dst, v []byte, jsonOut bool) ([]byte, bool) {
	var a [6]byte
	if !numtext.ArrayBytes(v, a[:]) {
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
}

// showBE returns the display of a size-byte number read in network
// order: byte-swapped, in decimal or, with hex, as 0x….
func showBE(size int, hex bool) func(dst, v []byte, jsonOut bool) ([]byte, bool) {
	return func(dst, v []byte, jsonOut bool) ([]byte, bool) {
		u, ok := numtext.IntBits(v, size)
		if !ok {
			return dst, false
		}
		u = bits.ReverseBytes64(u) >> (64 - 8*size)
		switch {
		case hex && jsonOut:
			return numtext.AppendJSONHex(dst, u), true
		case hex:
			return strconv.AppendUint(append(dst, '0', 'x'), u, 16), true
		case jsonOut:
			return numtext.AppendJSONUint(dst, u), true
		}
		return strconv.AppendUint(dst, u, 10), true
	}
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
