package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/testkernel"
)

// discKernel is the committed test kernel's directory.
func discKernel(t *testing.T) string {
	t.Helper()
	return testkernel.Need(t)
}

// discRoot is the root command with the discovery commands and the
// expression completion wired, whether or not root.go registers them
// yet.
func discRoot() *cobra.Command {
	root := newRootCmd()
	root.ValidArgsFunction = completion.Expr
	have := map[string]bool{}
	for _, c := range root.Commands() {
		have[c.Name()] = true
	}
	for _, mk := range []func() *cobra.Command{newListCmd, newStructCmd, completion.NewCmd, completion.NewLineCmd} {
		if c := mk(); !have[c.Name()] {
			root.AddCommand(c)
		}
	}
	return root
}

// discRun runs the root command with args and returns stdout and the
// error.
func discRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := discRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestListCmd(t *testing.T) {
	k := discKernel(t)
	btf, kall := filepath.Join(k, "vmlinux.btf.gz"), filepath.Join(k, "kallsyms.gz")
	out, err := discRun(t, "list", "--btf", btf, "--kallsyms", kall, "tcp_v4_*")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)\n",
		"int tcp_v4_rcv(struct sk_buff *skb)\n",
		"void tcp_v4_send_check(struct sock *sk, struct sk_buff *skb)\n",
		"    tcp_v4_md5_hash_hdr.isra.0  no prototype: compiler clone\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	out, err = discRun(t, "list", "--btf", btf, "--kallsyms", kall, "--skb", "ip_rcv*")
	if err != nil || !strings.Contains(out, "%0    int ip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt, struct net_device *orig_dev)\n") {
		t.Errorf("--skb: %v\n%s", err, out)
	}
	out, err = discRun(t, "list", "--kallsyms", kall, "-e", "sched:sched_sw*")
	if err != nil || out != "sched/sched_swap_numa\nsched/sched_switch\n" {
		t.Errorf("-e: %v\n%q", err, out)
	}
	out, err = discRun(t, "list", "--btf", btf, "--kallsyms", kall, "--json", "tcp_v4_rcv")
	if err != nil || !strings.Contains(out, `"prototype": "int tcp_v4_rcv(struct sk_buff *skb)"`) || !strings.Contains(out, `"type": "struct sk_buff *"`) {
		t.Errorf("--json: %v\n%s", err, out)
	}
	_, err = discRun(t, "list", "--btf", btf, "--kallsyms", kall, "tcp_sndmsg")
	if err == nil || !strings.Contains(err.Error(), "did you mean tcp_sendmsg") {
		t.Errorf("got %v", err)
	}
}

func TestStructCmd(t *testing.T) {
	k := discKernel(t)
	btf := filepath.Join(k, "vmlinux.btf.gz")
	out, err := discRun(t, "struct", "--btf", btf, "-a", "x86_64", "sk_buff", "data")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"offset 0xd0 (208), size 8", "fetch  +0xd0(%di):u64", "NAME=!(struct sk_buff *)%di->data", "NAME=%N->data"} {
		if !strings.Contains(out, want) {
			t.Errorf("struct sk_buff data lacks %q:\n%s", want, out)
		}
	}
	out, err = discRun(t, "struct", "--btf", btf, "iphdr")
	if err != nil || !strings.Contains(out, "__u8 version:4;") || !strings.Contains(out, "/*     0: 4  1 */") {
		t.Errorf("struct iphdr: %v\n%s", err, out)
	}
	out, err = discRun(t, "struct", "--btf", btf, "--json", "-a", "x86_64", "iphdr", "version")
	if err != nil || !strings.Contains(out, `"fetch": "+0x0(%di):b4@4/8"`) || !strings.Contains(out, `"bit_offset": 4`) {
		t.Errorf("--json: %v\n%s", err, out)
	}
	// A struct member: its layout instead of a fetch.
	out, err = discRun(t, "struct", "--btf", btf, "-a", "x86_64", "task_struct", "se")
	if err != nil || !strings.Contains(out, "struct sched_entity {") || !strings.Contains(out, "offset 0x80 (128), size 256") {
		t.Errorf("struct task_struct se: %v\n%s", err, out)
	}
	_, err = discRun(t, "struct", "--btf", btf, "sk_buff", "sk->sk_family")
	if err == nil || !strings.Contains(err.Error(), "did you mean __sk_common.skc_family") {
		t.Errorf("got %v", err)
	}
}

