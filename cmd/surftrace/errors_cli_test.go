package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// TestUserWordsErrors: mistakes of the first hour get the fix in the
// user's words: quoting, %N instead of a parameter's name, == in filters,
// SUBSYS/ of a tracepoint, units of -t, FILE:LINE of -f, -F without the
// kernel image.
func TestUserWordsErrors(t *testing.T) {
	d := testkernel.Need(t)
	saved := []string{"-S", "--btf", filepath.Join(d, "vmlinux.btf.gz"), "--kallsyms", filepath.Join(d, "kallsyms.gz")}
	exprs := filepath.Join(t.TempDir(), "exprs")
	if err := os.WriteFile(exprs, []byte("p ip_output a=%0\n\n# skbs\np ip_rcv b=%0->lenn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"p", "ip_output", "len=%2->len", "f:len"}, 2, []string{
			"quote the whole expression: surftrace 'p ip_output len=%2->len f:len'",
			"the shell took its `>` or `<` as a redirection"}},
		{[]string{"p", "ip_rcv", "a=%0", "p", "ip_output", "b=%2"}, 2, []string{
			"quote the whole expression: surftrace 'p ip_rcv a=%0' 'p ip_output b=%2'"}},
		{[]string{"p tcp_v4_connect x=uaddr->sa_family"}, 1, []string{
			"`uaddr->sa_family`: name the argument as %0…%N",
			"tcp_v4_connect takes sk=%0 uaddr=%1 addr_len=%2: write %1->sa_family"}},
		{[]string{"p ip_output x=@(struct iphdr)l3%2->saddr"}, 1, []string{"after `@(struct iphdr` a `*)` is expected", "^"}},
		{[]string{"p ip_output x=%2->len f:x=1"}, 1, []string{"`=` in a filter: did you mean `==`?"}},
		{[]string{"e sched_switch"}, 1, []string{"did you mean e sched/sched_switch?"}},
		{[]string{"e sched/sched_swtch"}, 1, []string{"no tracepoint sched/sched_swtch", "did you mean sched/sched_switch"}},
		{[]string{"-f", exprs}, 1, []string{exprs + ":4: struct sk_buff has no member \"lenn\""}},
		{[]string{"-t", "10", "p ip_output"}, 2, []string{"10 needs a unit: 10s?"}},
		{[]string{"-t", "-5s", "p ip_output"}, 2, []string{"-5s: a run cannot last a negative or zero time"}},
		{[]string{"-F", "ip_output"}, 2, []string{"needs that kernel's image to disassemble: give -v VMLINUX"}},
	}
	for _, tc := range tests {
		r := surftrace(t, false, append(append([]string{}, saved...), tc.args...)...)
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%q: stderr lacks %q:\n%s", tc.args, w, r.stderr)
			}
		}
		for _, bad := range []string{"Source", "TypeSuffix", "missing probe point", "kcore", "expected"} {
			if strings.Contains(r.stderr, bad) && !strings.Contains(strings.Join(tc.want, ""), bad) {
				t.Errorf("%q: stderr speaks of %q:\n%s", tc.args, bad, r.stderr)
			}
		}
		if r.code != tc.code {
			t.Errorf("%q: exit %d, want %d\n%s", tc.args, r.code, tc.code, r.stderr)
		}
	}
}

// TestLiveRefusalFromFile: an expression of a -f file the kernel refuses
// is shown with its FILE:LINE.
func TestLiveRefusalFromFile(t *testing.T) {
	bin := requireLive(t)
	file := filepath.Join(t.TempDir(), "exprs")
	if err := os.WriteFile(file, []byte("# tracepoints\n\ne sched/sched_process_exec f:pid~\"abc\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, bin, "-t", "30s", "-f", file)
	if err := p.wait(); exitStatus(err) <= 0 {
		t.Fatalf("exit %v, want a failure\n%s", err, p.dump())
	}
	if log := strings.Join(p.Stderr(), "\n"); !strings.Contains(log, "surftrace: "+file+":3: the kernel refused it") {
		t.Errorf("no %s:3 in\n%s", file, log)
	}
	p.assertClean()
}
