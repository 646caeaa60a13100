package expr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// describe prints the AST compactly with byte positions in the whole
// expression (name@pos), so a table can say what a parse must give.
func describe(e *Expr) string {
	var b strings.Builder
	t := e.Target
	fmt.Fprintf(&b, "%c@%d %s@%d", e.Kind, e.KindPos, t.Symbol, t.Pos)
	if t.Obj != "" {
		fmt.Fprintf(&b, " obj=%s", t.Obj)
	}
	if t.Module != "" {
		fmt.Fprintf(&b, " mod=%s", t.Module)
	}
	if t.HasOffset {
		fmt.Fprintf(&b, " +%d@%d", t.Offset, t.OffPos)
	}
	if t.Addr != 0 {
		fmt.Fprintf(&b, " addr=%#x", t.Addr)
	}
	for _, a := range e.Args {
		fmt.Fprintf(&b, " | %s@%d", a.Name, a.Base)
		if a.Format != "" {
			b.WriteString(" " + a.Format)
		}
		if p := a.Packet; p != nil {
			fmt.Fprintf(&b, " pkt(%s,%s)@%d", p.Header, p.Layer, a.At(p.Pos))
		}
		if c := a.Cast; c != nil {
			fmt.Fprintf(&b, " cast(%s%s)@%d-%d", strings.Join(c.Words, " "), strings.Join(c.Stars, ""), a.At(c.Pos), a.At(c.EndPos))
		}
		s := a.Source
		switch {
		case s.Reg != nil:
			fmt.Fprintf(&b, " %s", *s.Reg)
		case s.Var != nil:
			fmt.Fprintf(&b, " %s", *s.Var)
		case s.Sym != nil:
			fmt.Fprintf(&b, " @%s", *s.Sym)
		}
		fmt.Fprintf(&b, "@%d", a.At(s.Pos))
		for _, ac := range a.Access {
			switch {
			case ac.Arrow != nil:
				fmt.Fprintf(&b, " ->%s", *ac.Arrow)
			case ac.Dot != nil:
				fmt.Fprintf(&b, " .%s", *ac.Dot)
			default:
				fmt.Fprintf(&b, " [%s]", *ac.Index)
			}
			fmt.Fprintf(&b, "@%d", a.At(ac.Pos))
		}
		if a.Type != nil {
			fmt.Fprintf(&b, " :%s@%d", a.Type.Name, a.At(a.Type.Pos))
		}
	}
	if e.Filter != nil {
		fmt.Fprintf(&b, " | f@%d ", e.FilterPos)
		describeOr(&b, e.Filter.Or, e.FilterPos)
	}
	return b.String()
}

