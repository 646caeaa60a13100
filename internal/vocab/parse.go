package vocab

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// parseIPv4 reads a.b.c.d.
func parseIPv4(text string) ([]byte, error) {
	a, err := netip.ParseAddr(text)
	if err != nil || !a.Is4() {
		return nil, fmt.Errorf("%q is not an IPv4 address (a.b.c.d)", text)
	}
	b := a.As4()
	return b[:], nil
}

// parseIPv6 reads an IPv6 address in any form netip takes.
func parseIPv6(text string) ([]byte, error) {
	a, err := netip.ParseAddr(text)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return nil, fmt.Errorf("%q is not an IPv6 address", text)
	}
	b := a.As16()
	return b[:], nil
}

// parseMAC reads aa:bb:cc:dd:ee:ff.
func parseMAC(text string) ([]byte, error) {
	m, err := net.ParseMAC(text)
	if err != nil || len(m) != 6 {
		return nil, fmt.Errorf("%q is not a MAC address (aa:bb:cc:dd:ee:ff)", text)
	}
	return m, nil
}

// parseBE returns the reader of a size-byte number (decimal or 0x-hex)
// into its big-endian bytes.
func parseBE(size int) func(text string) ([]byte, error) {
	return func(text string) ([]byte, error) {
		n, err := strconv.ParseUint(text, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", text)
		}
		if size < 8 && n>>(uint(size)*8) != 0 {
			return nil, fmt.Errorf("%s does not fit in %d bytes", text, size)
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], n)
		return b[8-size:], nil
	}
}
