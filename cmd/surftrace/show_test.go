package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/testkernel"
)

// binDir holds the binary built for these tests; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// builtBinary builds ./cmd/surftrace once, world-readable so it can run
// as nobody.
var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "surftrace-show-test-")
	if err != nil {
		return "", err
	}
	binDir = dir
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "surftrace")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

type result struct {
	stdout, stderr string
	code           int
}

// surftrace runs the built binary; with asNobody (when root) it drops to
// uid 65534 first, which is how -S is used without root.
func surftrace(t *testing.T, asNobody bool, args ...string) result {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = binDir
	if asNobody && os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run surftrace: %v", err)
	}
	return result{out.String(), errb.String(), code}
}

func bundledFlags(t *testing.T) []string {
	t.Helper()
	d := testkernel.Need(t)
	return []string{"-S", "--btf", filepath.Join(d, "vmlinux.btf.gz"), "--kallsyms", filepath.Join(d, "kallsyms.gz")}
}

const udpExpr = `p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988`

// TestShowBundled: -S on the committed test kernel
// works without root and prints definitions then filters on stdout.
func TestShowBundled(t *testing.T) {
	flags := bundledFlags(t)
	r := surftrace(t, true, append(flags, udpExpr, "p tcp_rcv_established aseq=@(struct tcphdr*)l4%1->ack_seq")...)
	want := "p:surftrace/f0 ip_output proto=+0x9(+0xd0(%dx)):u8 ip_dst=+0x10(+0xd0(%dx)):u32 b16_dest=+0x16(+0xd0(%dx)):u16 comm=$comm body=+0x1c(+0xd0(%dx)):string\n" +
		"p:surftrace/f1 tcp_rcv_established aseq=+0x8(+0xd0(%si)):u32\n" +
		"f0 filter: proto==17&&ip_dst==0xdd01000a&&b16_dest==1063\n"
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, r.stdout, want, r.stderr)
	}
}

// TestShowErrors: a refused expression prints nothing on stdout, the
// message with a caret on stderr, and exits non-zero.
func TestShowErrors(t *testing.T) {
	flags := bundledFlags(t)
	tests := []struct {
		args []string
		code int
		msg  string
		at   string // the caret's text in the last argument; "" for usage errors
	}{
		{[]string{"p wake_up_new_task c=%0->comn"}, 1, `struct task_struct has no member "comn"`, "comn"},
		{[]string{"p ip_output a=%0", "p ip_outptu a=%0"}, 1, `no kernel function "ip_outptu"`, "ip_outptu"},
		{[]string{"p dev_queue_xmit skb=%0"}, 1, "dev_queue_xmit cannot be probed", "dev_queue_xmit"},
		{[]string{"p ip_output ip_dst=@(struct iphdr*)l3%2->daddr f:ip_dst==10.0.1.999"}, 1, "not an IPv4 address", "10.0.1.999"},
		{[]string{"x ip_output"}, 1, `unknown probe type "x"`, "x"},
		{[]string{"-a", "sparc", "p ip_output a=%0"}, 2, `unknown architecture "sparc"`, ""},
		{[]string{"--json", "p ip_output a=%0"}, 2, "--json formats traced events; -S prints no events", ""},
	}
	for _, tc := range tests {
		r := surftrace(t, false, append(flags, tc.args...)...)
		last := tc.args[len(tc.args)-1]
		if r.code != tc.code || r.stdout != "" || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%q: exit %d (want %d), stdout %q, stderr:\n%s", tc.args, r.code, tc.code, r.stdout, r.stderr)
			continue
		}
		if tc.at == "" {
			continue
		}
		lines := strings.Split(r.stderr, "\n")
		caret := 4 + strings.Index(last, tc.at)
		if len(lines) < 3 || !strings.HasPrefix(lines[0], "surftrace: ") || lines[1] != "    "+last ||
			strings.Index(lines[2], "^") != caret || strings.TrimSpace(lines[2]) != "^"+strings.Repeat("~", len(tc.at)-1) {
			t.Errorf("%q: caret not under %q:\n%s", tc.args, tc.at, r.stderr)
		}
	}
}

// straced runs the binary under strace and returns the file system calls
// it made; it skips when strace is missing.
func straced(t *testing.T, args ...string) (result, string) {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed: cannot watch what -S opens")
	}
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	log := filepath.Join(t.TempDir(), "strace.log")
	sargs := append([]string{"-f", "-qq", "-e", "trace=%file,write", "-o", log, bin}, args...)
	r := surftraceCmd(t, "strace", sargs...)
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return r, string(raw)
}