func describeOr(b *strings.Builder, o *OrExpr, base int) {
	for i, a := range o.And {
		if i > 0 {
			b.WriteString(" || ")
		}
		for j, t := range a.Terms {
			if j > 0 {
				b.WriteString(" && ")
			}
			if t.Not {
				b.WriteString("!")
			}
			if t.Group != nil {
				b.WriteString("(")
				describeOr(b, t.Group, base)
				b.WriteString(")")
				continue
			}
			c := t.Cmp
			fmt.Fprintf(b, "%s@%d%s%s@%d", c.Field, base+c.Pos.Offset, c.Op, c.Value.Text(), base+c.Value.Pos.Offset)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct{ src, want string }{
		{"p ip_output", "p@0 ip_output@2"},
		{"p wake_up_new_task comm=%0->comm", "p@0 wake_up_new_task@2 | comm@19 %0@24 ->comm@26"},
		{"p wake_up_new_task uesrs=S%0->mm->mm_users", "p@0 wake_up_new_task@2 | uesrs@19 S %0@26 ->mm@28 ->mm_users@32"},
		{"p wake_up_new_task node=%0->se.run_node.rb_left", "p@0 wake_up_new_task@2 | node@19 %0@24 ->se@26 .run_node@30 .rb_left@39"},
		{"p do_filp_open dfd=X%0", "p@0 do_filp_open@2 | dfd@15 X %0@20"},
		{"p do_filp_open+121 filp=X!(u64)%ax", "p@0 do_filp_open@2 +121@15 | filp@19 X cast(u64)@25-31 %ax@31"},
		{"p do_filp_open+0x79 pos=X!(struct file*)%ax->f_pos", "p@0 do_filp_open@2 +121@15 | pos@20 X cast(struct file*)@25-40 %ax@40 ->f_pos@43"},
		{"r do_filp_open pos=$retval->f_pos", "r@0 do_filp_open@2 | pos@15 $retval@19 ->f_pos@26"},
		{"p wake_up_new_task point=@task_group_cache", "p@0 wake_up_new_task@2 | point@19 @task_group_cache@25"},
		{"p wake_up_new_task name=!(struct kmem_cache*)@task_group_cache->name",
			"p@0 wake_up_new_task@2 | name@19 cast(struct kmem_cache*)@24-45 @task_group_cache@45 ->name@62"},
		{"p dev_queue_xmit+678 pfun=%bx", "p@0 dev_queue_xmit@2 +678@17 | pfun@21 %bx@26"},
		{"e sched/sched_stat_wait f:delay>1000000", "e@0 sched/sched_stat_wait@2 | f@26 delay@26>1000000@32"},
		{"P tuprobe:func v=%0 a=%1->a b=%1->b", "P@0 func@2 obj=tuprobe | v@15 %0@17 | a@20 %1@22 ->a@24 | b@28 %1@30 ->b@32"},
		{"R /usr/bin/bash:readline cmd=!(char *)$retval", "R@0 readline@2 obj=/usr/bin/bash | cmd@25 cast(char*)@29-38 $retval@38"},
		{"p ip_output proto=@(struct iphdr *)l3%0->protocol",
			"p@0 ip_output@2 | proto@12 pkt(iphdr,l3)@18 %0@37 ->protocol@39"},
		{"p ip_output b16_dest=@(struct udphdr*)%2->dest body=@(struct udphdr*)l4%2->Sdata[0]",
			"p@0 ip_output@2 | b16_dest@12 pkt(udphdr,)@21 %2@38 ->dest@40 | body@47 pkt(udphdr,l4)@52 %2@71 ->Sdata@73 [0]@80"},
		{"p sch_htb:htb_enqueue+0x10 a=%ax:symbol s=$stack3 c=$comm x=@0xffff0000",
			"p@0 htb_enqueue@2 mod=sch_htb +16@22 | a@27 %ax@29 :symbol@32 | s@40 $stack3@42 | c@50 $comm@52 | x@58 @0xffff0000@60"},
		{"p 0xffffffff8187c6d0 a=%di", "p@0 @2 addr=0xffffffff8187c6d0 | a@21 %di@23"},
		{"p ip_output a=%0 f:a==1&&(b!=2||!c~\"x y\")", `p@0 ip_output@2 | a@12 %0@14 | f@19 a@19==1@22 && (b@26!=2@29 || !c@33~"x y"@35)`},
		{"p ip_output  a=%0\tb=%1 ", "p@0 ip_output@2 | a@13 %0@15 | b@18 %1@20"},
		// " f:" only outside quotes (and parentheses, see TestParseErrors).
		{`p ip_output a=%0 f:s=="a f:b"&&a&1`, `p@0 ip_output@2 | a@12 %0@14 | f@19 s@19=="a f:b"@22 && a@31&1@33`},
	}
	for _, tc := range tests {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		if got := describe(e); got != tc.want {
			t.Errorf("Parse(%q)\n got: %s\nwant: %s", tc.src, got, tc.want)
		}
		if e.Src != tc.src {
			t.Errorf("Parse(%q).Src = %q", tc.src, e.Src)
		}
		for _, a := range e.Args {
			if tc.src[a.Base:a.Base+len(a.Text)] != a.Text {
				t.Errorf("Parse(%q): arg %s text %q is not at %d", tc.src, a.Name, a.Text, a.Base)
			}
		}
	}
}

// TestParseErrors pins the one-line form of every parse error: the
// column and the message.
func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "col 1: empty expression (an expression is TYPE SYMBOL [NAME=VALUE ...] [f:FILTER], e.g. 'p do_sys_openat2 dfd=%0')"},
		{"x ip_output", `col 1: unknown probe type "x" (the type is one of p (kprobe), r (kretprobe), e (tracepoint), P (uprobe), R (uretprobe))`},
		{"pr ip_output", `col 1: unknown probe type "pr" (the type is one of p (kprobe), r (kretprobe), e (tracepoint), P (uprobe), R (uretprobe))`},
		{"p", `col 2: missing probe point after "p" (name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23')`},
		{"e  ", `col 2: missing probe point after "e" (write the tracepoint as SUBSYS/EVENT, e.g. 'e sched/sched_process_exec')`},
		{"p ip_output+x a=%0", "col 13: bad offset (decimal or 0x hex) (name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23')"},
		{"p ip_output+ a=%0", "col 13: bad offset (decimal or 0x hex) (name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23')"},
		{"p ip/output", "col 3: bad symbol name (name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23')"},
		{"p 0xzz", "col 3: bad address (name a kernel function, e.g. 'p ip_output', 'p dev_qdisc_enqueue+23')"},
		{"e sched", "col 3: a tracepoint is SUBSYS/EVENT (write the tracepoint as SUBSYS/EVENT, e.g. 'e sched/sched_process_exec')"},
		{"e sched/x a=%0", "col 11: a tracepoint takes no arguments (its fields are printed already; filter on them with f:, e.g. 'e sched/sched_process_exec f:pid>1')"},
		{"P bash", "col 3: a user probe point is OBJ:FUNC (write the user function as OBJ:FUNC, e.g. 'P bash:readline' or 'P /usr/lib/x86_64-linux-gnu/libc.so.6:getpid')"},
		{"P bash:", "col 3: a user probe point is OBJ:FUNC (write the user function as OBJ:FUNC, e.g. 'P bash:readline' or 'P /usr/lib/x86_64-linux-gnu/libc.so.6:getpid')"},
		{"p ip_output a", "col 13: an argument is NAME=VALUE (e.g. comm=%0->comm, dfd=X%0, ip_dst=@(struct iphdr *)l3%2->daddr)"},
		{"p ip_output common_pid=%0", `col 13: "common_pid" is a field every event has (choose another name)`},
		{"p ip_output a=%0 a=%1", `col 18: duplicate name "a" (first at column 13) (names must be unique within an expression)`},
		{"p ip_output a=%0->comm[1", "col 25: an index and `]` are expected after `[`, not the end (e.g. %0->cb[2])"},
		{"p ip_output a=%0->comm]", "col 23: unexpected `]`"},
		{"p ip_output a=(%0", "col 15: unbalanced parenthesis: this ( is never closed"},
		{"p ip_output a=!(struct x %0 b=%1", "col 16: unbalanced parenthesis: this ( is never closed"},
		{"p ip_output a=%0) b=%1", "col 17: unbalanced parenthesis: ) without ("},
		{"p ip_output a=@(struct iphdr *)l5%0", "col 32: `l5` is no layer: a packet cast reads l2, l3 or l4 (e.g. @(struct iphdr *)l3%2->daddr)"},
		{"p ip_output a=@(struct iphdr)l3%0->saddr", "col 29: after `@(struct iphdr` a `*)` is expected (a packet cast is @(struct HDR *)l2|l3|l4%N, e.g. @(struct iphdr *)l3%2->daddr)"},
		{"p ip_output a=@(struct iphdr", "col 15: after `@(struct iphdr` a `*)` is expected (a packet cast is @(struct HDR *)l2|l3|l4%N, e.g. @(struct iphdr *)l3%2->daddr)"},
		{"p tcp_v4_connect a=skb->len", "col 20: `skb->len`: name the argument as %0…%N (a value is %N (argument N), %REG, $retval, $comm, $stackN, @SYMBOL, !(TYPE *)VALUE or @(struct HDR *)l3%N)"},
		{"p ip_output a=(struct sk_buff *)%0", "col 15: a cast needs ! or @ before its ( (!(struct sock *)%0 follows a pointer as that type; @(struct iphdr *)l3%2 reads a packet header)"},
		{"p ip_output a=%0:", "col 18: a type is expected after `:` (u8 … u64, s8 … s64, x8 … x64, string, symbol)"},
		{"p ip_output a=%0 f:a=1", "col 21: `=` in a filter: did you mean `==`?"},
		{"p ip_output a=%0 f:a==1&b==2", "col 24: `&` between comparisons: did you mean `&&`?"},
		{"p ip_output a=%0 f:a==1|b==2", "col 24: `|` between comparisons: did you mean `||`?"},
		{"p ip_output a=%0 f:a==1 b==2", "col 25: unexpected `b`: join comparisons with && or ||"},
		{"p ip_output a=%0 f:len", "col 23: `len` is compared with nothing: a comparison is FIELD OP VALUE with OP one of == != < <= > >= ~ & (unquoted, the shell takes `>` and `<` as redirections (and creates a file): quote the whole expression)"},
		{"p ip_output a=%0->", "col 19: a member name is expected after `->`"},
		{"p ip_output a=%0 f:", "col 20: empty filter after f:"},
		{"p ip_output a=%0 f:a==", `col 23: a value is expected after ` + "`==`" + ` (e.g. f:len>100, f:comm=="nc")`},
		{"p ip_output a=%0 f:(a==1", "col 25: a `)` is expected, not the end: a ( is never closed"},
		{"p ip_output a=%0 f:a==1 &&", "col 27: a comparison is expected after `&&` (e.g. f:len>100&&proto==17)"},
		{`p ip_output a=%0 f:a=="x`, `col 23: unterminated string`},
		{`p ip_output a=%0+4`, `col 17: unexpected character '+'`},
		// " f:" inside parentheses is not the filter: the cast fails instead.
		{`p ip_output a=!(struct x f:y*)%0`, "col 27: a `)` is expected here, not `:` (a cast is !(TYPE *)VALUE, e.g. !(struct sock *)%0)"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.src)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want %s", tc.src, tc.want)
			continue
		}
		var ee *Error
		if !errors.As(err, &ee) || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): %T %v is not an *Error wrapping ErrSyntax", tc.src, err, err)
			continue
		}
		if got := err.Error(); got != tc.want {
			t.Errorf("Parse(%q)\n got: %s\nwant: %s", tc.src, got, tc.want)
		}
	}
}
