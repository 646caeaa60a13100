package ftrace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

func TestUprobeSession(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	var log syncBuffer
	s := openSession(t, fs, Options{Name: sessionName(t, ""), Log: &log})
	defs := []*probe.Def{
		fx.uprobe(probe.Uprobe, "p0", "", probe.Arg{Name: "a", Fetch: "%di:s32"}, probe.Arg{Name: "b", Fetch: "%si:s32"}),
		fx.uprobe(probe.Uretprobe, "r1", "ret>=43", probe.Arg{Name: "ret", Fetch: "$retval:s32"}),
	}
	if err := s.Add(defs); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}

	format, err := ReadFormat(fs, s.Name(), "p0")
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := format.Field("a"); !ok || a.Type != "s32" || !a.Signed || a.Size != 4 {
		t.Errorf("format field a = %+v, %v", a, ok)
	}

	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Stream(ctx, &out) }()
	fx.run(t, 3)
	got := waitFor(t, &out, "3 entries and 2 returns", func(s string) bool {
		return countLines(s, " p0: ") == 3 && countLines(s, " r1: ") == 2
	})
	for _, want := range []string{"a=0 b=42", "a=1 b=42", "a=2 b=42", "ret=43", "ret=44"} {
		if !strings.Contains(got, want) {
			t.Errorf("events lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ret=42") {
		t.Errorf("filter ret>=43 let ret=42 through:\n%s", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Stream: %v", err)
	}

	lost, err := s.Overruns()
	if err != nil {
		t.Fatal(err)
	}
	if len(lost) == 0 {
		t.Error("Overruns found no CPUs")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	assertClean(t, fs, s.Name())

	// The log is the set-up and teardown as shell commands, in order.
	inst := fs.Path("instances", s.Name())
	ev := inst + "/events/" + s.Name()
	want := []string{
		"mkdir " + inst,
		"echo 0 > " + inst + "/tracing_on",
		"echo 'p:" + s.Name() + "/p0 " + defs[0].Target + " a=%di:s32 b=%si:s32' >> " + fs.Path("uprobe_events"),
		"echo 1 > " + ev + "/p0/enable",
		"echo 'r:" + s.Name() + "/r1 " + defs[1].Target + " ret=$retval:s32' >> " + fs.Path("uprobe_events"),
		"echo 'ret>=43' > " + ev + "/r1/filter",
		"echo 1 > " + ev + "/r1/enable",
		"echo 1 > " + inst + "/tracing_on",
		"echo 0 > " + inst + "/tracing_on",
		"echo 0 > " + ev + "/r1/enable",
		"echo 0 > " + ev + "/r1/filter",
		"echo -:" + s.Name() + "/r1 >> " + fs.Path("uprobe_events"),
		"echo 0 > " + ev + "/p0/enable",
		"echo -:" + s.Name() + "/p0 >> " + fs.Path("uprobe_events"),
		"rmdir " + inst,
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		// Other runs' leftovers removed on the way are not this session's.
		if !strings.HasPrefix(l, "#") && strings.Contains(l, s.Name()+"/") || strings.HasSuffix(l, s.Name()) {
			lines = append(lines, l)
		}
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// Two runs probing the same function each see every call and do not
// disturb each other's set-up or teardown.
func TestConcurrentSessions(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	const calls = 5
	var sessions []*Session
	var outs []*syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for _, tag := range []string{"_a", "_b"} {
		s := openSession(t, fs, Options{Name: sessionName(t, tag)})
		if err := s.Add([]*probe.Def{fx.uprobe(probe.Uprobe, "p0", "", probe.Arg{Name: "a", Fetch: "%di:s32"})}); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		out := &syncBuffer{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Stream(ctx, out); err != nil {
				t.Errorf("Stream %s: %v", s.Name(), err)
			}
		}()
		sessions = append(sessions, s)
		outs = append(outs, out)
	}
	fx.run(t, calls)
	for i, out := range outs {
		got := waitFor(t, out, fmt.Sprintf("%d events in %s", calls, sessions[i].Name()), func(s string) bool {
			return countLines(s, " p0: ") >= calls
		})
		for c := 0; c < calls; c++ {
			if countLines(got, fmt.Sprintf(" a=%d", c)) != 1 {
				t.Errorf("%s: call %d not seen exactly once:\n%s", sessions[i].Name(), c, got)
			}
		}
	}
	// Closing one leaves the other working.
	if err := sessions[0].Close(); err != nil {
		t.Fatal(err)
	}
	assertClean(t, fs, sessions[0].Name())
	fx.run(t, 1)
	waitFor(t, outs[1], "the 6th event", func(s string) bool { return countLines(s, " p0: ") == calls+1 })
	cancel()
	wg.Wait()
}

func TestTracepointSession(t *testing.T) {
	fs := realFS(t, false)
	if !exists(fs.Path("events/sched/sched_process_exec")) {
		t.Skip("kernel has no sched/sched_process_exec tracepoint")
	}
	// A copy of true with a name no other process on the machine execs.
	marker := fmt.Sprintf("%s/surftrace_marker_%d", t.TempDir(), os.Getpid())
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true to exec")
	}
	if err := os.WriteFile(marker, data, 0o755); err != nil {
		t.Fatal(err)
	}
	s := openSession(t, fs, Options{Name: sessionName(t, ""), Stack: true})
	def := &probe.Def{Kind: probe.Event, Name: "sched_process_exec", Target: "sched/sched_process_exec",
		Filter: fmt.Sprintf(`filename ~ "*surftrace_marker_%d"`, os.Getpid())}
	if err := s.Add([]*probe.Def{def}); err != nil {
		t.Fatal(err)
	}
	if sys, ev := s.EventOf(def); sys != "sched" || ev != "sched_process_exec" {
		t.Errorf("EventOf = %s/%s", sys, ev)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	p, err := s.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if !p.pollable {
		t.Error("trace_pipe is not pollable: reads fall back to polling")
	}
	var out syncBuffer
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := p.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	for i := 0; i < 2; i++ {
		if err := runQuiet(marker); err != nil {
			t.Fatal(err)
		}
		if err := runQuiet("/bin/true"); err != nil {
			t.Fatal(err)
		}
	}
	got := waitFor(t, &out, "2 exec events with stacks", func(s string) bool {
		return countLines(s, "sched_process_exec: ") == 2 && countLines(s, "<stack trace>") == 2
	})
	if strings.Contains(got, "filename=/bin/true") {
		t.Errorf("filter let /bin/true through:\n%s", got)
	}
	// Closing the session wakes the reader.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := p.Read(make([]byte, 10)); n != 0 || err == nil {
		t.Errorf("Read after Close = %d, %v", n, err)
	}
}

func runQuiet(path string) error {
	p, err := os.StartProcess(path, []string{path}, &os.ProcAttr{})
	if err != nil {
		return err
	}
	_, err = p.Wait()
	return err
}

// A set-up that fails at the last of three definitions leaves nothing
// behind, and the error says what the kernel said.
func TestSetupErrorLeavesNothing(t *testing.T) {
	fs := realFS(t, true)
	fx := buildFixture(t)
	good := func() []*probe.Def {
		return []*probe.Def{
			fx.uprobe(probe.Uprobe, "p0", "a==1", probe.Arg{Name: "a", Fetch: "%di:s32"}),
			{Kind: probe.Event, Name: "sched_process_exec", Target: "sched/sched_process_exec", Filter: "pid>1"},
		}
	}
	tests := []struct {
		name  string
		last  *probe.Def
		check func(t *testing.T, err error)
	}{
		{
			name: "bad register",
			last: fx.uprobe(probe.Uprobe, "p2", "", probe.Arg{Name: "a", Fetch: "%zz"}),
			check: func(t *testing.T, err error) {
				ke := kernelErr(t, err, syscall.EINVAL)
				if ke.Op != "add probe" || !strings.HasSuffix(ke.Path, "uprobe_events") {
					t.Errorf("Op %q Path %q", ke.Op, ke.Path)
				}
				if exists(fs.Path("error_log")) && (ke.Log != "Invalid register name" || ke.Pos < 0 || !strings.HasPrefix(ke.Command[ke.Pos:], "%zz")) {
					t.Errorf("Log %q Pos %d in %q", ke.Log, ke.Pos, ke.Command)
				}
				last := fx.uprobe(probe.Uprobe, "p2", "", probe.Arg{Name: "a", Fetch: "%zz"})
				if exists(fs.Path("error_log")) && ke.Arg(last) != 0 {
					t.Errorf("Arg = %d, want 0", ke.Arg(last))
				}
			},
		},
		{
			name: "missing file",
			last: &probe.Def{Kind: probe.Uprobe, Name: "p2", Target: "/nonexistent/surftrace:0x10"},
			check: func(t *testing.T, err error) {
				ke := kernelErr(t, err, syscall.ENOENT)
				if ke.Meaning() != "unknown symbol or file" {
					t.Errorf("Meaning %q", ke.Meaning())
				}
				if errors.Is(err, ErrNoEvent) {
					t.Error("a missing file is not a missing event")
				}
			},
		},
		{
			name: "bad filter",
			last: fx.uprobe(probe.Uretprobe, "r2", "nosuch == 1", probe.Arg{Name: "ret", Fetch: "$retval:s32"}),
			check: func(t *testing.T, err error) {
				ke := kernelErr(t, err, syscall.EINVAL)
				if ke.Op != "set filter" || ke.Log != "Field not found" || ke.Pos < 0 || ke.Pos > len(ke.Command) {
					t.Errorf("Op %q Log %q Pos %d", ke.Op, ke.Log, ke.Pos)
				}
			},
		},
		{
			name: "bad filter on a tracepoint",
			last: &probe.Def{Kind: probe.Event, Name: "sched_process_exit", Target: "sched/sched_process_exit", Filter: `comm == "x" && &&`},
			check: func(t *testing.T, err error) {
				// The kernel answers this one with EPERM, others with EINVAL.
				ke := kernelErr(t, err, 0)
				if ke.Meaning() != "bad filter" || errors.Is(err, ErrNotRoot) || ke.Log == "" || ke.Pos < 0 {
					t.Errorf("no kernel message: Log %q Pos %d", ke.Log, ke.Pos)
				}
				t.Logf("kernel: %s at %d: %q", ke.Log, ke.Pos, ke.Command[ke.Pos:])
			},
		},
		{
			name: "unknown tracepoint",
			last: &probe.Def{Kind: probe.Event, Name: "sched_proces_exec", Target: "sched/sched_proces_exec"},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrNoEvent) || !strings.Contains(err.Error(), "sched/sched_process_exec") {
					t.Errorf("err = %v, want ErrNoEvent suggesting sched/sched_process_exec", err)
				}
			},
		},
		{
			name: "kprobe without kprobes",
			last: &probe.Def{Kind: probe.Kprobe, Name: "f2", Target: "ip_output"},
			check: func(t *testing.T, err error) {
				if fs.HasKprobes() {
					t.Skip("this kernel has kprobes")
				}
				if !errors.Is(err, ErrNoKprobes) {
					t.Errorf("err = %v, want ErrNoKprobes", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log syncBuffer
			s := openSession(t, fs, Options{Name: sessionName(t, ""), Log: &log})
			err := s.Add(append(good(), tt.last))
			if err == nil {
				t.Fatal("Add succeeded")
			}
			t.Logf("error: %v", err)
			tt.check(t, err)
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v\nlog:\n%s", err, log.String())
			}
			assertClean(t, fs, s.Name())
			if filter, _ := os.ReadFile(fs.Path("events/sched/sched_process_exec/filter")); strings.TrimSpace(string(filter)) != "none" {
				t.Errorf("top-level filter touched: %q", filter)
			}
		})
	}
}

func kernelErr(t *testing.T, err error, errno syscall.Errno) *KernelError {
	t.Helper()
	var ke *KernelError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v (%T), want *KernelError", err, err)
	}
	if errno != 0 && (ke.Errno != errno || !errors.Is(err, errno)) {
		t.Errorf("errno = %v, want %v", ke.Errno, errno)
	}
	return ke
}

// Stream returns promptly on cancellation while no event arrives.
func TestStreamCancel(t *testing.T) {
	fs := realFS(t, false)
	s := openSession(t, fs, Options{Name: sessionName(t, "")})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Stream(ctx, &syncBuffer{}) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Stream: %v", err)
	}
}

func TestOpenRefusesBadName(t *testing.T) {
	fs := realFS(t, false)
	for _, name := range []string{"bad/name", "a b", "x'y", "-x"} {
		if _, err := Open(fs, Options{Name: name}); !errors.Is(err, ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", name, err)
		}
	}
	s := openSession(t, fs, Options{Name: sessionName(t, "")})
	if _, err := Open(fs, Options{Name: s.Name()}); !errors.Is(err, ErrInvalid) {
		t.Errorf("second Open of %s = %v, want ErrInvalid", s.Name(), err)
	}
}
