package ftrace

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/probe"
)

// TestMain fails the run when any test left a probe or instance of this
// process behind, and removes them.
func TestMain(m *testing.M) {
	code := m.Run()
	if os.Geteuid() == 0 {
		if fs, err := Discover(); err == nil {
			if left := leftovers(fs, os.Getpid()); len(left) > 0 {
				fmt.Fprintf(os.Stderr, "leak: tests left %v in %s\n", left, fs.Root)
				for _, name := range left {
					scrub(fs, NewWriter(fs, os.Stderr), name)
				}
				code = 1
			}
		}
	}
	os.Exit(code)
}

// scrub removes name's leftovers the way a later run would, for a test's
// clean-up.
func scrub(fs *FS, w *Writer, name string) error {
	if l := scanOwned(fs)[name]; l != nil {
		return removeStale(fs, w, name, l)
	}
	return nil
}

// leftovers lists the owned names of pid present in tracefs.
func leftovers(fs *FS, pid int) []string {
	var out []string
	for name := range scanOwned(fs) {
		if m := ownedName.FindStringSubmatch(name); m != nil && m[1] == fmt.Sprint(pid) {
			out = append(out, name)
		}
	}
	return out
}

// realFS returns the host's tracefs, skipping when the test cannot use it.
func realFS(t *testing.T, needUprobes bool) *FS {
	t.Helper()
	if os.Geteuid() != 0 {
		skipLive(t, "needs root to write tracefs")
	}
	fs, err := Discover()
	if err != nil {
		skipLive(t, "no tracefs: %v", err)
	}
	if needUprobes && !fs.HasUprobes() {
		skipLive(t, "kernel has no uprobe_events (CONFIG_UPROBE_EVENTS)")
	}
	return fs
}

// skipLive skips a test the host cannot run, or fails it when CI=true:
// there the host is meant to have everything, and a skip would hide a
// broken set-up.
func skipLive(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

var sessions atomic.Int32

// sessionName is a name this test process owns, unique per call and short
// enough for the kernel's 63-byte group names; the test's name goes to
// the log.
func sessionName(t *testing.T, tag string) string {
	name := fmt.Sprintf("surftrace_%d_t%d%s", os.Getpid(), sessions.Add(1), tag)
	t.Logf("session %s", name)
	return name
}

// openSession opens a session that is closed, and checked clean, when the
// test ends however it ends.
func openSession(t *testing.T, fs *FS, opts Options) *Session {
	t.Helper()
	s, err := Open(fs, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		assertClean(t, fs, s.Name())
	})
	return s
}

// assertClean fails when anything named name is left in tracefs.
func assertClean(t *testing.T, fs *FS, name string) {
	t.Helper()
	if l := scanOwned(fs)[name]; l != nil {
		t.Errorf("left behind in tracefs for %s: probes %v, instance %v", name, l.probes, l.instance)
	}
	if exists(fs.Path("events", name)) {
		t.Errorf("events/%s still exists", name)
	}
}

// fixture is the compiled testdata/target.c and surf_target's file offset.
type fixture struct {
	path   string
	offset uint64
}

// buildFixture compiles testdata/target.c with gcc -g into a fresh
// directory and finds surf_target's file offset through its PT_LOAD
// segment, as uprobe_events wants it.
func buildFixture(t testing.TB) fixture {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		skipLive(t, "needs gcc to build the uprobe target")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "target")
	if out, err := exec.Command("gcc", "-g", "-O0", "-o", bin, "testdata/target.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	off, err := symbolFileOffset(bin, "surf_target")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{path: bin, offset: off}
}

func symbolFileOffset(path, name string) (uint64, error) {
	f, err := elf.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return 0, err
	}
	for _, s := range syms {
		if s.Name != name {
			continue
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 && s.Value >= p.Vaddr && s.Value < p.Vaddr+p.Filesz {
				return s.Value - p.Vaddr + p.Off, nil
			}
		}
		return 0, fmt.Errorf("%s at %#x is in no executable segment", name, s.Value)
	}
	return 0, fmt.Errorf("no symbol %s in %s", name, path)
}

// uprobe is a definition of a probe on the fixture's surf_target.
func (fx fixture) uprobe(kind probe.Kind, name, filter string, args ...probe.Arg) *probe.Def {
	return &probe.Def{
		Kind:   kind,
		Name:   name,
		Target: fmt.Sprintf("%s:%#x", fx.path, fx.offset),
		Args:   args,
		Filter: filter,
		Source: fmt.Sprintf("%c %s:surf_target", kind, fx.path),
	}
}

func (fx fixture) run(t *testing.T, calls int) {
	t.Helper()
	if out, err := exec.Command(fx.path, fmt.Sprint(calls)).CombinedOutput(); err != nil {
		t.Fatalf("run target: %v\n%s", err, out)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and polling readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls until cond holds on the buffer's content or fails after a
// deadline long enough never to matter on a working kernel.
func waitFor(t *testing.T, b *syncBuffer, what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := b.String()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; got:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countLines counts lines holding substr.
func countLines(s, substr string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}
