package skb

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/probe"
)

// skipLive skips a test that needs this machine's tracefs, or fails it
// when CI=true says the machine must have it.
func skipLive(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// entryOffset is the file offset of an ELF's entry point, where a uprobe
// fires once per run of the program.
func entryOffset(t *testing.T, path string) uint64 {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Skipf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 && f.Entry >= p.Vaddr && f.Entry < p.Vaddr+p.Filesz {
			return f.Entry - p.Vaddr + p.Off
		}
	}
	t.Skipf("%s: entry point in no executable segment", path)
	return 0
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Run drives a real session end to end: batched attach, the stream, the
// printer with its filter and count, and a clean teardown. This host has
// no kprobes, so the probe is a uprobe on a copy of /bin/true whose
// fetch-args are the skb fields as immediates (\VALUE): the kernel
// prints them exactly as it prints an skb probe's.
func TestRunLive(t *testing.T) {
	if os.Geteuid() != 0 {
		skipLive(t, "needs root to write tracefs")
	}
	fs, err := ftrace.Discover()
	if err != nil || !fs.HasUprobes() {
		skipLive(t, "no tracefs with uprobes: %v", err)
	}
	bin := t.TempDir() + "/true"
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	off := entryOffset(t, bin)
	imm := func(name string, v uint64, typ string) probe.Arg {
		return probe.Arg{Name: name, Fetch: fmt.Sprintf("\\%d:%s", v, typ), Type: typ}
	}
	def := &probe.Def{Kind: probe.Uprobe, Name: "s0", Target: fmt.Sprintf("%s:%#x", bin, off), Args: []probe.Arg{
		imm("skb", 0xffff888004b1e200, "x64"), imm("len", 39, "u32"), imm("mark", 7, "u32"), imm("ifindex", 3, "u32"), imm("reason", 2, "u32"),
	}}
	plan := &Plan{Defs: []*probe.Def{def}, Cands: []Candidate{{Func: "kfree_skb_reason", Reason: 1}}}
	def.Args[4].Enum = map[int64]string{2: "NO_SOCKET"}
	flt, err := ParseFilter("mark==7&&dev==3", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out, info lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	var st Stats
	go func() {
		var err error
		st, err = Run(ctx, RunConfig{FS: fs, Plan: plan, Info: &info,
			Printer: &Printer{Out: &out, Plan: plan, Tracker: &Tracker{Filter: flt}, Max: 2}})
		done <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(info.String(), "attached 1 probes") {
		if time.Now().After(deadline) {
			t.Fatalf("not attached:\n%s", info.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := 0; i < 2; i++ {
		if err := exec.Command(bin).Run(); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v\n%s", err, info.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatalf("Run did not stop after 2 events:\n%s\n%s", out.String(), info.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], " 0xffff888004b1e200 kfree_skb_reason                 len=39 dev=3 mark=0x7 reason=NO_SOCKET") {
		t.Errorf("output:\n%s", out.String())
	}
	if st.Shown != 2 || st.Probes != 1 || !strings.Contains(info.String(), "detached 1 probes") {
		t.Errorf("stats %+v\n%s", st, info.String())
	}
	if _, err := os.Stat(fs.Path("events", fmt.Sprintf("surftrace_%d", os.Getpid()))); err == nil {
		t.Errorf("the probe group is still there")
	}
}
