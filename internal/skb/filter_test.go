package skb

import (
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
)

func event(t *testing.T, hdr []byte, extra string) (*Event, *Packet) {
	t.Helper()
	var ev Event
	eth := uint16(ethIPv4)
	if hdr[0]>>4 == 6 {
		eth = ethIPv6
	}
	if err := ParseEvent([]byte(line(0, hdr, 0, eth, extra)), &ev); err != nil {
		t.Fatal(err)
	}
	p := Decode(&ev)
	return &ev, &p
}

func TestFilterMatch(t *testing.T) {
	ev4, p4 := event(t, udp4, "")
	ev6, p6 := event(t, udp6, "")
	devs := func(name string) (int, error) {
		if name == "eth0" {
			return 2, nil
		}
		return 0, errors.New("no such device")
	}
	for _, tc := range []struct {
		f      string
		v4, v6 bool
	}{
		{"proto==17&&b16_dport==9999", true, true},
		{"proto==udp", true, true},
		{"proto==tcp", false, false},
		{"ip_dst==10.0.1.221", true, false},
		{"ip_src!=10.0.1.221", true, false}, // no IPv4 header: neither equal nor different
		{"ip6_src==fd00::1&&b16_sport==40000", false, true},
		{"ip6_dst==fd00::1", false, false},
		{"!(ip_dst==10.0.1.221)", false, true},
		{"dev==eth0&&len>38&&len<40", true, true},
		{"dev==3||mark&1", false, false},
		{"b16_dport==1||b16_dport==9999", true, true},
	} {
		f, err := ParseFilter(tc.f, devs)
		if err != nil {
			t.Fatalf("%s: %v", tc.f, err)
		}
		if got := f.Match(ev4, p4); got != tc.v4 {
			t.Errorf("%s on IPv4: %v", tc.f, got)
		}
		if got := f.Match(ev6, p6); got != tc.v6 {
			t.Errorf("%s on IPv6: %v", tc.f, got)
		}
	}
}

// A refused filter says why, with the caret under the offending part.
func TestFilterErrors(t *testing.T) {
	for _, tc := range []struct{ f, at, msg string }{
		{"proto==17&&b16_dprot==9999", "b16_dprot", "b16_dport"},
		{"ip_dst==10.0.1", "10.0.1", "IPv4"},
		{"ip6_dst==10.0.1.1", "10.0.1.1", "IPv6"},
		{"ip_dst<10.0.1.1", "<", "== or !="},
		{"proto==ufo", "ufo", "udp, tcp"},
		{"b16_dport==70000", "70000", "16-bit"},
		{"dev==nosuch0", "nosuch0", "no device"},
		{"proto==", "", "expected"},
	} {
		_, err := ParseFilter(tc.f, func(string) (int, error) { return 0, errors.New("none") })
		var ee *expr.Error
		if !errors.As(err, &ee) {
			t.Fatalf("%s: %v", tc.f, err)
		}
		p := ee.Pretty()
		if !strings.Contains(strings.ToLower(p), strings.ToLower(tc.msg)) {
			t.Errorf("%s: message lacks %q:\n%s", tc.f, tc.msg, p)
		}
		if tc.at != "" && (ee.Pos != strings.Index(tc.f, tc.at) || !strings.Contains(p, "^")) {
			t.Errorf("%s: caret at %d, want under %q:\n%s", tc.f, ee.Pos, tc.at, p)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	f.Add("proto==17&&b16_dport==9999")
	f.Add("ip6_src==fd00::1||!(dev==lo)")
	f.Fuzz(func(t *testing.T, s string) {
		ev, p := &Event{}, &Packet{}
		if flt, err := ParseFilter(s, nil); err == nil {
			flt.Match(ev, p)
		}
	})
}

func TestFilterKernel(t *testing.T) {
	for in, want := range map[string]string{
		"proto==17&&dev==2&&len>100&&mark&0x10": "ifindex==2&&len>100&&mark&16",
		"proto==17&&b16_dport==53":              "",
		"dev==2||mark==1":                       "",
		"!(dev==2)&&len<=60":                    "len<=60",
	} {
		f, err := ParseFilter(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Kernel(); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
