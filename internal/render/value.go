package render

import (
	"strconv"

	"github.com/surftrace/surftrace/internal/numtext"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// faultText is what the kernel prints for a string read that faulted.
const faultText = "(fault)"

// convert appends the display form of value v, or reports false (and
// appends nothing) when v does not fit the display: not a number, the
// wrong size, "(fault)". jsonOut asks for a JSON value rather than text.
func convert(dst, v []byte, d probe.Display, enum map[int64]string, jsonOut bool) ([]byte, bool) {
	if enum != nil {
		if u, ok := numtext.IntBits(v, 8); ok {
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
	if p := vocab.ForDisplay(d); p != nil {
		return p.Show(dst, v, jsonOut)
	}
	return dst, false
}

// appendSignExtended appends the decimal value of a signed bitfield of
// the given width that the kernel printed as its unsigned bits: 7 on 3
// bits is -1. A value that is not such bits is left to print as it is.
func appendSignExtended(dst, v []byte, bits int) ([]byte, bool) {
	if bits <= 0 || bits > 64 {
		return dst, false
	}
	u, ok := numtext.IntBits(v, 8)
	if !ok || bits < 64 && u>>bits != 0 {
		return dst, false
	}
	n := int64(u<<(64-bits)) >> (64 - bits)
	return strconv.AppendInt(dst, n, 10), true
}
