package vocab

import (
	"math/bits"
	"net"

	"github.com/surftrace/surftrace/internal/numtext"
)

// The third conversion of a prefix: a value as the kernel printed it
// into the Go value a library caller gets (net.IP, net.HardwareAddr,
// uint64), false when v is not a value of the prefix.

func valueIPv4(v []byte) (any, bool) {
	if u, ok := numtext.IntBits(v, 4); ok {
		// Read from memory in network order on a little-endian host: the
		// low byte is the first octet.
		return net.IP{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}, true
	}
	ip := make(net.IP, 4)
	return ip, numtext.ArrayBytes(v, ip)
}

func valueIPv6(v []byte) (any, bool) {
	ip := make(net.IP, 16)
	return ip, numtext.ArrayBytes(v, ip)
}

func valueMAC(v []byte) (any, bool) {
	hw := make(net.HardwareAddr, 6)
	return hw, numtext.ArrayBytes(v, hw)
}

// valueBE reads a big-endian number of size bytes.
func valueBE(size int) func(v []byte) (any, bool) {
	return func(v []byte) (any, bool) {
		u, ok := numtext.IntBits(v, size)
		return bits.ReverseBytes64(u) >> (64 - 8*size), ok
	}
}
