package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// surftrace skb -S prints one probe per sk_buff function of the bundled
// kernel, each with the packet window; --funcs narrows, --max refuses,
// --kernel-filter puts the dev/mark/len terms on every probe.
func TestSkbShowBundled(t *testing.T) {
	flags := bundledFlags(t)
	r := surftrace(t, false, append([]string{"skb"}, flags...)...)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) < 1000 || !strings.Contains(r.stdout, " ip_rcv skb=%di:x64 ") || !strings.Contains(r.stdout, " pkt=-64(+0xd0(%di)):x64[16]") {
		t.Fatalf("rc %d, %d lines\n%s", r.code, len(lines), r.stderr)
	}
	r = surftrace(t, false, append([]string{"skb", "--funcs", "ip_rcv*", "--funcs", "kfree_skb_reason", "--kernel-filter", "dev==1&&b16_dport==53"}, flags...)...)
	if r.code != 0 || !strings.Contains(r.stdout, " kfree_skb_reason skb=%di:x64 ") || !strings.Contains(r.stdout, " reason=%si:u32 ") ||
		!strings.Contains(r.stdout, "s0 filter: ifindex==1\n") || strings.Contains(r.stdout, " tcp_") {
		t.Errorf("rc %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = surftrace(t, false, append([]string{"skb", "--max", "10"}, flags...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "--max 10") {
		t.Errorf("rc %d\n%s", r.code, r.stderr)
	}
	r = surftrace(t, false, append([]string{"skb", "b16_dprt==53"}, flags...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "did you mean b16_dport") || !strings.Contains(r.stderr, "^") {
		t.Errorf("rc %d\n%s", r.code, r.stderr)
	}
}

// Without kprobes (this host) the run stops before touching tracefs,
// saying why.
func TestSkbNoKprobes(t *testing.T) {
	requireLive(t)
	if _, err := os.Stat(filepath.Join(tracefsRoot, "kprobe_events")); err == nil {
		t.Skip("this kernel has kprobe events")
	}
	r := surftrace(t, false, "skb", "--funcs", "ip_rcv", "proto==17")
	if r.code == 0 || !strings.Contains(r.stderr, "kprobe") {
		t.Errorf("rc %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
