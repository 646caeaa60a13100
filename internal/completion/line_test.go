package completion

import (
	"strings"
	"testing"
)

func TestLexLine(t *testing.T) {
	tests := []struct {
		line  string
		words []string
		cur   string
		quote byte
	}{
		{"surftrace 'p tcp_sendm", []string{"surftrace"}, "p tcp_sendm", '\''},
		{`surftrace p\ tcp_sendm`, []string{"surftrace"}, "p tcp_sendm", 0},
		{`surftrace -S "p ip_rcv" "r tcp_x x=$ret`, []string{"surftrace", "-S", "p ip_rcv"}, "r tcp_x x=$ret", '"'},
		{"surftrace --btf /tmp/x ", []string{"surftrace", "--btf", "/tmp/x"}, "", 0},
		{"ls; surftrace 'p a b'c", []string{"surftrace"}, "p a bc", 0},
		{`surftrace 'p it'\''s`, []string{"surftrace"}, "p it's", '\''},
	}
	for _, tt := range tests {
		l := lexLine(tt.line)
		if strings.Join(l.words, "|") != strings.Join(tt.words, "|") || l.cur != tt.cur || l.quote != tt.quote {
			t.Errorf("%q: words %q cur %q quote %q", tt.line, l.words, l.cur, l.quote)
		}
		if len(l.rawVal) != len(l.raw)+1 {
			t.Errorf("%q: %d offsets for %d raw bytes", tt.line, len(l.rawVal), len(l.raw))
		}
	}
}

// TestBashReplacement checks what readline is given: the part of the
// word after an open quote or the last COMP_WORDBREAKS character,
// quoted as the word is there.
func TestBashReplacement(t *testing.T) {
	tests := []struct {
		line, cand, want string
	}{
		{"surftrace 'p tcp_sendm", "p tcp_sendmsg", "p tcp_sendmsg"},
		{`surftrace p\ tcp_sendm`, "p tcp_sendmsg", `p\ tcp_sendmsg`},
		// '=' breaks words for readline ('>' would too, unescaped).
		{`surftrace p\ tcp_sendmsg\ x=%0-\>sk_rc`, "p tcp_sendmsg x=%0->sk_rcvbuf", `%0-\>sk_rcvbuf`},
		{`surftrace p\ f\ x=`, "p f x=!(", `\!\(`},
		{"surftrace 'p f x=%0->na", "p f x=%0->name's", `p f x=%0->name'\''s`},
		{`surftrace "p f x=$re`, "p f x=$retval", `p f x=\$retval`},
		{"surftrace --bt", "--btf", "--btf"},
	}
	for _, tt := range tests {
		l := lexLine(tt.line)
		got, ok := l.bashReplacement(tt.cand, defaultWordBreaks)
		if !ok || got != tt.want {
			t.Errorf("%q → %q: got %q (%v), want %q", tt.line, tt.cand, got, ok, tt.want)
		}
	}
}
