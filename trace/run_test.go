package trace

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/testkernel"
)

func savedOptions(t *testing.T) Options {
	d := testkernel.Need(t)
	return Options{BTF: filepath.Join(d, "vmlinux.btf.gz"), Kallsyms: filepath.Join(d, "kallsyms.gz"), Arch: "x86_64"}
}

// Probes of a saved kernel, or none at all, are refused before tracefs
// is touched.
func TestRunRefuses(t *testing.T) {
	probes, err := Compile([]string{"p ip_output a=%0"}, savedOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	called := false
	fn := func(Event) error { called = true; return nil }
	if err := Run(context.Background(), probes, fn); !errors.Is(err, ErrNotRunningKernel) {
		t.Errorf("saved kernel: %v, want ErrNotRunningKernel", err)
	}
	if err := Run(context.Background(), nil, fn); err == nil {
		t.Error("no probes: no error")
	}
	if called {
		t.Error("fn called")
	}
}

// Compile errors name the expression and the place; a parse error too.
func TestCompileError(t *testing.T) {
	for _, tc := range []struct {
		exprs []string
		index int
		part  string
	}{
		{[]string{"p ip_output a=%0", "p ip_output b=%0->nosuch"}, 1, "nosuch"},
		{[]string{"p ip_output a=%0 f:"}, 0, ""},
	} {
		_, err := Compile(tc.exprs, savedOptions(t))
		var te *Error
		if !errors.As(err, &te) {
			t.Fatalf("%q: %v is no *Error", tc.exprs, err)
		}
		if te.Index != tc.index || te.Expr != tc.exprs[tc.index] || te.Msg == "" {
			t.Errorf("%q: %+v", tc.exprs, te)
		}
		if got := te.Expr[te.Pos:min(te.Pos+te.Len, len(te.Expr))]; tc.part != "" && got != tc.part {
			t.Errorf("%q: points at %q, want %q", tc.exprs, got, tc.part)
		}
		if !strings.HasPrefix(te.Error(), "expression ") || !strings.Contains(te.Caret(), "^") {
			t.Errorf("%q: Error %q, Caret %q", tc.exprs, te.Error(), te.Caret())
		}
		if !errors.Is(err, te.Unwrap()) {
			t.Errorf("%q: Unwrap", tc.exprs)
		}
	}
}

// Probe describes what was compiled.
func TestProbe(t *testing.T) {
	probes, err := Compile([]string{"p ip_output ip_dst=@(struct iphdr*)l3%2->daddr f:ip_dst==127.0.0.1", "e sched/sched_process_exec"}, savedOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	p, e := probes[0], probes[1]
	if p.Name() != "f0" || !strings.HasPrefix(p.Definition(), "p:surftrace/f0 ip_output ip_dst=") || p.Filter() == "" || p.Expr() != "p ip_output ip_dst=@(struct iphdr*)l3%2->daddr f:ip_dst==127.0.0.1" {
		t.Errorf("probe: %s %q %q %q", p.Name(), p.Definition(), p.Filter(), p.Expr())
	}
	if a := p.Args(); len(a) != 1 || a[0] != (Arg{Name: "ip_dst", CType: "__be32", FetchType: "u32"}) {
		t.Errorf("args: %+v", a)
	}
	if e.Name() != "sched_process_exec" || e.Definition() != "e:sched/sched_process_exec" || len(e.Args()) != 0 {
		t.Errorf("tracepoint: %s %q %+v", e.Name(), e.Definition(), e.Args())
	}
}

// Stop ends a run without an error; a teardown failure joined to it is
// kept; a refusal becomes an *Error of its expression.
func TestRunError(t *testing.T) {
	probes, err := Compile([]string{"p ip_output a=%0", "p tcp_sendmsg b=%1"}, savedOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := runError(Stop, probes); err != nil {
		t.Errorf("Stop: %v", err)
	}
	wrapped := errors.New("wrapped")
	if err := runError(errors.Join(Stop, wrapped), probes); !errors.Is(err, wrapped) || errors.Is(err, Stop) {
		t.Errorf("Stop and teardown: %v", err)
	}
	mine := errors.New("mine")
	if err := runError(mine, probes); err != mine {
		t.Errorf("fn's error: %v", err)
	}
	refused := expr.Errorf(probes[1].Expr(), 2, 11, nil, "the kernel refused it")
	var te *Error
	if err := runError(refused, probes); !errors.As(err, &te) || te.Index != 1 {
		t.Errorf("refusal: %v", err)
	}
}

// needLive skips a test that cannot trace here, or fails it with CI=true.
func needLive(t *testing.T) {
	t.Helper()
	why := ""
	switch {
	case testing.Short():
		t.Skip("live tracing test (-short)")
	case os.Geteuid() != 0:
		why = "tracing needs root"
	case func() bool { _, err := os.Stat("/sys/kernel/tracing/uprobe_events"); return err != nil }():
		why = "no /sys/kernel/tracing/uprobe_events"
	default:
		if _, err := exec.LookPath("gcc"); err != nil {
			why = "the test builds its traced program with gcc"
		}
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// A live run delivers typed fields and stacks, ends on ctx and on fn's
// error, and returns fn's error as it is.
func TestRunLive(t *testing.T) {
	needLive(t)
	dir := t.TempDir()
	src, prog := filepath.Join(dir, "f.c"), filepath.Join(dir, "f")
	c := `__attribute__((noinline)) unsigned long f(unsigned int u, const char *s) { return u + s[0]; }
int main(void) { return (int)f(4000000000u, "hi there"); }
`
	if err := os.WriteFile(src, []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-g", "-O0", "-o", prog, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	probes, err := Compile([]string{"P " + prog + ":f u=%0 s=%1"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := probes[0].Args(); len(a) != 2 || a[0].CType != "unsigned int" || a[0].FetchType != "u32" || !strings.Contains(a[1].CType, "char") || a[1].FetchType != "string" {
		t.Errorf("args: %+v", a)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // runs the program until the test ends
		defer wg.Done()
		for ctx.Err() == nil {
			exec.Command(prog).Run()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	defer wg.Wait()
	defer cancel()

	mine := errors.New("seen")
	var got Event
	err = Run(ctx, probes, func(e Event) error {
		if e.Task != "f" {
			return nil
		}
		got = e
		return mine
	}, WithStacks())
	if err != mine {
		t.Fatalf("Run = %v, want fn's error", err)
	}
	if got.Probe != 0 || got.Name != "p0" || got.Pid == 0 || got.Time == 0 {
		t.Errorf("event: %+v", got)
	}
	if u, _ := got.Get("u"); u != uint64(4000000000) {
		t.Errorf("u = %#v (%T)", u, u)
	}
	if s, _ := got.Get("s"); s != "hi there" {
		t.Errorf("s = %#v (%T)", s, s)
	}
	if got.Stack == nil {
		t.Error("WithStacks: no stack")
	}

	// Cancelled from outside: nil, and fn is not called afterwards.
	ctx2, cancel2 := context.WithCancel(ctx)
	var mu sync.Mutex
	n, after := 0, false
	stopped := false
	err = Run(ctx2, probes, func(e Event) error {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			after = true
		}
		if n++; n == 1 {
			cancel2()
		}
		return nil
	})
	mu.Lock()
	stopped = true
	mu.Unlock()
	if err != nil || n == 0 {
		t.Errorf("cancelled run: %v after %d events", err, n)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	if after {
		t.Error("fn called after Run returned")
	}
	mu.Unlock()
}
