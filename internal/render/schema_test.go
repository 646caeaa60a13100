package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

func nastySchema() *Schema {
	a := func(name, typ string) probe.Arg {
		return probe.Arg{Name: name, Type: typ, Display: vocab.DisplayForName(name)}
	}
	s := SchemaFromDefs([]*probe.Def{
		{Kind: probe.Kprobe, Name: "f0", Args: []probe.Arg{a("comm", "string"), a("body", "string"), a("ip_dst", "u32")}},
		{Kind: probe.Kprobe, Name: "f1", Args: []probe.Arg{a("s", "string")}},
		{Kind: probe.Kprobe, Name: "f2", Args: []probe.Arg{
			{Name: "state", Type: "s32", Enum: map[int64]string{1: "TCP_ESTABLISHED", 7: "TCP_CLOSE", -1: "NEG"}},
			a("b16_port", "u16"),
		}},
		{Kind: probe.Event, Name: "sched_switch"},
	})
	s.AddEvent("net_dev_xmit", []string{"common_pid", "skbaddr", "len", "rc", "name"})
	return s
}

const hdr = `nc-1 [000] .... 1.0: `

// Strings holding quotes and " name=" split right with the schema. The
// name split has only the line: it cuts a string where the rest of the
// line still reads as values the kernel prints, which is right unless a
// string holds a whole `" name="…"` (then only the schema knows).
func TestSchemaNastyStrings(t *testing.T) {
	tests := []struct {
		name, in        string
		schema, offline string // JSON args of each
	}{
		{"name inside string",
			`f0: (x) comm="a b=1 body=" body="x" ip_dst=16777343`,
			`{"comm":"a b=1 body=","body":"x","ip_dst":"127.0.0.1"}`,
			`{"comm":"a b=1 body=","body":"x","ip_dst":"127.0.0.1"}`},
		{"quote then name inside string",
			`f0: (x) comm="q" x=1" body="y" ip_dst=16777343`,
			`{"comm":"q\" x=1","body":"y","ip_dst":"127.0.0.1"}`,
			`{"comm":"q\" x=1","body":"y","ip_dst":"127.0.0.1"}`},
		{"next name inside string",
			`f0: (x) comm="c" body="z" ip_dst=5" ip_dst=16777343`,
			`{"comm":"c","body":"z\" ip_dst=5","ip_dst":"127.0.0.1"}`,
			`{"comm":"c","body":"z\" ip_dst=5","ip_dst":"127.0.0.1"}`},
		{"last string with quotes and names",
			`f1: (x) s="a" b="c" d=1"`,
			`{"s":"a\" b=\"c\" d=1"}`,
			`{"s":"a","b":"c\" d=1"}`},
		{"fault",
			`f0: (x) comm=(fault) body="" ip_dst=1`,
			`{"comm":null,"body":"","ip_dst":"1.0.0.0"}`,
			`{"comm":null,"body":"","ip_dst":"1.0.0.0"}`},
		{"enum and swap",
			`f2: (x) state=7 b16_port=1063`,
			`{"state":"TCP_CLOSE","b16_port":9988}`,
			`{"state":7,"b16_port":9988}`},
		{"enum negative and unknown",
			`f2: (x) state=4294967295 b16_port=1`,
			`{"state":"NEG","b16_port":256}`,
			`{"state":4294967295,"b16_port":256}`},
		{"line not following the schema falls back",
			`f0: (x) other=1 ip_dst=16777343`,
			`{"other":1,"ip_dst":"127.0.0.1"}`,
			`{"other":1,"ip_dst":"127.0.0.1"}`},
		{"tracepoint printing other names",
			`net_dev_xmit: dev=lo skbaddr=00000000c0ffee00 len=84 rc=0`,
			`{"dev":"lo","skbaddr":"00000000c0ffee00","len":84,"rc":0}`,
			`{"dev":"lo","skbaddr":"00000000c0ffee00","len":84,"rc":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				s    *Schema
				want string
			}{{nastySchema(), tt.schema}, {nil, tt.offline}} {
				got, _ := render(t, hdr+tt.in, Options{JSON: true, Schema: c.s})
				checkJSONLines(t, got)
				i := strings.Index(got, `"args":`)
				if i < 0 {
					t.Fatalf("no args in %s", got)
				}
				args := got[i+7 : len(got)-2]
				if args != c.want {
					t.Errorf("schema=%v:\ngot  %s\nwant %s", c.s != nil, args, c.want)
				}
			}
		})
	}
}

// In text mode the schema's enum names replace numbers too.
func TestSchemaEnumText(t *testing.T) {
	got, _ := render(t, hdr+`f2: (x) state=1 b16_port=1063`, Options{Schema: nastySchema()})
	if want := hdr + "f2: (x) state=TCP_ESTABLISHED b16_port=9988\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A string cut by a newline in the middle of the line: the schema split
// needs the joined text to find the later names.
func TestSchemaStringWithNewline(t *testing.T) {
	in := hdr + "f0: (x) comm=\"two\nlines\" body=\"b\" ip_dst=16777343\n" + hdr + "f1: (x) s=\"z\""
	for _, s := range []*Schema{nastySchema(), nil} {
		got, _ := render(t, in, Options{Schema: s})
		want := hdr + "f0: (x) comm=\"two\nlines\" body=\"b\" ip_dst=127.0.0.1\n" + hdr + "f1: (x) s=\"z\"\n"
		if got != want {
			t.Errorf("schema=%v: got %q", s != nil, got)
		}
	}
}

// Live (with the schema) and offline (names of the line only) renderings of
// ordinary lines are the same, in text and JSON.
func TestSchemaAgreesOffline(t *testing.T) {
	in := genCorpus(20000, true)
	for _, js := range []bool{false, true} {
		var live, offline bytes.Buffer
		if err := Copy(&live, bytes.NewReader(in), Options{JSON: js, Schema: corpusSchema()}); err != nil {
			t.Fatal(err)
		}
		if err := Copy(&offline, bytes.NewReader(in), Options{JSON: js}); err != nil {
			t.Fatal(err)
		}
		if live.Len() == 0 || !bytes.Equal(live.Bytes(), offline.Bytes()) {
			l, o := strings.Split(live.String(), "\n"), strings.Split(offline.String(), "\n")
			for i := range min(len(l), len(o)) {
				if l[i] != o[i] {
					t.Fatalf("json=%v: line %d differs:\nlive    %s\noffline %s", js, i, l[i], o[i])
				}
			}
			t.Fatalf("json=%v: outputs differ in length %d/%d", js, live.Len(), offline.Len())
		}
		if js {
			checkJSONLines(t, live.String())
		}
	}
}

func TestKindOfType(t *testing.T) {
	for typ, want := range map[string]argKind{
		"": kindUnknown, "u8": kindNumber, "s64": kindNumber, "x32": kindNumber, "b4@0/8": kindNumber, "char": kindNumber,
		"string": kindString, "ustring": kindString, "x8[16]": kindArray, "string[2]": kindArray, "symbol": kindUnknown,
	} {
		if got := kindOfType(typ); got != want {
			t.Errorf("kindOfType(%q) = %d, want %d", typ, got, want)
		}
	}
}

func TestSchemaNilSafe(t *testing.T) {
	var s *Schema
	if s.lookup([]byte("f0")) != nil {
		t.Fatal("nil schema found an event")
	}
	var z Schema
	z.AddEvent("e", []string{"a"})
	if z.lookup([]byte("e")) == nil {
		t.Fatal("AddEvent on a zero Schema lost the event")
	}
}
