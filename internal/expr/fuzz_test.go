package expr

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the parser: it returns an AST whose
// positions lie inside the text, or an *Error pointing inside it; it
// never panics. Seeds: every expression of the parser tests, and
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988",
		"p wake_up_new_task node=%0->se.run_node.rb_left f:(node!=0||!common_pid<1)&&node&0x10",
		"P /usr/lib/libc.so.6:malloc+0x10 n=%0:u64 s=!(char *)%1:string",
		`e sched/sched_process_exec f:filename~"/usr/*"||filename=="a \" b"`,
		"r sch_htb:htb_enqueue r=S$retval x=@0xffff s=$stack12",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var ee *Error
			if !errors.As(err, &ee) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("%q: %T %v is not an *Error wrapping ErrSyntax", src, err, err)
			}
			if ee.Pos < 0 || ee.Pos > len(src) || ee.Src != src || ee.Msg == "" {
				t.Fatalf("%q: bad error %+v", src, ee)
			}
			for _, term := range grammarTerms {
				if strings.Contains(ee.Msg, term) {
					t.Fatalf("%q: the message %q speaks the grammar's %q", src, ee.Msg, term)
				}
			}
			_ = ee.Pretty()
			return
		}
		checkPositions(t, src, e)
	})
}

// grammarTerms are rule and token names of the grammars that mean
// nothing to a user and must not reach a message.
var grammarTerms = []string{"Source", "Access", "TypeSuffix", "PacketCast", "TypeCast", "OrExpr", "AndExpr", "Cmp", "Value", "<ident>", "<number>", "<EOF>", "<word>", "<percent>", "<dollar>", "unexpected token"}

// checkPositions checks that every position of the AST points into src
// at the text it claims to hold.
func checkPositions(t *testing.T, src string, e *Expr) {
	t.Helper()
	in := func(what string, p int, text string) {
		if p < 0 || p+len(text) > len(src) || src[p:p+len(text)] != text {
			t.Fatalf("%q: %s %q is not at %d", src, what, text, p)
		}
	}
	in("kind", e.KindPos, string(e.Kind))
	in("target", e.Target.Pos, e.Target.Text)
	if e.Target.Symbol != "" && !strings.Contains(e.Target.Text, e.Target.Symbol) {
		t.Fatalf("%q: symbol %q not in target %q", src, e.Target.Symbol, e.Target.Text)
	}
	for _, a := range e.Args {
		in("arg", a.Base, a.Text)
		in("name", a.Base, a.Name)
		s := a.Source
		switch {
		case s.Reg != nil:
			in("register", a.At(s.Pos), *s.Reg)
		case s.Var != nil:
			in("variable", a.At(s.Pos), *s.Var)
		case s.Sym != nil:
			in("symbol", a.At(s.Pos), "@"+*s.Sym)
		default:
			t.Fatalf("%q: arg %s has no source", src, a.Name)
		}
		for _, ac := range a.Access {
			switch {
			case ac.Arrow != nil:
				in("->", a.At(ac.Pos), "->"+*ac.Arrow)
			case ac.Dot != nil:
				in(".", a.At(ac.Pos), "."+*ac.Dot)
			case ac.Index != nil:
				in("[]", a.At(ac.Pos), "["+*ac.Index+"]")
			}
		}
		if a.Cast != nil {
			in("cast", a.At(a.Cast.Pos), "!(")
			in("cast end", a.At(a.Cast.EndPos)-1, ")")
		}
	}
	if e.Filter == nil {
		if e.FilterPos >= 0 {
			t.Fatalf("%q: filter position %d without a filter", src, e.FilterPos)
		}
		return
	}
	in("filter", e.FilterPos, e.FilterSrc)
	var walk func(o *OrExpr)
	walk = func(o *OrExpr) {
		for _, a := range o.And {
			for _, term := range a.Terms {
				if term.Group != nil {
					walk(term.Group)
					continue
				}
				c := term.Cmp
				in("field", e.FilterPos+c.Pos.Offset, c.Field)
				in("value", e.FilterPos+c.Value.Pos.Offset, c.Value.Text())
			}
		}
	}
	walk(e.Filter.Or)
}

// TestParsePositions runs the position check over the parser table.
func TestParsePositions(t *testing.T) {
	for _, src := range []string{
		"p ip_output b16_dest=@(struct udphdr*)%2->dest body=@(struct udphdr*)l4%2->Sdata[0]",
		"p do_filp_open+0x79 pos=X!(struct file*)%ax->f_pos",
		`p ip_output a=%0 f:s=="a f:b"&&a&1||(!b>=2)`,
		"P tuprobe:func v=%0 a=%1->a b=%1->b",
	} {
		e, err := Parse(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		checkPositions(t, src, e)
	}
}