// discComplete drives cobra's completion entry point as the shells do:
// `surftrace __complete ARGS… WORD`, one candidate a line, then
// ":DIRECTIVE".
func discComplete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	out, err := discRun(t, append([]string{cobra.ShellCompNoDescRequestCmd}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

func TestCompletionEntryPoint(t *testing.T) {
	k := discKernel(t)
	t.Setenv(completion.EnvBTF, filepath.Join(k, "vmlinux.btf.gz"))
	t.Setenv(completion.EnvKallsyms, filepath.Join(k, "kallsyms.gz"))
	nospace := ":" + strconv.Itoa(int(cobra.ShellCompDirectiveNoSpace|cobra.ShellCompDirectiveNoFileComp))
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"p tcp_sendm"}, []string{"p tcp_sendmsg", "p tcp_sendmsg_fastopen", "p tcp_sendmsg_locked"}},
		// The word as fish hands it over, opening quote included.
		{[]string{"'p tcp_sendm"}, []string{"p tcp_sendmsg", "p tcp_sendmsg_fastopen", "p tcp_sendmsg_locked"}},
		{[]string{"-S", "p ip_rcv x=1", "p tcp_sendmsg x=%0->sk_rcvb"}, []string{"p tcp_sendmsg x=%0->sk_rcvbuf"}},
		{[]string{"p tcp_sendmsg x=%1->msg_fl"}, []string{"p tcp_sendmsg x=%1->msg_flags"}},
		{[]string{"p tcp_sendmsg x=!(struct sk_buff *)%0->data_l"}, []string{"p tcp_sendmsg x=!(struct sk_buff *)%0->data_len"}},
		{[]string{"e sched/sched_swi"}, []string{"e sched/sched_switch"}},
	}
	for _, tt := range tests {
		got, dir := discComplete(t, tt.args...)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || dir != nospace {
			t.Errorf("%q: got %q %s, want %q %s", tt.args, got, dir, tt.want, nospace)
		}
	}
	got, _ := discComplete(t, "p tcp_sendmsg x=%0->sk_")
	have := map[string]bool{}
	for _, g := range got {
		if !strings.HasPrefix(g, "p tcp_sendmsg x=%0->sk_") {
			t.Errorf("%q does not extend the word", g)
		}
		have[g] = true
	}
	for _, w := range []string{"sk_rcvbuf", "sk_sndbuf", "sk_wmem_queued", "sk_socket", "sk_state_change"} {
		if !have["p tcp_sendmsg x=%0->"+w] {
			t.Errorf("struct sock member %s not offered: %q", w, got)
		}
	}
	// The root's flags take precedence over the environment.
	t.Setenv(completion.EnvKallsyms, "/nonexistent")
	got, _ = discComplete(t, "--kallsyms", filepath.Join(k, "kallsyms.gz"), "p tcp_v4_rc")
	if strings.Join(got, "|") != "p tcp_v4_rcv" {
		t.Errorf("with --kallsyms: %q", got)
	}
	// Descriptions: the prototype beside the function.
	out, err := discRun(t, cobra.ShellCompRequestCmd, "--kallsyms", filepath.Join(k, "kallsyms.gz"), "p tcp_v4_rc")
	if err != nil || !strings.HasPrefix(out, "p tcp_v4_rcv\tint tcp_v4_rcv(struct sk_buff *skb)\n") {
		t.Errorf("with descriptions: %v %q", err, out)
	}
}

func TestCompletionSubcommands(t *testing.T) {
	k := discKernel(t)
	btf := filepath.Join(k, "vmlinux.btf.gz")
	got, _ := discComplete(t, "struct", "--btf", btf, "sk_buf")
	if strings.Join(got, "|") != "sk_buff|sk_buff_data_t|sk_buff_fclones|sk_buff_head|sk_buff_list" {
		t.Errorf("struct: %q", got)
	}
	got, _ = discComplete(t, "list", "--kallsyms", filepath.Join(k, "kallsyms.gz"), "tcp_v4_rc")
	if strings.Join(got, "|") != "tcp_v4_rcv" {
		t.Errorf("list: %q", got)
	}
	// The completion command itself is cobra's.
	out, err := discRun(t, "completion", "bash")
	if err != nil || !strings.Contains(out, "__complete") {
		t.Errorf("completion bash: %v", err)
	}
}
