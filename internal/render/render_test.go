package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// render runs lines (newline-separated) through a Renderer and returns
// what it printed and what it reported lost.
func render(t testing.TB, in string, opts Options) (string, []uint64) {
	t.Helper()
	var lost []uint64
	opts.OnLost = func(cpu int, n uint64) { lost = append(lost, uint64(cpu), n) }
	var out bytes.Buffer
	if err := Copy(&out, strings.NewReader(in), opts); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	return out.String(), lost
}

// Lines of every shape, as the kernel prints them.
const (
	lineKprobe  = ` <...>-2733784 [014] .... 12648619.219880: f0: (ip_output+0x0/0xd0) proto=17 ip_dst=3707830282 b16_dest=1063 comm="nc" body="Hello World\!  @"`
	lineKret    = `            bash-1234    [001] d..1.   100.000001: r1: (tcp_sendmsg+0x0/0x50 <- __sys_sendto) arg1=0xffff888003c0e000`
	lineUprobe  = `   kworker/u8:2-99 [000] ..s1.  5.5: p0: (0x55d0c0a011a9) v=42 name="a b" s=(fault)`
	lineUret    = `  my prog-with dashes-77 [003] dN.2. 1.2: r0: (0x401136 <- 0x401200) ret=7`
	lineArrays  = `            ping-120 [001] ..... 3.4: f2: (__dev_queue_xmit+0x0/0x10) mac_src={0x52,0x54,0x0,0x12,0x34,0x56} ip6_a={0x20,0x1,0xd,0xb8,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x1}`
	lineStack   = `          <idle>-0       [001] ..s2.   123.456789: <stack trace>`
	lineTP      = `            sshd-500 [000] ..... 9.9: sched_process_exec: filename=/bin/ls pid=501 old_pid=501`
	lineTgid    = `               t-9162    (   9162) [001] DBZff   474.768696: r1: (0x55faf00741c1 <- 0x55faf0074139) ret=6`
	lineNoFlags = `               t-9441    [001]    479.563820: p0: (0x5583381b8139) v=-2 s="a b" B16_x=0x1234 b32_y=16777216 B64_z=1`
	lineCounter = `            bash-1 [002] d..1 123456789012: f1: (vfs_read+0x0/0x1a0) ip_src=16777343`
)

