package wildcard

import (
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/expr"
)

var names = Names{
	Kernel: func() ([]string, error) {
		return []string{"tcp_v4_rcv", "tcp_v4_connect", "tcp_v6_rcv", "tcp_v4_rcv", "ip_rcv"}, nil
	},
	Events: func() ([]string, error) {
		return []string{"syscalls/sys_enter_execve", "syscalls/sys_enter_execveat", "syscalls/sys_exit_execve"}, nil
	},
	User: func(obj string) ([]string, error) {
		if obj != "libc" {
			return nil, errors.New("no such object")
		}
		return []string{"strlen", "strcpy", "memcpy"}, nil
	},
}

func srcs(ms []Match) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Src)
	}
	return strings.Join(s, "\n")
}

func TestExpand(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"p tcp_v4_* sk=%0 f:sk!=0", "p tcp_v4_connect sk=%0 f:sk!=0\np tcp_v4_rcv sk=%0 f:sk!=0"},
		{"r tcp_v?_rcv ret=$retval", "r tcp_v4_rcv ret=$retval\nr tcp_v6_rcv ret=$retval"},
		{"p tcp_v4_*+4", "p tcp_v4_connect+4\np tcp_v4_rcv+4"},
		{"e syscalls/sys_enter_exec* f:common_pid!=1", "e syscalls/sys_enter_execve f:common_pid!=1\ne syscalls/sys_enter_execveat f:common_pid!=1"},
		{"P libc:str* s=%0", "P libc:strcpy s=%0\nP libc:strlen s=%0"},
		{"p ip_rcv skb=%0", "p ip_rcv skb=%0"},
	} {
		ms, err := Expand(tc.in, names, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := srcs(ms); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	for _, tc := range []struct {
		in, at string
		max    int
		is     error
		hint   string
	}{
		{"p udp_* x=%0", "udp_*", 0, ErrNoMatch, ""},
		{"p tcp_* x=%0", "tcp_*", 2, ErrTooMany, "--max-matches 3"},
		{"P libc:mem[ x=%0", "mem[", 0, ErrNoMatch, "[abc]"},
		{"P nosuch:f* x=%0", "nosuch:f*", 0, ErrNoMatch, ""},
	} {
		_, err := Expand(tc.in, names, tc.max)
		var ee *expr.Error
		if !errors.As(err, &ee) || !errors.Is(err, tc.is) {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if ee.Pos != strings.Index(tc.in, tc.at) || !strings.Contains(ee.Pretty(), tc.hint) {
			t.Errorf("%s: at %d:\n%s", tc.in, ee.Pos, ee.Pretty())
		}
	}
}

func TestExplain(t *testing.T) {
	ms, _ := Expand("p tcp_v4_* x=%5", names, 0)
	err := Explain(ms[0], expr.Errorf(ms[0].Src, 13, 2, nil, "tcp_v4_connect has 3 parameters"))
	if !strings.Contains(err.Error(), "tcp_v4_connect (matched by tcp_v4_*): tcp_v4_connect has 3") {
		t.Errorf("%v", err)
	}
}

func FuzzExpand(f *testing.F) {
	f.Add("p tcp_v4_* sk=%0")
	f.Add("P libc:str*+3 a=%1")
	f.Add("e sys*/*")
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := Expand(s, names, 0)
		if err == nil && len(ms) == 0 {
			t.Fatal("no error and no match")
		}
	})
}
