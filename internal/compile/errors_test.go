package compile

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
)

// errorCase is one refused expression: the message and hint must hold
// the given substrings and the caret must underline exactly at (its
// first occurrence after skip bytes of the expression), or its first n
// bytes.
type errorCase struct {
	name     string
	arch     string
	src      string
	msg      []string
	hint     []string
	at       string
	n        int // the underline's length when shorter than at
	skip     int
	sentinel error
}

// errorCases has one case per kind of bad input.
var errorCases = []errorCase{
	{name: "vertical tab injecting an argument", src: "P /tmp/p:0x1166\vx=+0(%di):string\v#:func",
		msg: []string{`control character '\v'`}, hint: []string{"splits probe definitions at whitespace"},
		at: "\v", sentinel: expr.ErrSyntax},
	{name: "form feed in a name", src: "p ip_output a\f=%0",
		msg: []string{`control character '\f'`}, at: "\f", sentinel: expr.ErrSyntax},
	{name: "DEL in a filter", src: "p ip_output a=%0 f:a==1\x7f",
		msg: []string{`control character '\x7f'`}, at: "\x7f", sentinel: expr.ErrSyntax},
	{name: "object path with a space", src: "P spacey:func v=%0",
		msg:  []string{`the object's path "/tmp/a b/spacey" holds ' ', where uprobe_events splits the definition`},
		hint: []string{"without whitespace"}, at: "spacey:func", sentinel: ErrArgument},
	{name: "129 arguments", src: "p ip_output" + manyArgs(129),
		msg: []string{"129 arguments: a probe takes at most 128 (the kernel's MAX_TRACE_ARGS), and this is number 129"},
		at:  "a128=%0", sentinel: ErrArgument},
	{name: "a chain past the deref limit", src: "p wake_up_new_task p=%0" + strings.Repeat("->parent", 5000) + "->pid",
		msg: []string{"p needs 13 dereferences; the kernel reads at most 12"},
		at:  "->parent", skip: 23 + 12*8, n: len(strings.Repeat("->parent", 5000-12)) + len("->pid"), sentinel: ErrArgument},
	{name: "the 13th dereference", src: "p wake_up_new_task p=%0" + strings.Repeat("->parent", 12) + "->pid",
		msg: []string{"p needs 13 dereferences; the kernel reads at most 12"}, hint: []string{"closer to the value"},
		at: "->pid", sentinel: ErrArgument},
	{name: "ip_ on a 3-bit bitfield", src: "p ip_local_deliver ip_t=%0->pkt_type",
		msg: []string{"ip_ shows a 32-bit value, but %0 (struct sk_buff *skb)->pkt_type is a 3-bit bitfield"}, hint: []string{"without the ip_ prefix"},
		at: "ip_", skip: 3, sentinel: ErrType},
	{name: "prefix on $comm", src: "p ip_output ip_c=$comm",
		msg: []string{"ip_ shows a 32-bit number, but $comm is read as string; a string takes no prefix"}, at: "ip_", skip: 3, sentinel: ErrType},
	{name: "prefix on a char array", src: "p wake_up_new_task b16_c=%0->comm",
		msg: []string{"b16_ shows a 16-bit number", "is read as string; a string takes no prefix"}, at: "b16_", sentinel: ErrType},
	{name: "ip_ on a pointer", src: "p ip_output ip_s=%2",
		msg: []string{"ip_ wants a 4-byte value, but %2 (struct sk_buff *skb) is read as u64 (8 bytes)"}, at: "ip_", skip: 3, sentinel: ErrType},
	{name: "b64_ on an explicit u32", src: "p ip_output+4 b64_x=%ax:u32",
		msg: []string{"b64_ wants a 8-byte value, but %ax is read as u32 (4 bytes)"}, at: "b64_", sentinel: ErrType},
	{name: "prefix on an array", src: "p ip_output b32_a=%2->dev->perm_addr",
		msg: []string{"b32_ shows one 32-bit number, but %2 (struct sk_buff *skb)->dev->perm_addr is an array (u8[32])"}, at: "b32_", sentinel: ErrType},
	{name: "symbol type in a user probe", src: "P tuprobe:func f=%di:symbol",
		msg: []string{"uprobe_events has no symbol type: it names kernel symbols only"}, at: ":symbol", sentinel: ErrType},
	{name: "comm as a number", src: "p ip_output c=$comm:u8",
		msg: []string{"$comm is a string; the kernel reads it only as :string"}, at: ":u8", sentinel: ErrType},
	{name: "negative literal on an unsigned value", src: "p ip_output l=%2->len f:l<-1",
		msg: []string{"l is unsigned (u32): the kernel cannot compare it with -1"}, hint: []string{"read it signed with S"}, at: "-1", sentinel: ErrBadLiteral},
	{name: "unknown function", src: "p ip_outptu a=%0",
		msg: []string{`no kernel function "ip_outptu"`}, hint: []string{"did you mean", "ip_output"},
		at: "ip_outptu", sentinel: ErrUnknownFunction},
	{name: "unknown member", src: "p wake_up_new_task c=%0->comn",
		msg: []string{"struct task_struct has no member \"comn\""}, hint: []string{"did you mean", "comm"},
		at: "comn", sentinel: ErrUnknownMember},
	{name: "unknown member of a packet header", src: "p ip_output d=@(struct iphdr *)l3%2->dadr",
		msg: []string{`struct iphdr has no member "dadr"`}, hint: []string{"daddr"},
		at: "dadr", sentinel: ErrUnknownMember},
	{name: "dot on a pointer", src: "p wake_up_new_task m=%0.mm",
		msg: []string{"is a pointer", "use ->mm"}, at: ".mm", n: 1, sentinel: ErrType},
	{name: "arrow on a non-pointer", src: "p wake_up_new_task n=%0->se->run_node",
		msg: []string{"(struct task_struct *p)->se is a struct sched_entity, not a pointer: use .run_node"}, at: "->run_node", n: 2, sentinel: ErrType},
	{name: "index past the bound", src: "p wake_up_new_task c=%0->comm[16]",
		msg: []string{"index 16 is past the end of %0 (struct task_struct *p)->comm", "char[16], indexes 0 to 15"}, at: "16", sentinel: ErrArgument},
	{name: "argument past the prototype", src: "p ip_output a=%0 d=%3",
		msg:  []string{"%3 is past the last argument", "ip_output(struct net *net, struct sock *sk, struct sk_buff *skb)"},
		hint: []string{"3 argument(s), %0 to %2"}, at: "%3", sentinel: ErrArgument},
	{name: "retval in an entry probe", src: "p do_filp_open f=$retval",
		msg: []string{"$retval exists only in return probes"}, hint: []string{"with r instead of p"},
		at: "$retval", sentinel: ErrArgument},
	{name: "reserved name", src: "p ip_output common_pid=%0",
		msg: []string{`"common_pid" is a field every event has`}, at: "common_pid", sentinel: expr.ErrSyntax},
	{name: "duplicate name", src: "p ip_output a=%0 a=%1",
		msg: []string{`duplicate name "a" (first at column 13)`}, at: "a=%1", n: 1, sentinel: expr.ErrSyntax},
	{name: "struct as the final value", src: "p wake_up_new_task se=%0->se",
		msg: []string{"incomplete, name a member"}, hint: []string{"its members:", "run_node"},
		at: "se=%0->se", sentinel: ErrType},
	{name: "header below its layer", src: "p ip_output p=@(struct ethhdr *)l3%2->h_proto",
		msg: []string{"struct ethhdr is below layer l3"}, hint: []string{"@(struct ethhdr *)l2"},
		at: "@(struct ethhdr", sentinel: ErrType},
	{name: "iphdr below l4", src: "p tcp_rcv_established p=@(struct iphdr *)l4%1->protocol",
		msg: []string{"struct iphdr is below layer l4"}, at: "@(struct iphdr", sentinel: ErrType},
	{name: "filter name not defined", src: "p ip_output a=%0 f:a==1&&b==2",
		msg: []string{`the filter names "b", which this expression does not define`}, at: "b==2", n: 1, sentinel: ErrUnknownField},
	{name: "bad IPv4 literal", src: "p ip_output ip_dst=@(struct iphdr*)l3%2->daddr f:ip_dst==10.0.1.256",
		msg: []string{`"10.0.1.256" is not an IPv4 address`}, at: "10.0.1.256", sentinel: ErrBadLiteral},
	{name: "unknown type in a cast", src: "p ip_output a=!(struct sk_bufff *)%2->len",
		msg: []string{`unknown type "struct sk_bufff"`}, at: "!(struct sk_bufff *)", sentinel: ErrUnknownType},
	{name: "ordering a byte-swapped value", src: "p ip_output b16_dest=@(struct udphdr*)l3%2->dest f:b16_dest>1024",
		msg: []string{"only ==, != and & keep their meaning"}, at: ">1024", n: 1, sentinel: ErrBadLiteral},
	{name: "prefix of the wrong size", src: "p ip_output ip_p=@(struct iphdr*)l3%2->protocol",
		msg: []string{"ip_ wants a 4-byte value", "1 bytes"}, at: "ip_p", sentinel: ErrType},
	{name: "prefix on a pointer to too few bytes", src: "p dev_addr_add mac_a=!(u32 *)%1",
		msg: []string{"mac_ wants 6 bytes, but (u32 *)%1", "points to 4"}, at: "mac_a", sentinel: ErrType},
	{name: "unknown register", src: "p ip_output+4 r=%rxx",
		msg: []string{"unknown register %rxx on x86_64"}, at: "%rxx", sentinel: ErrArgument},
	{name: "packet cast on a non-skb", src: "p ip_output p=@(struct iphdr *)l3%0->protocol",
		msg: []string{"a packet cast reads an skb, but %0 (struct net *net) is struct net *"}, at: "%0", sentinel: ErrType},
	{name: "packet cast on a clone without a prototype", src: "p __netif_receive_skb_core proto=@(struct iphdr *)l3%0->protocol",
		msg:  []string{"%0 has no type here"},
		hint: []string{"only as the compiler's copy __netif_receive_skb_core.constprop.0", "no prototype", "__netif_receive_skb_one_core(struct sk_buff *skb"},
		at:   "%0", sentinel: ErrType},
	{name: "member of a clone's argument", src: "p __netif_receive_skb_core len=%0->len",
		msg: []string{"%0 has no type here, so ->len cannot be resolved"}, hint: []string{"compiler's copy", "__netif_receive_skb_one_core"},
		at: "->len", sentinel: ErrType},
	{name: "function ftrace cannot trace", src: "p dev_queue_xmit skb=%0",
		msg: []string{"dev_queue_xmit cannot be probed"}, hint: []string{"probe __dev_queue_xmit"},
		at: "dev_queue_xmit", sentinel: ErrNotProbeable},
	{name: "offset past the function", src: "p ip_output+100000 a=%ax",
		msg: []string{"offset 100000 is past the end of ip_output"}, at: "100000", sentinel: ErrNotProbeable},
	{name: "return probe with an offset", src: "r ip_output+4 a=$retval",
		msg: []string{"a return probe takes no offset"}, at: "4", skip: 12, sentinel: ErrNotProbeable},
	{name: "retval of a void function", src: "r wake_up_new_task r=$retval",
		msg: []string{"wake_up_new_task returns void"}, at: "$retval", sentinel: ErrType},
	{name: "string compared with <", src: "p wake_up_new_task comm=%0->comm f:comm<\"a\"",
		msg: []string{"comm is a string: compare it with ==, != or ~"}, at: "<", sentinel: ErrBadLiteral},
	{name: "xdata without an index", src: "p ip_output d=@(struct udphdr *)l3%2->sdata",
		msg: []string{"sdata needs an index"}, at: "sdata", sentinel: ErrArgument},
	{name: "stack argument inside a function", src: "p ip_make_skb+8 c=%8",
		msg: []string{"%8 is on the stack, valid only at the function's entry"}, at: "%8", sentinel: ErrArgument},
	{name: "parse: unknown probe type", src: "q ip_output a=%0",
		msg: []string{`unknown probe type "q"`}, hint: []string{"p (kprobe)"}, at: "q", sentinel: expr.ErrSyntax},
	{name: "parse: missing target", src: "p   ",
		msg: []string{`missing probe point after "p"`}, at: " ", skip: 1, sentinel: expr.ErrSyntax},
	{name: "parse: unbalanced bracket", src: "p ip_output c=%2->cb[3",
		msg: []string{"an index and `]` are expected after `[`"}, at: "", skip: 22, n: 1, sentinel: expr.ErrSyntax},
	{name: "parse: unbalanced parenthesis", src: "p ip_output a=!(struct sk_buff *%2->len",
		msg: []string{"this ( is never closed"}, at: "(", sentinel: expr.ErrSyntax},
	{name: "struct by value in two registers", src: "p timestamp_truncate t=%0",
		msg: []string{"passed by value in two registers (%di, %si)"}, at: "%0", sentinel: ErrType},
}