func surftraceCmd(t *testing.T, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

var (
	tracefsPath = regexp.MustCompile(`"/sys/kernel/(debug/)?tracing[/"]`)
	sysWrite    = regexp.MustCompile(`(?m)^.*"/sys/[^"]*".*(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND).*$|^.*(mkdir|unlink|rmdir|rename)\w*\(.*"/sys/.*$`)
)

// TestShowTouchesNothing: -S for another kernel reads only its files, not
// this machine's tracefs, and writes or creates nothing under /sys (the
// original made instances/surftrace even with -S). strace watches every
// file system call, which also catches an instance's mkdir.
func TestShowTouchesNothing(t *testing.T) {
	flags := bundledFlags(t)
	r, calls := straced(t, append(flags, udpExpr, "e sched/sched_switch f:prev_pid==1")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if m := tracefsPath.FindString(calls); m != "" {
		t.Errorf("-S --kallsyms looked at this machine's tracefs (%s):\n%s", m, grepLines(calls, "tracing"))
	}
	if m := sysWrite.FindString(calls); m != "" {
		t.Errorf("-S changed something under /sys: %s", m)
	}
}

// TestShowHostBTF: without --btf, -S reads this machine's
// /sys/kernel/btf/vmlinux, whose layout differs from the test kernel's
// (sk_buff->data is 0xd0 on 6.1, 0xc8 on 5.10 and on 6.18).
func TestShowHostBTF(t *testing.T) {
	host, err := btfdwarf.LoadBTF(kernel.BTFPath, 8)
	if err != nil {
		t.Skipf("no BTF for the running kernel: %v", err)
	}
	defer host.Close()
	skb, err := host.TypeByName("struct sk_buff")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := skb.Lookup("data")
	proto, _ := host.TypeByName("struct iphdr")
	p, _ := proto.Lookup("protocol")
	r, calls := straced(t, "-S", "-a", "x86_64", "p ip_output proto=@(struct iphdr *)l3%2->protocol")
	want := fmt.Sprintf("p:surftrace/f0 ip_output proto=+0x%x(+0x%x(%%dx)):u8\n", p.BitOffset/8, data.BitOffset/8)
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d\nstdout: %s\nwant:   %s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
	if !strings.Contains(calls, `"`+kernel.BTFPath+`"`) {
		t.Errorf("-S did not open %s:\n%s", kernel.BTFPath, grepLines(calls, "btf"))
	}
	if m := sysWrite.FindString(calls); m != "" {
		t.Errorf("-S changed something under /sys: %s", m)
	}
	if d := testkernel.Dir(); d != "" && data.BitOffset/8 != 0xd0 {
		r2 := surftrace(t, false, "-S", "--btf", filepath.Join(d, "vmlinux.btf.gz"), "--kallsyms", filepath.Join(d, "kallsyms.gz"), "p ip_output proto=@(struct iphdr *)l3%2->protocol")
		if r2.stdout == r.stdout {
			t.Errorf("host and test kernel give the same definition %q", r.stdout)
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// -S for another kernel goes by the tracefs README saved beside its
// kallsyms: with 6.12's, %N in a return probe reads $arg<N>; without one
// the 6.1 baseline refuses it.
func TestShowSavedReadme(t *testing.T) {
	flags := bundledFlags(t)
	src := testkernel.Dir()
	dir := t.TempDir()
	for _, name := range []string{"kallsyms.gz", "kprobes-blacklist.gz", "available_filter_functions.gz", "available_events.gz", "config"} {
		if err := os.Symlink(filepath.Join(src, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	const expr = "r ip_output len=%2->len"
	kall := append(flags[:len(flags)-1:len(flags)-1], filepath.Join(dir, "kallsyms.gz"), expr)
	r := surftrace(t, false, kall...)
	if r.code != 1 || !strings.Contains(r.stderr, "return probes cannot read entry arguments") {
		t.Errorf("without a README: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	readme, err := os.ReadFile("../../internal/ftrace/testdata/README-6.12.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tracing-README"), readme, 0o644); err != nil {
		t.Fatal(err)
	}
	r = surftrace(t, false, kall...)
	if want := "r:surftrace/f0 ip_output len=+0x70($arg3):u32\n"; r.code != 0 || r.stdout != want {
		t.Errorf("with 6.12's README: exit %d\n%s%s\nwant %s", r.code, r.stdout, r.stderr, want)
	}
}
