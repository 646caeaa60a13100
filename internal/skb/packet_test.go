package skb

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// udp4 is an IPv4/UDP header 10.0.1.1:40000 -> 10.0.1.221:9999.
var udp4 = []byte{
	0x45, 0, 0, 39, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 1, 1, 10, 0, 1, 221,
	0x9c, 0x40, 0x27, 0x0f, 0, 19, 0, 0,
}

// udp6 is an IPv6/UDP header fd00::1:40000 -> fd00::2:9999.
var udp6 = func() []byte {
	b := make([]byte, 48)
	b[0] = 0x60
	b[5] = 8
	b[6] = 17
	b[7] = 64
	b[8], b[9], b[23] = 0xfd, 0, 1
	b[24], b[39] = 0xfd, 2
	copy(b[40:], []byte{0x9c, 0x40, 0x27, 0x0f})
	return b
}()

// line prints an skb event as the kernel would, with the headers at
// data+l3 (negative: data points past the network header).
func line(probe int, hdr []byte, l3 int, eth uint16, extra string) string {
	const head = 0xffff888004a3c000
	data := uint64(head + 0x80)
	nh := int64(0x80 + l3)
	var win [windowBytes]byte
	copy(win[windowBefore+l3:], hdr)
	var words []string
	for i := 0; i < windowWords; i++ {
		var v uint64
		for b := 0; b < 8; b++ {
			v |= uint64(win[i*8+b]) << (8 * b)
		}
		words = append(words, fmt.Sprintf("0x%x", v))
	}
	proto := eth>>8 | eth<<8
	return fmt.Sprintf("            nc-231     [001] d..1.     3.517246: s%d: (ip_output+0x0/0x110) skb=0xffff888004b1e200 head=0x%x data=0x%x nh=%d len=39 proto=%d mark=0 ifindex=2%s pkt={%s}",
		probe, uint64(head), data, nh, proto, extra, strings.Join(words, ","))
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		hdr  []byte
		l3   int
		eth  uint16
		want string
	}{
		{"data at L3", udp4, 0, ethIPv4, "10.0.1.1:40000->10.0.1.221:9999 udp"},
		{"data at L2", udp4, 14, ethIPv4, "10.0.1.1:40000->10.0.1.221:9999 udp"},
		{"data at L4", udp4, -20, ethIPv4, "10.0.1.1:40000->10.0.1.221:9999 udp"},
		{"protocol not set yet", udp4, 0, 0, "10.0.1.1:40000->10.0.1.221:9999 udp"},
		{"IPv6", udp6, 0, ethIPv6, "[fd00::1]:40000->[fd00::2]:9999 udp"},
		{"IPv6 at L4", udp6, -40, ethIPv6, "[fd00::1]:40000->[fd00::2]:9999 udp"},
		{"EtherType disagrees", udp4, 0, ethIPv6, ""},
		{"no header", make([]byte, 40), 0, ethIPv4, ""},
	} {
		var ev Event
		if err := ParseEvent([]byte(line(3, tc.hdr, tc.l3, tc.eth, "")), &ev); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := Decode(&ev).Tuple(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseEvent(t *testing.T) {
	var ev Event
	if err := ParseEvent([]byte(line(12, udp4, 0, ethIPv4, " reason=2")), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Comm != "nc" || ev.Pid != 231 || ev.CPU != 1 || ev.Time != "3.517246" || ev.Probe != 12 ||
		ev.Skb != 0xffff888004b1e200 || ev.Len != 39 || ev.Ifindex != 2 || !ev.HasReason || ev.Reason != 2 || !ev.PktOK {
		t.Errorf("%+v", ev)
	}
	// A command name with spaces and dashes, and the TGID column.
	l := strings.Replace(line(0, udp4, 0, ethIPv4, ""), "            nc-231     [001]", "  my -prog-x-77 (   70) [003]", 1)
	if err := ParseEvent([]byte(l), &ev); err != nil || ev.Comm != "my -prog-x" || ev.Pid != 77 || ev.CPU != 3 {
		t.Errorf("%v %+v", err, ev)
	}
	if err := ParseEvent([]byte("a-1 [000] 1.0: s1: (x) skb=0x0 len=0"), &ev); !errors.Is(err, ErrNoSkb) {
		t.Errorf("NULL skb: %v", err)
	}
	for _, bad := range []string{"", "CPU:1 [LOST 12 EVENTS]", "x-1 [000] 1.0: f0: (a+0/1) y=1", "a-1 [000] 1.0: s1: (x) skb=(fault)"} {
		if err := ParseEvent([]byte(bad), &ev); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	// A faulted window leaves the packet unknown.
	l = line(0, udp4, 0, ethIPv4, "")
	l = l[:strings.Index(l, "pkt=")] + "pkt=(fault)"
	if err := ParseEvent([]byte(l), &ev); err != nil || ev.PktOK || Decode(&ev).Family != 0 {
		t.Errorf("faulted window: %v %+v", err, ev)
	}
}

func FuzzParseEvent(f *testing.F) {
	f.Add(line(3, udp4, 0, ethIPv4, ""))
	f.Add(line(1, udp6, -40, ethIPv6, " reason=5"))
	f.Add("CPU:1 [LOST 12 EVENTS]")
	f.Fuzz(func(t *testing.T, s string) {
		var ev Event
		if ParseEvent([]byte(s), &ev) == nil {
			Decode(&ev).Tuple()
		}
	})
}
