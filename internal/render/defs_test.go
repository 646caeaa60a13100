package render

import (
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

func TestReadDefs(t *testing.T) {
	in := `# surftrace -S
p:surftrace/f0 ip_output proto=+0x9(+0xd0(%dx)):u8 ip_dst=+0x10(+0xd0(%dx)):u32 comm=$comm g=@jiffies
r:surftrace/f1 ip_output ret=$retval:s32
r16:grp/r2 tcp_sendmsg x=%ax
p:surftrace/p3 /usr/bin/bash:0x8a870 s=+0x0(%di):string
e:sched/sched_switch
f0 filter: proto==17
`
	defs, err := ReadDefs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range defs {
		s := string(d.Kind) + " " + d.Name + " " + d.Target
		for _, a := range d.Args {
			s += " " + a.Name + ":" + a.Type
		}
		got = append(got, s)
	}
	want := []string{"p f0 ip_output proto:u8 ip_dst:u32 comm: g:", "r f1 ip_output ret:s32", "r r2 tcp_sendmsg x:", "p p3 /usr/bin/bash:0x8a870 s:string"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if defs[0].Args[1].Display != probe.DisplayIPv4 {
		t.Errorf("ip_dst display %v", defs[0].Args[1].Display)
	}
	for _, bad := range []string{"p:noslash ip_output", "p:g/e f a"} {
		if _, err := ReadDefs(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzReadDefs(f *testing.F) {
	f.Add("p:surftrace/f0 ip_output proto=+0x9(+0xd0(%dx)):u8 comm=$comm\nr16:g/r1 x a=%ax:x64\nf0 filter: a==1\n")
	f.Fuzz(func(t *testing.T, in string) {
		defs, err := ReadDefs(strings.NewReader(in))
		if err == nil {
			SchemaFromDefs(defs)
		}
	})
}
