package discover

import (
	"sort"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// bundledCompleter completes against the bundled kernel's saved files.
func bundledCompleter(t *testing.T) *Completer {
	b, syms := kernel(t)
	evs, err := bundledEvents()
	if err != nil {
		t.Fatal(err)
	}
	return &Completer{Kernel: savedLists{syms: syms, types: b, events: evs}}
}

// savedLists are the bundled kernel's lists, with fields for one event.
type savedLists struct {
	syms   []Symbol
	types  btfdwarf.Source
	events []string
}

func (l savedLists) ProbeableFuncs() ([]Symbol, error) { return l.syms, nil }
func (l savedLists) Types() (btfdwarf.Source, error)   { return l.types, nil }
func (l savedLists) EventNames() ([]string, error)     { return l.events, nil }
func (l savedLists) EventFieldNames(sys, ev string) ([]string, error) {
	if sys+"/"+ev == "sched/sched_switch" {
		return []string{"prev_comm", "prev_pid", "next_comm", "next_pid"}, nil
	}
	return nil, nil
}

func words(cs []Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Word
	}
	return out
}

func TestComplete(t *testing.T) {
	c := bundledCompleter(t)
	tests := []struct {
		word string
		// want are candidates that must be offered; exact makes the
		// list exactly that.
		want  []string
		exact bool
	}{
		{"", []string{"p ", "r ", "e ", "P ", "R "}, true},
		{"r", []string{"r "}, true},
		{"p tcp_sendm", []string{"p tcp_sendmsg", "p tcp_sendmsg_fastopen", "p tcp_sendmsg_locked"}, true},
		// Clones complete to the base name the compiler resolves.
		{"p __netif_receive_skb_co", []string{"p __netif_receive_skb_core"}, true},
		{"p __netif_receive_skb_core.", []string{"p __netif_receive_skb_core.constprop.0"}, true},
		{"p tcp_sendmsg x=%0->sk_rcvb", []string{"p tcp_sendmsg x=%0->sk_rcvbuf"}, true},
		{"p tcp_sendmsg x=%0->sk_", []string{"p tcp_sendmsg x=%0->sk_rcvbuf", "p tcp_sendmsg x=%0->sk_sndbuf", "p tcp_sendmsg x=%0->sk_wmem_queued"}, false},
		{"p tcp_sendmsg x=%0-", []string{"p tcp_sendmsg x=%0->sk_rcvbuf", "p tcp_sendmsg x=%0->__sk_common"}, false},
		{"p tcp_sendmsg x=%0->__sk_common.skc_fa", []string{"p tcp_sendmsg x=%0->__sk_common.skc_family"}, true},
		{"p tcp_sendmsg x=%1", []string{"p tcp_sendmsg x=%1->"}, true},
		{"p tcp_sendmsg x=X%1->msg_fl", []string{"p tcp_sendmsg x=X%1->msg_flags"}, true},
		{"p tcp_sendmsg x=%0->sk_socket->", []string{"p tcp_sendmsg x=%0->sk_socket->state", "p tcp_sendmsg x=%0->sk_socket->file"}, false},
		{"p tcp_sendmsg x=%", []string{"p tcp_sendmsg x=%0", "p tcp_sendmsg x=%1", "p tcp_sendmsg x=%2"}, true},
		{"p tcp_sendmsg ", []string{"p tcp_sendmsg sk=%0", "p tcp_sendmsg msg=%1", "p tcp_sendmsg size=%2", "p tcp_sendmsg comm=$comm", "p tcp_sendmsg f:"}, true},
		{"r tcp_sendmsg x=$r", []string{"r tcp_sendmsg x=$retval"}, true},
		{"p tcp_sendmsg x=!(struct sk_buf", []string{"p tcp_sendmsg x=!(struct sk_buff *)", "p tcp_sendmsg x=!(struct sk_buff_head *)"}, false},
		{"p tcp_sendmsg x=!(str", []string{"p tcp_sendmsg x=!(struct "}, true},
		{"p ip_rcv x=!(struct sk_buff *)%0->da", []string{"p ip_rcv x=!(struct sk_buff *)%0->data", "p ip_rcv x=!(struct sk_buff *)%0->data_len"}, true},
		{"p ip_rcv x=@(struct ip", []string{"p ip_rcv x=@(struct iphdr *)"}, true},
		{"p ip_rcv x=@(struct iphdr *)l3%0->sa", []string{"p ip_rcv x=@(struct iphdr *)l3%0->saddr"}, true},
		{"p ip_rcv x=@(struct udphdr *)l4%0->", []string{"p ip_rcv x=@(struct udphdr *)l4%0->dest", "p ip_rcv x=@(struct udphdr *)l4%0->Sdata["}, false},
		{"p ip_rcv x=@(struct iphdr *)l3%", []string{"p ip_rcv x=@(struct iphdr *)l3%0"}, true},
		{"p ip_output x=@(struct iphdr *)l3%", []string{"p ip_output x=@(struct iphdr *)l3%2"}, true},
		{"e sched/sched_sw", []string{"e sched/sched_swap_numa", "e sched/sched_switch"}, true},
		{"e sched_", nil, true},
		{"e sche", []string{"e sched/sched_switch", "e sched/sched_wakeup"}, false},
		{"e sched/sched_switch f:prev_p", []string{"e sched/sched_switch f:prev_pid"}, true},
		{"e sched/sched_switch f:prev_pid==1 && next_c", []string{"e sched/sched_switch f:prev_pid==1 && next_comm"}, true},
		{"p tcp_sendmsg size=%2 f:si", []string{"p tcp_sendmsg size=%2 f:size"}, true},
		{"p tcp_sendmsg size=%2 f:size>10", nil, true},
	}
	for _, tt := range tests {
		got := words(c.Complete(tt.word))
		if tt.exact && strings.Join(sorted(got), "|") != strings.Join(sorted(tt.want), "|") {
			t.Errorf("%q: got %q, want %q", tt.word, got, tt.want)
			continue
		}
		have := map[string]bool{}
		for _, g := range got {
			have[g] = true
			if !strings.HasPrefix(g, tt.word) && !strings.HasPrefix(tt.word, "e sche") {
				t.Errorf("%q: candidate %q does not extend the word", tt.word, g)
			}
		}
		for _, w := range tt.want {
			if !have[w] {
				t.Errorf("%q: %q not offered (got %d: %.5q…)", tt.word, w, len(got), got)
			}
		}
	}
}

func TestCompleteDescriptions(t *testing.T) {
	c := bundledCompleter(t)
	got := c.Complete("p tcp_sendmsg_lo")
	if len(got) != 1 || got[0].Desc != "int tcp_sendmsg_locked(struct sock *sk, struct msghdr *msg, size_t size)" {
		t.Errorf("got %+v", got)
	}
	got = c.Complete("p tcp_sendmsg x=%0->sk_rcvb")
	if len(got) != 1 || got[0].Desc != "int sk_rcvbuf" {
		t.Errorf("got %+v", got)
	}
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}
