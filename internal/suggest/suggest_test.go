package suggest

import (
	"reflect"
	"testing"
)

func TestClosest(t *testing.T) {
	names := []string{"getpid", "getpgid", "getppid", "ip_output", "ip6_output", "bpf_output", "ip_rcv", "__dev_queue_xmit", "dev_queue_xmit_nit"}
	for _, c := range []struct {
		in   string
		n    int
		want []string
	}{
		{"getpdi", 3, []string{"getpid", "getpgid", "getppid"}},
		{"ip_outptu", 3, []string{"ip_output", "ip6_output", "bpf_output"}},
		{"dev_queue_xmit", 2, []string{"__dev_queue_xmit", "dev_queue_xmit_nit"}},
		{"zzzzzzzz", 3, nil},
	} {
		if got := Closest(c.in, names, c.n); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Closest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "abc", 0}, {"getpdi", "getpid", 1}, {"kitten", "sitting", 3}, {"", "ab", 2}} {
		if d := Distance(c.a, c.b); d != c.d {
			t.Errorf("Distance(%q,%q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	if s := DidYouMean([]string{"a", "b"}); s != "did you mean a, b?" {
		t.Error(s)
	}
	if DidYouMean(nil) != "" {
		t.Error("want empty")
	}
}

func TestDidYouMeanTail(t *testing.T) {
	if got := DidYouMeanTail(nil); got != "" {
		t.Errorf("no candidates: %q", got)
	}
	if got := DidYouMeanTail([]string{"a", "b"}); got != "; did you mean a, b?" {
		t.Errorf("got %q", got)
	}
}
