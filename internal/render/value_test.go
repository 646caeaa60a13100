package render

import (
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/surftrace/surftrace/internal/probe"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		d          probe.Display
		in         string
		text, json string // "" when the value is left as printed
	}{
		{probe.DisplayIPv4, "3707830282", "10.0.1.221", `"10.0.1.221"`},
		{probe.DisplayIPv4, "0xdd01000a", "10.0.1.221", `"10.0.1.221"`},
		{probe.DisplayIPv4, "0", "0.0.0.0", `"0.0.0.0"`},
		{probe.DisplayIPv4, "4294967296", "", ""},
		{probe.DisplayIPv4, "-2147483649", "", ""},
		{probe.DisplayIPv4, "{10,0,1,221}", "10.0.1.221", `"10.0.1.221"`},
		{probe.DisplayIPv4, "{10,0,1}", "", ""},
		{probe.DisplayIPv4, `"10.0.0.1"`, "", ""},
		{probe.DisplayBE16, "1063", "9988", "9988"},
		{probe.DisplayBE16, "0x0427", "9988", "9988"},
		{probe.DisplayBE16, "65536", "", ""},
		{probe.DisplayBE16, "-32768", "128", "128"},
		{probe.DisplayBE16, "-32769", "", ""},
		{probe.DisplayBE16Hex, "1063", "0x2704", `"0x2704"`},
		{probe.DisplayBE32, "16777216", "1", "1"},
		{probe.DisplayBE32Hex, "0x12345678", "0x78563412", `"0x78563412"`},
		{probe.DisplayBE64, "1", "72057594037927936", `"72057594037927936"`},
		{probe.DisplayBE64Hex, "0x0102030405060708", "0x807060504030201", `"0x807060504030201"`},
		{probe.DisplayBE64, "18446744073709551616", "", ""},
		{probe.DisplayBE64, "-1", "18446744073709551615", `"18446744073709551615"`},
		{probe.DisplayMAC, "{0x52,0x54,0x0,0x12,0x34,0x56}", "52:54:00:12:34:56", `"52:54:00:12:34:56"`},
		{probe.DisplayMAC, "{82,84,0,18,52,86}", "52:54:00:12:34:56", `"52:54:00:12:34:56"`},
		{probe.DisplayMAC, "{82,84,0,18,52,256}", "", ""},
		{probe.DisplayMAC, "{82,84,0,18,52,}", "", ""},
		{probe.DisplayMAC, "{82,84,0,18,52,1,2}", "", ""},
		{probe.DisplayMAC, "(fault)", "", ""},
		{probe.DisplayIPv6, "{0x20,0x1,0xd,0xb8,0,0,0,0,0,0,0,0,0,0,0,1}", "2001:db8::1", `"2001:db8::1"`},
		{probe.DisplayIPv6, "{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}", "::", `"::"`},
		{probe.DisplayIPv6, "{0x20,0x1,0xd,0xb8,0,0,0,1,0,0,0,1,0,0,0,1}", "2001:db8:0:1:0:1:0:1", `"2001:db8:0:1:0:1:0:1"`},
		{probe.DisplayIPv6, "{0x20,0x1,0xd,0xb8}", "", ""},
		{probe.DisplayDefault, "17", "", ""},
	}
	for _, tt := range tests {
		for _, js := range []bool{false, true} {
			want := tt.text
			if js {
				want = tt.json
			}
			got, ok := convert([]byte("<"), []byte(tt.in), tt.d, nil, js)
			if !ok {
				got = nil
			} else {
				got = got[1:]
			}
			if string(got) != want || ok != (want != "") {
				t.Errorf("convert(%d, %q, json=%v) = %q, %v; want %q", tt.d, tt.in, js, got, ok, want)
			}
		}
	}
}

// The IPv6 form is RFC 5952's, as net/netip writes it, for any address.
func TestIPv6Canonical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var a [16]byte
		var b strings.Builder
		b.WriteByte('{')
		for i := range a {
			if rng.IntN(2) == 0 {
				a[i] = byte(rng.IntN(256))
			}
			if i > 0 {
				b.WriteByte(',')
			}
			if rng.IntN(2) == 0 {
				b.WriteString("0x" + strconv.FormatUint(uint64(a[i]), 16))
			} else {
				b.WriteString(strconv.Itoa(int(a[i])))
			}
		}
		b.WriteByte('}')
		got, ok := convert(nil, []byte(b.String()), probe.DisplayIPv6, nil, false)
		if want := netip.AddrFrom16(a).String(); !ok || string(got) != want {
			t.Fatalf("%s: got %q, want %q", b.String(), got, want)
		}
	}
}

func TestJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\x00\x01\x1f\n\r\t", "ünï\u2028", "\xff\xfe", "a\xc3", "\xe2\x82", "€"} {
		got := appendJSONString(nil, []byte(s))
		if !json.Valid(got) {
			t.Fatalf("%q: invalid JSON %s", s, got)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(s) && back != s {
			t.Errorf("%q round-tripped to %q", s, back)
		}
	}
}

func TestJSONValue(t *testing.T) {
	for in, want := range map[string]string{
		"17": "17", "-5": "-5", "0": "0", "-0": "-0", "0x10": `"0x10"`, "007": `"007"`, "1.5": `"1.5"`,
		`"a b"`: `"a b"`, `"`: `""`, `""`: `""`, "(fault)": "null", "{1,0x2,-3}": `[1,"0x2",-3]`, "{}": "[]", "{,}": `"{,}"`,
		"{1,}": `"{1,}"`, "sym+0x0/0x10": `"sym+0x0/0x10"`, "18446744073709551615": `"18446744073709551615"`, "9007199254740991": "9007199254740991", "-9007199254740992": `"-9007199254740992"`,
	} {
		got := appendJSONValue(nil, []byte(in))
		if string(got) != want || !json.Valid(got) {
			t.Errorf("appendJSONValue(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestSignExtend(t *testing.T) {
	for _, tc := range []struct {
		v    string
		bits int
		want string
		ok   bool
	}{
		{"7", 3, "-1", true}, {"3", 3, "3", true}, {"4", 3, "-4", true}, {"8", 3, "", false},
		{"0x1f", 5, "-1", true}, {"18446744073709551615", 64, "-1", true}, {"(fault)", 3, "", false}, {"1", 0, "", false},
	} {
		got, ok := appendSignExtended(nil, []byte(tc.v), tc.bits)
		if string(got) != tc.want || ok != tc.ok {
			t.Errorf("appendSignExtended(%q, %d) = %q, %v; want %q, %v", tc.v, tc.bits, got, ok, tc.want, tc.ok)
		}
	}
	defs := []*probe.Def{{Kind: probe.Uprobe, Name: "p0", Args: []probe.Arg{
		{Name: "s", Type: "b3@0/32", Display: probe.DisplaySignedBits}, {Name: "u", Type: "b5@3/32"}}}}
	line := hdr + "p0: (0x1) s=6 u=31"
	for _, js := range []bool{false, true} {
		got, _ := render(t, line, Options{JSON: js, Schema: SchemaFromDefs(defs)})
		want := hdr + "p0: (0x1) s=-2 u=31\n"
		if js {
			want = `"args":{"s":-2,"u":31}`
		}
		if !strings.Contains(got, want) {
			t.Errorf("json=%v: %s, want …%s…", js, got, want)
		}
	}
}
