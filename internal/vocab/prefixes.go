package vocab

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
)

// Prefix is a name prefix that asks for a value to be shown otherwise
// than the kernel prints it: ip_dst=… shows a.b.c.d.
type Prefix struct {
	Prefix  string // "ip_"
	Display probe.Display
	// Size is the value's size in bytes; the compiler refuses a value of
	// another size.
	Size int
	// Bytes says the value is read as Size bytes (x8[Size]) rather than
	// as one number.
	Bytes bool
	// Help is the line shell completion shows beside the prefix.
	Help string
	// Example is a value as the renderer shows it, for help and tests.
	Example string
	// Show appends the display form of v, a value as the kernel printed
	// it; jsonOut asks for a JSON value. It reports false, appending
	// nothing, when v is not a value of this prefix.
	Show func(dst, v []byte, jsonOut bool) ([]byte, bool)
	// Parse reads the display form back into the value's bytes as they
	// lie in memory (network order).
	Parse func(text string) ([]byte, error)
	// Value converts a value as the kernel printed it into the Go value
	// library callers get.
	Value func(v []byte) (any, bool)
	// FilterForm is how a filter literal is spelt, as a fmt verb on the
	// value read in host (little-endian) order.
	FilterForm string
}

// prefixes are the name prefixes, one row each.
var prefixes = []Prefix{
	{Prefix: "ip_", Display: probe.DisplayIPv4, Size: 4, Help: "IPv4 address: a u32 in network order shown a.b.c.d",
		Example: "10.0.1.221", Show: showIPv4, Parse: parseIPv4, Value: valueIPv4, FilterForm: "0x%08x"},
	{Prefix: "ip6_", Display: probe.DisplayIPv6, Size: 16, Bytes: true, Help: "IPv6 address: 16 bytes shown in RFC 5952 form",
		Example: "fe80::1", Show: showIPv6, Parse: parseIPv6, Value: valueIPv6},
	{Prefix: "mac_", Display: probe.DisplayMAC, Size: 6, Bytes: true, Help: "MAC address: 6 bytes shown aa:bb:cc:dd:ee:ff",
		Example: "02:42:ac:11:00:02", Show: showMAC, Parse: parseMAC, Value: valueMAC},
	{Prefix: "b16_", Display: probe.DisplayBE16, Size: 2, Help: "16-bit big-endian number (a port) shown in decimal",
		Example: "9988", Show: showBE(2, false), Parse: parseBE(2), Value: valueBE(2), FilterForm: "%d"},
	{Prefix: "b32_", Display: probe.DisplayBE32, Size: 4, Help: "32-bit big-endian number shown in decimal",
		Example: "305419896", Show: showBE(4, false), Parse: parseBE(4), Value: valueBE(4), FilterForm: "%d"},
	{Prefix: "b64_", Display: probe.DisplayBE64, Size: 8, Help: "64-bit big-endian number shown in decimal",
		Example: "1311768467463790320", Show: showBE(8, false), Parse: parseBE(8), Value: valueBE(8), FilterForm: "%d"},
	// The hex forms: the original wrote bare hex digits to the filter,
	// which the kernel reads as decimal; 0x keeps them hex.
	{Prefix: "B16_", Display: probe.DisplayBE16Hex, Size: 2, Help: "16-bit big-endian number shown in hex",
		Example: "0x2704", Show: showBE(2, true), Parse: parseBE(2), Value: valueBE(2), FilterForm: "0x%x"},
	{Prefix: "B32_", Display: probe.DisplayBE32Hex, Size: 4, Help: "32-bit big-endian number shown in hex",
		Example: "0x12345678", Show: showBE(4, true), Parse: parseBE(4), Value: valueBE(4), FilterForm: "0x%x"},
	{Prefix: "B64_", Display: probe.DisplayBE64Hex, Size: 8, Help: "64-bit big-endian number shown in hex",
		Example: "0x123456789abcdef0", Show: showBE(8, true), Parse: parseBE(8), Value: valueBE(8), FilterForm: "0x%x"},
}

