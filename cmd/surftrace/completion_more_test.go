package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/completion"
)

// TestCompletionArgs: `struct NAME <member path>`, `graph <func>`,
// `graph -f <func>` and `-F <func>` / `-F OBJ:<func>` complete.
func TestCompletionArgs(t *testing.T) {
	k := discKernel(t)
	t.Setenv(completion.EnvBTF, filepath.Join(k, "vmlinux.btf.gz"))
	t.Setenv(completion.EnvKallsyms, filepath.Join(k, "kallsyms.gz"))
	fx := ""
	if _, err := exec.LookPath("gcc"); err == nil {
		fx = fixture(t, "fixture")
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"struct", "task_struct", "se.vr"}, []string{"se.vruntime"}},
		{[]string{"struct", "sk_buff", "sk->__sk_common.skc_fam"}, []string{"sk->__sk_common.skc_family"}},
		{[]string{"struct", "iphdr", "sad"}, []string{"saddr"}},
		{[]string{"graph", "tcp_v4_rc"}, []string{"tcp_v4_rcv"}},
		{[]string{"graph", "-f", "tcp_v4_rc"}, []string{"tcp_v4_rcv"}},
		{[]string{"graph", "tcp_v4_rcv", "tcp_v4_rc"}, nil},
		{[]string{"-F", "tcp_v4_rc"}, []string{"tcp_v4_rcv"}},
	}
	if fx != "" {
		tests = append(tests, struct {
			args []string
			want []string
		}{[]string{"-F", fx + ":parse_p"}, []string{fx + ":parse_pkt"}})
	}
	for _, tt := range tests {
		got, _ := discComplete(t, tt.args...)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.args, got, tt.want)
		}
	}
	got, _ := discComplete(t, "struct", "sk_buff", "da")
	if !slices.Contains(got, "data") || !slices.Contains(got, "data_len") || slices.ContainsFunc(got, func(s string) bool { return !strings.HasPrefix(s, "da") }) {
		t.Errorf("struct sk_buff da: %q", got)
	}
}