// manyArgs returns " a0=%0 a1=%0 …" with n arguments.
func manyArgs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" a" + strconv.Itoa(i) + "=%0")
	}
	return b.String()
}

func TestErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			archName := tc.arch
			if archName == "" {
				archName = "x86_64"
			}
			arch, _ := LookupArch(archName)
			_, err := parseCompile(tc.src, kernelConfig(t, arch))
			checkError(t, tc, err)
		})
	}
}

func checkError(t *testing.T, tc errorCase, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: compiled, want an error", tc.src)
	}
	var ee *expr.Error
	if !errors.As(err, &ee) {
		t.Fatalf("%s: error %T %v is not an *expr.Error", tc.src, err, err)
	}
	for _, m := range tc.msg {
		if !strings.Contains(ee.Msg, m) {
			t.Errorf("message %q lacks %q", ee.Msg, m)
		}
	}
	for _, h := range tc.hint {
		if !strings.Contains(ee.Hint, h) {
			t.Errorf("hint %q lacks %q", ee.Hint, h)
		}
	}
	if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
		t.Errorf("error does not wrap %v", tc.sentinel)
	}
	i := strings.Index(tc.src[tc.skip:], tc.at)
	if i < 0 {
		t.Fatalf("bad test: %q not in %q", tc.at, tc.src)
	}
	want := tc.skip + i
	if ee.Pos != want {
		t.Errorf("caret at column %d (%q…), want column %d (%q)\n%s", ee.Column(), tc.src[min(ee.Pos, len(tc.src)):], want+1, tc.at, ee.Pretty())
	}
	n := tc.n
	if n == 0 {
		n = len(tc.at)
	}
	if ee.Len != n {
		t.Errorf("caret underlines %q, want %q\n%s", tc.src[ee.Pos:min(ee.Pos+ee.Len, len(tc.src))], tc.at[:n], ee.Pretty())
	}
	if !strings.HasPrefix(ee.Error(), "col "+strconv.Itoa(want+1)+": ") {
		t.Errorf("Error() = %q, want it to start with col %d", ee.Error(), want+1)
	}
	// What users see: the message, the expression, the caret under it.
	lines := strings.Split(ee.Pretty(), "\n")
	shown := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '·' // a control byte shows as one visible column
		}
		return r
	}, tc.src)
	if len(lines) < 3 || lines[1] != "    "+shown || strings.Index(lines[2], "^") != 4+want {
		t.Errorf("Pretty() does not put the caret at column %d:\n%s", want+1, ee.Pretty())
	}
}