// byDisplay finds a row from a display on the renderer's hot path.
var byDisplay = func() (t [probe.DisplaySignedBits + 1]*Prefix) {
	for i := range prefixes {
		t[prefixes[i].Display] = &prefixes[i]
	}
	return t
}()

// ForDisplay returns the row of display d, or nil (DisplayDefault,
// DisplaySignedBits).
func ForDisplay(d probe.Display) *Prefix {
	if int(d) >= len(byDisplay) {
		return nil
	}
	return byDisplay[d]
}

// ForName returns the row of the prefix name starts with, or nil. The
// compiler and the renderer both ask it, so that a name means the same
// thing live, offline and in a filter.
func ForName(name string) *Prefix {
	for i := range prefixes {
		if strings.HasPrefix(name, prefixes[i].Prefix) {
			return &prefixes[i]
		}
	}
	return nil
}

// DisplayForName is the display name's prefix asks for, DisplayDefault
// for a name without one.
func DisplayForName(name string) probe.Display {
	if p := ForName(name); p != nil {
		return p.Display
	}
	return probe.DisplayDefault
}

// DisplayOf is the display a name's prefix asks for, for a name read from
// a trace line. The renderer asks it for every name of every line: it
// does not allocate, and most names are told apart at their first byte.
func DisplayOf(name []byte) probe.Display {
	if len(name) < 3 {
		return probe.DisplayDefault
	}
	for m := byFirst[name[0]]; m != 0; m &= m - 1 {
		p := &prefixes[bits.TrailingZeros32(m)]
		if len(name) >= len(p.Prefix) && string(name[:len(p.Prefix)]) == p.Prefix {
			return p.Display
		}
	}
	return probe.DisplayDefault
}

// EndsInPrefix reports whether b ends with a prefix ("…ip_"), wherever
// it is: text that may be a prefixed name. Most text is told apart at
// the byte before its last.
func EndsInPrefix(b []byte) bool {
	n := len(b)
	if n < 3 || b[n-1] != '_' {
		return false
	}
	for m := byBeforeLast[b[n-2]]; m != 0; m &= m - 1 {
		p := prefixes[bits.TrailingZeros32(m)].Prefix
		if n >= len(p) && string(b[n-len(p):]) == p {
			return true
		}
	}
	return false
}

// byFirst and byBeforeLast are the rows (bit i for prefixes[i]) whose
// prefix has a byte as its first and as its byte before the '_'. A prefix
// ends in '_' and is at least three bytes long.
var byFirst, byBeforeLast = func() (first, beforeLast [256]uint32) {
	if len(prefixes) > 32 {
		panic("vocab: more prefixes than the lookup masks hold")
	}
	for i, p := range prefixes {
		if len(p.Prefix) < 3 || p.Prefix[len(p.Prefix)-1] != '_' {
			panic("vocab: prefix " + p.Prefix + " is not NAME_")
		}
		first[p.Prefix[0]] |= 1 << i
		beforeLast[p.Prefix[len(p.Prefix)-2]] |= 1 << i
	}
	return first, beforeLast
}()

// ErrNoFilter is returned for a prefix whose values the kernel cannot
// filter on.
var ErrNoFilter = errors.New("the kernel cannot filter on byte arrays")

// FilterLiteral turns the text a filter compares a prefixed value with
// (ip_dst==10.0.1.221) into the kernel's number: the value as it lies in
// memory, read in host order.
func (p *Prefix) FilterLiteral(text string) (string, error) {
	if p.Bytes {
		return "", ErrNoFilter
	}
	b, err := p.Parse(strings.Trim(text, `"'`))
	if err != nil {
		return "", err
	}
	var n uint64
	for i := len(b) - 1; i >= 0; i-- {
		n = n<<8 | uint64(b[i])
	}
	return fmt.Sprintf(p.FilterForm, n), nil
}
