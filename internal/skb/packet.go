package skb

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
)

// EtherTypes of skb->protocol.
const (
	ethIPv4 = 0x0800
	ethIPv6 = 0x86dd
)

// IP protocol numbers with ports or names.
const (
	ipICMP   = 1
	ipTCP    = 6
	ipUDP    = 17
	ipICMPv6 = 58
	ipSCTP   = 132
)

// Packet is what an event's window says about the packet: known only
// where the network header was set and lies inside the window.
type Packet struct {
	Family   int // 4, 6, or 0 when the headers are not known here
	Src, Dst netip.Addr
	Proto    uint8
	Sport    uint16
	Dport    uint16
	Ports    bool
}

// Decode finds the network header in the event's window through
// skb->head + skb->network_header, and reads the addresses, the protocol
// and the ports. Where the network header is not set yet (a socket's
// transmit path before IP) or does not look like the EtherType says,
// the packet is unknown rather than guessed.
func Decode(ev *Event) Packet {
	var p Packet
	if !ev.PktOK || ev.NH == 0 || ev.NH == 0xffff || ev.Head == 0 || ev.Data == 0 {
		return p
	}
	off := int64(ev.Head) + int64(ev.NH) - (int64(ev.Data) - windowBefore)
	if off < 0 || off+20 > windowBytes {
		return p
	}
	w := ev.Pkt[:]
	l3 := w[off:]
	eth := bits.ReverseBytes16(ev.Proto)
	switch v := l3[0] >> 4; {
	case v == 4 && (eth == ethIPv4 || eth == 0):
		ihl := int(l3[0]&15) * 4
		tot := int(l3[2])<<8 | int(l3[3])
		if ihl < 20 || tot < ihl {
			return p
		}
		p.Family = 4
		p.Src = netip.AddrFrom4([4]byte(l3[12:16]))
		p.Dst = netip.AddrFrom4([4]byte(l3[16:20]))
		p.Proto = l3[9]
		frag := (int(l3[6])<<8 | int(l3[7])) & 0x1fff
		if frag == 0 {
			p.ports(w, off+int64(ihl))
		}
	case v == 6 && (eth == ethIPv6 || eth == 0):
		if off+40 > windowBytes {
			return p
		}
		p.Family = 6
		p.Src = netip.AddrFrom16([16]byte(l3[8:24]))
		p.Dst = netip.AddrFrom16([16]byte(l3[24:40]))
		p.Proto = l3[6] // the next header; extension headers are not followed
		p.ports(w, off+40)
	}
	return p
}

func (p *Packet) ports(w []byte, l4 int64) {
	switch p.Proto {
	case ipTCP, ipUDP, ipSCTP:
	default:
		return
	}
	if l4+4 > int64(len(w)) {
		return
	}
	p.Sport = uint16(w[l4])<<8 | uint16(w[l4+1])
	p.Dport = uint16(w[l4+2])<<8 | uint16(w[l4+3])
	p.Ports = true
}

// ProtoName names an IP protocol as pwru and tcpdump do.
func ProtoName(n uint8) string {
	switch n {
	case ipICMP:
		return "icmp"
	case ipTCP:
		return "tcp"
	case ipUDP:
		return "udp"
	case ipICMPv6:
		return "icmp6"
	case ipSCTP:
		return "sctp"
	}
	return "proto" + strconv.Itoa(int(n))
}

// Tuple spells the packet as src:sport->dst:dport proto, IPv6 addresses
// in brackets; "" when the packet is unknown.
func (p Packet) Tuple() string {
	if p.Family == 0 {
		return ""
	}
	host := func(a netip.Addr, port uint16) string {
		if !p.Ports {
			return a.String()
		}
		return netip.AddrPortFrom(a, port).String()
	}
	return fmt.Sprintf("%s->%s %s", host(p.Src, p.Sport), host(p.Dst, p.Dport), ProtoName(p.Proto))
}
