// Package e2e runs surftrace's kernel-side features for real: it boots each
// kernel of the matrix (kernels/matrix.txt) under qemu with a busybox
// initramfs and runs the shell scenarios of scenarios/ in one boot per
// kernel, each checked against its .want file (see package expect) and
// for what it left in tracefs. `make e2e` runs it; so does `make test`.
//
// Knobs (environment): KERNELS=6.1,6.12-arm64 boots only those kernels of
// the matrix; E2E_JOBS=N boots N at a time (default 2); E2E_RUN=a,b runs
// only those scenarios; E2E_BZIMAGE=1 boots the compressed image instead
// of the extracted vmlinux; SURFTRACE_KERNEL (an x86_64 image) boots that
// instead of the matrix; SURFTRACE_BIN a prebuilt amd64 binary.
//
// A boot that cannot happen (no qemu, no kernel) skips, saying why; with
// CI=true it fails instead.
package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surftrace/surftrace/e2e/expect"
	"github.com/surftrace/surftrace/e2e/kernels"
	"github.com/surftrace/surftrace/e2e/vm"
)

// bootTimeout bounds one boot with every scenario: a hung guest fails the
// run instead of hanging CI. It is far above the usual minute so that a
// loaded machine (qemu emulates on a shared CPU) does not fail the suite.
const bootTimeout = 12 * time.Minute

// builds builds surftrace once per architecture for the boots that run in
// parallel.
var builds sync.Map // goarch → func() (string, error)

func build(ctx context.Context, root, goarch string) (string, error) {
	f, _ := builds.LoadOrStore(goarch, sync.OnceValues(func() (string, error) {
		return vm.BuildSurftrace(ctx, root, goarch, filepath.Join(vm.CacheDir(root), "surftrace-"+goarch))
	}))
	return f.(func() (string, error))()
}

func jobs() int {
	if n, err := strconv.Atoi(os.Getenv("E2E_JOBS")); err == nil && n > 0 {
		return n
	}
	return 2
}

// TestScenarios boots every kernel of the matrix (or of KERNELS) and runs
// the scenarios on each.
func TestScenarios(t *testing.T) {
	if os.Getenv("SURFTRACE_KERNEL") != "" {
		t.Run("custom", func(t *testing.T) { scenarios(t, "") })
		return
	}
	m, err := vm.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	ks, err := m.Select(os.Getenv("KERNELS"))
	if err != nil {
		t.Fatal(err)
	}
	queue.plan(ks)
	prefetch(t, ks)
	// Every boot waits in the queue at once, which hands out the slots:
	// the subtests run from goroutines of their own, not as parallel
	// tests, whose number go test bounds (-parallel) in an order of its own.
	var wg sync.WaitGroup
	run := func(name string, f func(*testing.T)) {
		wg.Add(1)
		go func() { defer wg.Done(); t.Run(name, f) }()
	}
	for _, k := range ks {
		run(k.Name, func(t *testing.T) { scenarios(t, k.Name) })
	}
	if hasKernel(ks, m.Default) {
		// KASLR is checked on the default kernel, booted from its bzImage.
		run("kaslr", kaslr)
	}
	wg.Wait()
}