func TestRenderText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"kprobe", lineKprobe, ` <...>-2733784 [014] .... 12648619.219880: f0: (ip_output+0x0/0xd0) proto=17 ip_dst=10.0.1.221 b16_dest=9988 comm="nc" body="Hello World\!  @"`},
		{"kretprobe", lineKret, lineKret},
		{"uprobe fault", lineUprobe, lineUprobe},
		{"uretprobe dashes", lineUret, lineUret},
		{"arrays", lineArrays, `            ping-120 [001] ..... 3.4: f2: (__dev_queue_xmit+0x0/0x10) mac_src=52:54:00:12:34:56 ip6_a=2001:db8::1`},
		{"tracepoint", lineTP, lineTP},
		{"tgid", lineTgid, lineTgid},
		{"no flags, hex swaps", lineNoFlags, `               t-9441    [001]    479.563820: p0: (0x5583381b8139) v=-2 s="a b" B16_x=0x3412 b32_y=1 B64_z=0x100000000000000`},
		{"counter clock", lineCounter, `            bash-1 [002] d..1 123456789012: f1: (vfs_read+0x0/0x1a0) ip_src=127.0.0.1`},
		{"stack block", lineStack + "\n => ip_output\n => __ip_queue_xmit+0x17d/0x410", lineStack + "\n => ip_output\n => __ip_queue_xmit+0x17d/0x410"},
		{"lost not printed", "CPU:2 [LOST 1234 EVENTS]", ""},
		{"header passes", "# tracer: nop\n#\n#           TASK-PID     CPU#", "# tracer: nop\n#\n#           TASK-PID     CPU#"},
		{"garbage passes", "hello world\n\n[001] x", "hello world\n\n[001] x"},
		{"value too big left", `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip_a=4294967296 b16_b=65536 B32_c=-2147483649 mac_d={1,2,3} ip6_e={1}`, `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip_a=4294967296 b16_b=65536 B32_c=-2147483649 mac_d={1,2,3} ip6_e={1}`},
		{"not numbers left", `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip_a=(fault) b16_b="12" ip_c= ip_d=0x`, `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip_a=(fault) b16_b="12" ip_c= ip_d=0x`},
		{"negatives fit", `a-1 [000] .... 1.0: f0: (x+0x0/0x1) b16_a=-2 ip_b=-1 b64_c=-1`, `a-1 [000] .... 1.0: f0: (x+0x0/0x1) b16_a=65279 ip_b=255.255.255.255 b64_c=18446744073709551615`},
		{"ip as byte array", `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip_a={10,0,1,221}`, `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip_a=10.0.1.221`},
		{"v4-mapped ip6", `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip6_a={0,0,0,0,0,0,0,0,0,0,0xff,0xff,10,0,0,1}`, `a-1 [000] .... 1.0: f0: (x+0x0/0x1) ip6_a=::ffff:10.0.0.1`},
		{"string cut by newline", "t-1 [001] .... 1.0: p0: (0x1) s=\"line1\nline2\" ip_a=16777343", "t-1 [001] .... 1.0: p0: (0x1) s=\"line1\nline2\" ip_a=127.0.0.1"},
		{"string cut, then event", "t-1 [001] .... 1.0: p0: (0x1) s=\"open\n" + lineKret, "t-1 [001] .... 1.0: p0: (0x1) s=\"open\n" + lineKret},
		{"comm with brackets", `a [2] b-5 [003] .... 1.0: f0: (x+0x0/0x1) ip_a=1`, `a [2] b-5 [003] .... 1.0: f0: (x+0x0/0x1) ip_a=1.0.0.0`},
		{"module symbol location", `a-1 [000] .... 1.0: f0: (htb_enqueue+0x0/0x4e0 [sch_htb]) ip_a=1 sym=htb_enqueue+0x0/0x4e0 [sch_htb] b16_x=1`, `a-1 [000] .... 1.0: f0: (htb_enqueue+0x0/0x4e0 [sch_htb]) ip_a=1.0.0.0 sym=htb_enqueue+0x0/0x4e0 [sch_htb] b16_x=256`},
		{"trailing partial line", "a-1 [000] .... 1.0: f0: (x) ip_a=1\nb-2 [000] .... 1.1: f0: (x) ip_a=2", "a-1 [000] .... 1.0: f0: (x) ip_a=1.0.0.0\nb-2 [000] .... 1.1: f0: (x) ip_a=2.0.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := render(t, tt.in, Options{})
			want := tt.want
			if want != "" {
				want += "\n"
			}
			if got != want {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestRenderJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"kprobe", lineKprobe, `{"task":"<...>","pid":2733784,"cpu":14,"flags":"....","timestamp":12648619.219880,"event":"f0","location":"ip_output+0x0/0xd0","args":{"proto":17,"ip_dst":"10.0.1.221","b16_dest":9988,"comm":"nc","body":"Hello World\\!  @"}}`},
		{"kretprobe", lineKret, `{"task":"bash","pid":1234,"cpu":1,"flags":"d..1.","timestamp":100.000001,"event":"r1","location":"tcp_sendmsg+0x0/0x50","ret_from":"__sys_sendto","args":{"arg1":"0xffff888003c0e000"}}`},
		{"uprobe fault", lineUprobe, `{"task":"kworker/u8:2","pid":99,"cpu":0,"flags":"..s1.","timestamp":5.5,"event":"p0","location":"0x55d0c0a011a9","args":{"v":42,"name":"a b","s":null}}`},
		{"uretprobe dashes", lineUret, `{"task":"my prog-with dashes","pid":77,"cpu":3,"flags":"dN.2.","timestamp":1.2,"event":"r0","location":"0x401136","ret_from":"0x401200","args":{"ret":7}}`},
		{"arrays", lineArrays, `{"task":"ping","pid":120,"cpu":1,"flags":".....","timestamp":3.4,"event":"f2","location":"__dev_queue_xmit+0x0/0x10","args":{"mac_src":"52:54:00:12:34:56","ip6_a":"2001:db8::1"}}`},
		{"tracepoint", lineTP, `{"task":"sshd","pid":500,"cpu":0,"flags":".....","timestamp":9.9,"event":"sched_process_exec","args":{"filename":"/bin/ls","pid":501,"old_pid":501}}`},
		{"tgid", lineTgid, `{"task":"t","pid":9162,"tgid":9162,"cpu":1,"flags":"DBZff","timestamp":474.768696,"event":"r1","location":"0x55faf00741c1","ret_from":"0x55faf0074139","args":{"ret":6}}`},
		{"no flags", lineNoFlags, `{"task":"t","pid":9441,"cpu":1,"timestamp":479.563820,"event":"p0","location":"0x5583381b8139","args":{"v":-2,"s":"a b","B16_x":"0x3412","b32_y":1,"B64_z":"0x100000000000000"}}`},
		{"counter clock", lineCounter, `{"task":"bash","pid":1,"cpu":2,"flags":"d..1","timestamp":123456789012,"event":"f1","location":"vfs_read+0x0/0x1a0","args":{"ip_src":"127.0.0.1"}}`},
		{"stack attached", lineArrays + "\n" + lineStack + "\n => ip_output\n => __ip_queue_xmit+0x17d/0x410", `{"task":"ping","pid":120,"cpu":1,"flags":".....","timestamp":3.4,"event":"f2","location":"__dev_queue_xmit+0x0/0x10","args":{"mac_src":"52:54:00:12:34:56","ip6_a":"2001:db8::1"},"stack":["ip_output","__ip_queue_xmit+0x17d/0x410"]}`},
		{"lost and headers skipped", "# tracer: nop\nCPU:2 [LOST 1234 EVENTS]\nhello", ""},
		{"free text payload", `kworker/0:1-12 [000] .... 1.0: workqueue_execute_start: work struct 00000000c0ffee00: function vmstat_update`, `{"task":"kworker/0:1","pid":12,"cpu":0,"flags":"....","timestamp":1.0,"event":"workqueue_execute_start","args":{},"text":"work struct 00000000c0ffee00: function vmstat_update"}`},
		{"no payload", `a-1 [000] .... 1.0: ev:`, `{"task":"a","pid":1,"cpu":0,"flags":"....","timestamp":1.0,"event":"ev","args":{}}`},
		{"string cut by newline", "t-1 [001] .... 1.0: p0: (0x1) s=\"line1\nline2\" ip_a=16777343", `{"task":"t","pid":1,"cpu":1,"flags":"....","timestamp":1.0,"event":"p0","location":"0x1","args":{"s":"line1\nline2","ip_a":"127.0.0.1"}}`},
		{"string never closed", "t-1 [001] .... 1.0: p0: (0x1) s=\"open", `{"task":"t","pid":1,"cpu":1,"flags":"....","timestamp":1.0,"event":"p0","location":"0x1","args":{"s":"open"}}`},
		{"escaping", "t\x01\xff-1 [001] .... 1.0: p0: (0x1) s=\"a\\b\"c\tq\"", `{"task":"t\u0001\ufffd","pid":1,"cpu":1,"flags":"....","timestamp":1.0,"event":"p0","location":"0x1","args":{"s":"a\\b\"c\tq"}}`},
		{"odd values", `a-1 [000] .... 1.0: f0: (x) a=0x b=007 c={1,x} d={} e= f=1.5 g=-0x1 h=18446744073709551615 i={"s","t"} j=0xFFFFFFFFFFFFFFFFF`, `{"task":"a","pid":1,"cpu":0,"flags":"....","timestamp":1.0,"event":"f0","location":"x","args":{"a":"0x","b":"007","c":"{1,x}","d":[],"e":"","f":"1.5","g":"-0x1","h":"18446744073709551615","i":"{\"s\",\"t\"}","j":"0xFFFFFFFFFFFFFFFFF"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := render(t, tt.in, Options{JSON: true})
			want := tt.want
			if want != "" {
				want += "\n"
			}
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			checkJSONLines(t, got)
		})
	}
}

// checkJSONLines fails unless every line of out is a valid JSON object.
func checkJSONLines(t testing.TB, out string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" && out == "" {
			continue
		}
		if !json.Valid([]byte(l)) {
			t.Fatalf("invalid JSON line: %q", l)
		}
	}
}

func TestLost(t *testing.T) {
	in := "CPU:2 [LOST 1234 EVENTS]\n" + lineKprobe + "\nCPU:0 [LOST EVENTS]\nCPU:x [LOST 1 EVENTS]\nCPU:1 [LOST 7 EVENTS]"
	for _, js := range []bool{false, true} {
		var out bytes.Buffer
		var got []uint64
		r := New(&out, Options{JSON: js, OnLost: func(cpu int, n uint64) { got = append(got, uint64(cpu), n) }})
		for _, l := range strings.Split(in, "\n") {
			if err := r.Line([]byte(l)); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Flush(); err != nil {
			t.Fatal(err)
		}
		if want := []uint64{2, 1234, 0, 0, 1, 7}; !equalU64(got, want) {
			t.Errorf("json=%v: OnLost got %v, want %v", js, got, want)
		}
		if r.Lost() != 1234+1+7 {
			t.Errorf("json=%v: Lost() = %d, want %d", js, r.Lost(), 1234+1+7)
		}
		if strings.Contains(out.String(), "LOST 1234") || strings.Contains(out.String(), "LOST 7") {
			t.Errorf("json=%v: lost lines printed: %q", js, out.String())
		}
		if !js && !strings.Contains(out.String(), "CPU:x [LOST 1 EVENTS]") {
			t.Errorf("malformed lost line not passed through: %q", out.String())
		}
	}
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
