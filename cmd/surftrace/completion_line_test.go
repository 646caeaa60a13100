package main

import (
	"testing"

	"github.com/surftrace/surftrace/internal/completion"
)

func TestCompleteLineCmd(t *testing.T) {
	k := discKernel(t)
	t.Setenv(completion.EnvBTF, k+"/vmlinux.btf.gz")
	t.Setenv(completion.EnvKallsyms, k+"/kallsyms.gz")
	tests := []struct {
		shell, line, want string
	}{
		{"bash", "surftrace 'p tcp_sendmsg_lo", "nospace nofile\np tcp_sendmsg_locked\np tcp_sendmsg_locked \n"},
		{"bash", `surftrace p\ tcp_sendmsg_lo`, "nospace nofile\n" + `p\ tcp_sendmsg_locked` + "\n"},
		{"zsh", "surftrace 'p tcp_sendmsg x=%0->sk_rcvb'", "nospace nofile\np tcp_sendmsg x=%0->sk_rcvbuf\n"},
		{"fish", "surftrace 'p tcp_v4_rc", "nospace nofile\np tcp_v4_rcv\tint tcp_v4_rcv(struct sk_buff *skb)\np tcp_v4_rcv \tthen the next NAME=VALUE or f:FILTER\n"},
		{"fish", "surftrace 'p tcp_v4_rcv x=%0->dat", "nospace nofile\np tcp_v4_rcv x=%0->data_len\tunsigned int data_len\np tcp_v4_rcv x=%0->data\tunsigned char *data\n"},
		{"bash", "surftrace --btf", "nofile\n--btf\n--btf-dir\n"},
	}
	for _, tt := range tests {
		out, err := discRun(t, "__complete_line", tt.shell, tt.line)
		if err != nil || out != tt.want {
			t.Errorf("%s %q: %v\n got %q\nwant %q", tt.shell, tt.line, err, out, tt.want)
		}
	}
}
