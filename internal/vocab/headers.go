package vocab

import "strings"

// Header is a packet header a cast @(struct NAME *)lN%skb reads.
type Header struct {
	Name string // the struct's name without "struct "
	// Layer is the header's layer: 2 link, 3 network, 4 transport.
	Layer int
	// Size is how many bytes the cast takes the header to span when it
	// counts the headers below the one read: the kernel's skb offsets are
	// not read, so an IPv4 header is taken without options.
	Size int
	// Over is the header this one is taken to follow, "" for none; a
	// transport header is taken to ride on IPv4 except ICMPv6.
	Over string
	// Member is a member worth naming in an example.
	Member string
	// Offer says shell completion lists the header. The IPv6 headers are
	// typed out, so that "ip" completes to iphdr at once.
	Offer bool
}

// headers are the packet headers surftrace knows, by layer.
var headers = []Header{
	{Name: "ethhdr", Layer: 2, Size: 14, Member: "h_proto", Offer: true},
	{Name: "iphdr", Layer: 3, Size: 20, Over: "ethhdr", Member: "protocol", Offer: true},
	{Name: "ipv6hdr", Layer: 3, Size: 40, Over: "ethhdr", Member: "nexthdr"},
	{Name: "icmphdr", Layer: 4, Size: 8, Over: "iphdr", Member: "type", Offer: true},
	{Name: "icmp6hdr", Layer: 4, Size: 8, Over: "ipv6hdr", Member: "icmp6_type"},
	{Name: "udphdr", Layer: 4, Size: 8, Over: "iphdr", Member: "dest", Offer: true},
	{Name: "tcphdr", Layer: 4, Size: 20, Over: "iphdr", Member: "dest", Offer: true},
}

// LookupHeader returns the header named name ("iphdr"), or nil.
func LookupHeader(name string) *Header {
	for i := range headers {
		if headers[i].Name == name {
			return &headers[i]
		}
	}
	return nil
}

// HeaderList spells the header names for a message: "ethhdr, iphdr, …".
func HeaderList() string {
	names := make([]string, len(headers))
	for i := range headers {
		names[i] = headers[i].Name
	}
	return strings.Join(names, ", ")
}

// Start is where h starts counted from the start of layer from: the
// sizes of the headers it is taken to follow down to that layer.
func (h *Header) Start(from int) int {
	off := 0
	for b := LookupHeader(h.Over); b != nil && b.Layer >= from; b = LookupHeader(b.Over) {
		off += b.Size
	}
	return off
}

// PacketData is a pseudo-member of a packet header that reads the bytes
// after it: cdata[i] is the i-th u8 past the header.
type PacketData struct {
	Name string
	// Width is the element's size in bytes, 0 for a string.
	Width int
	Help  string
}

// packetDatas are the pseudo-members every packet header has.
var packetDatas = []PacketData{
	{"cdata", 1, "u8 after the header"},
	{"sdata", 2, "u16 after the header"},
	{"ldata", 4, "u32 after the header"},
	{"qdata", 8, "u64 after the header"},
	{"Sdata", 0, "string after the header"},
}

// LookupPacketData returns the pseudo-member named name, or nil.
func LookupPacketData(name string) *PacketData {
	for i := range packetDatas {
		if packetDatas[i].Name == name {
			return &packetDatas[i]
		}
	}
	return nil
}
