package uobj

import (
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func objcopy(t *testing.T, args ...string) {
	t.Helper()
	if b, err := exec.Command("objcopy", args...).CombinedOutput(); err != nil {
		t.Skipf("objcopy %v: %v\n%s", args, err, b)
	}
}

// withDebugRoot points the separate-debug-file search at dir for one test.
func withDebugRoot(t *testing.T, dir string) {
	old := debugRoot
	debugRoot = dir
	t.Cleanup(func() { debugRoot = old })
}

func debugFileOf(t *testing.T, path string) (string, error) {
	t.Helper()
	o, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	return o.DebugFile()
}

func TestDebugFile(t *testing.T) {
	dir := t.TempDir()
	full := buildFixture(t, dir, "full", "-Wl,--build-id")
	dbg := filepath.Join(dir, "full.debug")
	objcopy(t, "--only-keep-debug", full, dbg)

	t.Run("own DWARF", func(t *testing.T) {
		withDebugRoot(t, t.TempDir())
		if got, err := debugFileOf(t, full); err != nil || got != full {
			t.Errorf("DebugFile = %q, %v; want the object", got, err)
		}
	})

	t.Run("build-id", func(t *testing.T) {
		root := t.TempDir()
		withDebugRoot(t, root)
		stripped := filepath.Join(t.TempDir(), "stripped")
		objcopy(t, "--strip-debug", full, stripped)
		o, err := Open(stripped)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		id := hex.EncodeToString(buildID(o.ELF()))
		if len(id) < 4 {
			t.Fatalf("no build-id in %s", stripped)
		}
		if _, err := o.DebugFile(); !errors.Is(err, ErrNoDebugInfo) {
			t.Errorf("before installing the debug file: %v, want ErrNoDebugInfo", err)
		}
		want := filepath.Join(root, ".build-id", id[:2], id[2:]+".debug")
		copyFile(t, dbg, want)
		if got, err := o.DebugFile(); err != nil || got != want {
			t.Errorf("DebugFile = %q, %v; want %q", got, err, want)
		}
		if d, err := o.DWARF(); err != nil || d == nil {
			t.Errorf("DWARF from the build-id file: %v", err)
		}
	})

	for _, place := range []string{"beside", ".debug", "root"} {
		t.Run("debuglink "+place, func(t *testing.T) {
			root := t.TempDir()
			withDebugRoot(t, root)
			objDir := t.TempDir()
			linked := filepath.Join(objDir, "linked")
			// objcopy computes the CRC of the file it links, then the copy is moved.
			objcopy(t, "--strip-debug", "--remove-section=.note.gnu.build-id", "--add-gnu-debuglink="+dbg, full, linked)
			var want string
			switch place {
			case "beside":
				want = filepath.Join(objDir, "full.debug")
			case ".debug":
				want = filepath.Join(objDir, ".debug", "full.debug")
			case "root":
				want = filepath.Join(root, objDir, "full.debug")
			}
			copyFile(t, dbg, want)
			if got, err := debugFileOf(t, linked); err != nil || got != want {
				t.Errorf("DebugFile = %q, %v; want %q", got, err, want)
			}
		})
	}

	t.Run("debuglink CRC mismatch", func(t *testing.T) {
		withDebugRoot(t, t.TempDir())
		objDir := t.TempDir()
		linked := filepath.Join(objDir, "linked")
		objcopy(t, "--strip-debug", "--remove-section=.note.gnu.build-id", "--add-gnu-debuglink="+dbg, full, linked)
		copyFile(t, full, filepath.Join(objDir, "full.debug")) // has DWARF, wrong CRC
		if got, err := debugFileOf(t, linked); !errors.Is(err, ErrNoDebugInfo) {
			t.Errorf("DebugFile = %q, %v; want ErrNoDebugInfo", got, err)
		}
	})

	t.Run("none", func(t *testing.T) {
		withDebugRoot(t, t.TempDir())
		bare := filepath.Join(t.TempDir(), "bare")
		objcopy(t, "--strip-debug", full, bare)
		_, err := debugFileOf(t, bare)
		if !errors.Is(err, ErrNoDebugInfo) {
			t.Errorf("DebugFile: %v, want ErrNoDebugInfo", err)
		}
		t.Logf("%v", err)
	})
}

func TestDebugFileLibc(t *testing.T) {
	o, err := Open("libc")
	if err != nil {
		t.Skipf("no libc: %v", err)
	}
	defer o.Close()
	got, err := o.DebugFile()
	if errors.Is(err, ErrNoDebugInfo) {
		t.Skipf("libc's debug file is not installed (libc6-dbg): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "/.build-id/") {
		t.Errorf("libc debug file %s, want one found by build-id", got)
	}
	t.Logf("libc debug file: %s", got)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
