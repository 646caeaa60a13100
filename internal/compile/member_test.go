package compile

import (
	"errors"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
)

// MemberPath compiles what the argument it returns compiles to in an
// expression, and fails as that expression would.
func TestMemberPath(t *testing.T) {
	cfg := kernelConfig(t, archX86_64)
	skb, err := cfg.Types.TypeByName("struct sk_buff")
	if err != nil {
		t.Fatal(err)
	}
	member := func(s string) *expr.Access { return &expr.Access{Arrow: &s} }
	dot := func(s string) *expr.Access { return &expr.Access{Dot: &s} }
	idx := "1"
	for _, path := range [][]*expr.Access{
		{member("data")},
		{member("len")},
		{member("cb"), {Index: &idx}},
		{member("dev"), member("name")},
		{member("head_frag")},
		{member("tstamp")},
		{member("sk"), member("__sk_common"), dot("skc_family")},
	} {
		arg, fetch, err := MemberPath(cfg.Types, skb, path, archX86_64)
		if err != nil {
			t.Errorf("%s: %v", arg, err)
			continue
		}
		d, err := parseCompile("p ip_rcv v="+arg, cfg)
		if err != nil || d.Args[0].Fetch != fetch {
			t.Errorf("%s: MemberPath fetches %q, the expression %v", arg, fetch, err)
		}
	}
	arg, _, err := MemberPath(cfg.Types, skb, []*expr.Access{member("nosuch")}, archX86_64)
	var ee *expr.Error
	if !errors.As(err, &ee) || !errors.Is(err, ErrUnknownMember) || arg != "!(struct sk_buff *)%di->nosuch" {
		t.Errorf("unknown member: %q, %v", arg, err)
	}
}