// prefetch builds the guests' surftrace for each architecture while it
// fetches the kernels, longest boot first: the builds wait on the CPU and
// the downloads on the network, so they overlap, and no boot slot is then
// held waiting for either. Errors are left to the boots to report.
func prefetch(t *testing.T, ks []kernels.Kernel) {
	if testing.Short() {
		return
	}
	root, err := vm.RepoRoot()
	if err != nil {
		return
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, goarch := range []string{"amd64", "arm64"} {
		if slices.ContainsFunc(ks, func(k kernels.Kernel) bool { return k.Arch == goarch }) {
			wg.Add(1)
			go func() { defer wg.Done(); build(ctx, root, goarch) }()
		}
	}
	for _, name := range queue.order {
		if err := vm.Fetch(ctx, name, testWriter{t}); err != nil {
			t.Logf("fetch %s: %v (its boot says more)", name, err)
		}
	}
	wg.Wait()
}

func scenarios(t *testing.T, kernel string) {
	boot(t, vm.Options{
		Kernel:  kernel,
		Only:    splitList(os.Getenv("E2E_RUN")),
		BzImage: os.Getenv("E2E_BZIMAGE") == "1",
	}, nil)
}

// kaslr boots the compressed image as it is, so the decompressor
// randomizes the kernel's addresses (the extracted vmlinux runs where it
// was linked), and runs the scenarios that handle addresses. It runs with
// the kernels' boots, in the last slot free, so no core idles at the end.
func kaslr(t *testing.T) {
	if os.Getenv("E2E_RUN") != "" || os.Getenv("E2E_BZIMAGE") == "1" {
		t.Skip("E2E_RUN or E2E_BZIMAGE set: the scenarios cover what was asked")
	}
	text := vm.Script{Name: "kaslr", Body: []byte("sed -n 's/ T _text$//p' /proc/kallsyms\n")}
	scripts, err := vm.LoadScripts(scenarioDir(t), "00-raw-kprobe", "07-drop")
	if err != nil {
		t.Fatal(err)
	}
	boot(t, vm.Options{BzImage: true, Scripts: append([]vm.Script{text}, scripts...)}, map[string]func(*testing.T, *vm.Scenario){
		"kaslr": func(t *testing.T, s *vm.Scenario) {
			if len(s.Output) != 1 || s.Output[0] == "ffffffff81000000" {
				t.Errorf("_text at %q: the kernel was not relocated, KASLR is off", s.Output)
			}
		},
	})
}

// TestWantFiles checks, without a VM, that every scenario has a .want file
// that parses.
func TestWantFiles(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join(scenarioDir(t), "*.sh"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, s := range scripts {
		if _, err := expect.Load(strings.TrimSuffix(s, ".sh") + ".want"); err != nil {
			t.Error(err)
		}
	}
	overrides, _ := filepath.Glob(filepath.Join(scenarioDir(t), "*@*.want"))
	for _, o := range overrides {
		if _, err := expect.Load(o); err != nil {
			t.Error(err)
		}
	}
}

// boot prepares and boots the VM and checks each script's result: with
// its .want file, or with own[name] for scripts that have none.
func boot(t *testing.T, o vm.Options, own map[string]func(*testing.T, *vm.Scenario)) {
	if testing.Short() {
		t.Skip("boots a VM; skipped with -short")
	}
	o.WorkDir, o.Logf = t.TempDir(), t.Logf
	o.Build = build
	o.Progress = testWriter{t}
	queue.acquire(o.Kernel)
	defer queue.release()
	env, err := vm.Prepare(context.Background(), o)
	if vm.IsMissing(err) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot boot the test VM: %v (scripts/deps.sh installs what is missing)", err)
		}
		t.Skipf("cannot boot the test VM here: %v (scripts/deps.sh installs what is missing)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if env.BuildErr != nil {
		// The scenarios that run surftrace fail below; say why once.
		t.Errorf("%v", env.BuildErr)
	}
	run, err := vm.Boot(context.Background(), env.Machine(bootTimeout))
	rep := vm.ParseResults(run.Output)
	t.Logf("boot: %s, %v to /init (guest uptime %.2fs), %v in all, kernel %s",
		env.ImageKind(), run.ToInit.Round(10*time.Millisecond), rep.BootUp, run.Wall.Round(10*time.Millisecond), rep.Release)
	if env.Capture {
		if err := env.SaveCapture(rep); err != nil {
			t.Errorf("%v", err)
		}
	}
	failed := err != nil || !rep.Done
	if err != nil {
		t.Errorf("%v", err)
	}
	for _, w := range rep.Warnings {
		t.Errorf("guest: %s", w)
	}
	if !rep.Booted {
		t.Fatalf("the guest never reached /init; console:\n%s", tail(env.ConsoleLog, 60))
	}
	for _, s := range env.Scripts {
		t.Run(s.Name, func(t *testing.T) {
			if sc := rep.Scenario(s.Name); sc != nil && sc.Seconds > 0 {
				t.Logf("ran %.1fs", sc.Seconds)
			}
			if !checkScenario(t, env.Kernel.Name, rep.Scenario(s.Name), own[s.Name]) {
				failed = true
			}
		})
	}
	if failed {
		if len(rep.Dmesg) > 0 {
			t.Logf("guest kernel log (last lines):\n%s", strings.Join(lastN(rep.Dmesg, 40), "\n"))
		} else {
			t.Logf("kernel console (last lines of %s):\n%s", env.ConsoleLog, tail(env.ConsoleLog, 40))
		}
	}
}

// checkScenario reports the scenario's verdict: its output against its
// .want file (or the check given), its end, and what it left in tracefs.
func checkScenario(t *testing.T, kernel string, s *vm.Scenario, check func(*testing.T, *vm.Scenario)) bool {
	t.Helper()
	if s == nil {
		t.Error("never started: an earlier scenario hung the guest or the VM timed out")
		return false
	}
	if !s.Ended {
		t.Errorf("cut short (the VM stopped); output so far:\n%s", strings.Join(s.Output, "\n"))
		return false
	}
	if s.RC != 0 {
		t.Errorf("script exit status %d (124/143: the guest's timeout killed it); output:\n%s", s.RC, strings.Join(s.Output, "\n"))
	}
	if check != nil {
		check(t, s)
	} else if want, err := expect.Load(wantFile(scenarioDir(t), s.Name, kernel)); err != nil {
		t.Error(err)
	} else if res := want.Match(s.Output); !res.OK() {
		t.Errorf("output does not match:\n%s", res.Report(want.File, s.Output))
	}
	if !s.Stated {
		t.Error("no tracefs state reported after the scenario")
	}
	if len(s.Leftovers) > 0 {
		t.Errorf("left behind in tracefs:\n  %s", strings.Join(s.Leftovers, "\n  "))
	}
	return !t.Failed()
}

// wantFile is the scenario's expectations on this kernel: NAME@KERNEL.want
// where the kernel behaves differently, else NAME.want.
func wantFile(dir, name, kernel string) string {
	if kernel != "" {
		p := filepath.Join(dir, name+"@"+kernel+".want")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join(dir, name+".want")
}

func hasKernel(ks []kernels.Kernel, name string) bool {
	for _, k := range ks {
		if k.Name == name {
			return true
		}
	}
	return false
}

// testWriter sends the kernel fetcher's progress to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func scenarioDir(t *testing.T) string {
	root, err := vm.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "e2e", "scenarios")
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// tail returns the last n lines of a file, for failure reports.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return strings.Join(lastN(strings.Split(strings.TrimRight(string(data), "\n"), "\n"), n), "\n")
}

func lastN(lines []string, n int) []string {
	if len(lines) > n {
		return lines[len(lines)-n:]
	}
	return lines
}
