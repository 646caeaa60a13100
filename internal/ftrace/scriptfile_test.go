package ftrace

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteScriptFile: a new file, and an existing world-writable one,
// end as mode 0755 with the script; a symbolic link, a directory and a
// FIFO are refused and left as they were; no temporary file stays.
func TestWriteScriptFile(t *testing.T) {
	dir := t.TempDir()
	script := []byte("#!/bin/sh\necho hi\n")
	check := func(path string) {
		t.Helper()
		st, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != 0o755 {
			t.Errorf("%s: mode %v, want -rwxr-xr-x", path, st.Mode())
		}
		if got := readFile(t, path); got != string(script) {
			t.Errorf("%s holds %q", path, got)
		}
	}
	fresh := filepath.Join(dir, "new.sh")
	if err := WriteScriptFile(fresh, script); err != nil {
		t.Fatal(err)
	}
	check(fresh)

	open := filepath.Join(dir, "open.sh")
	os.WriteFile(open, []byte("old"), 0o666)
	os.Chmod(open, 0o666)
	if err := WriteScriptFile(open, script); err != nil {
		t.Fatal(err)
	}
	check(open)

	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o600)
	link := filepath.Join(dir, "link.sh")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{link, fifo, t.TempDir()} {
		if err := WriteScriptFile(bad, script); !errors.Is(err, ErrUnsafeTarget) {
			t.Errorf("WriteScriptFile(%s) = %v, want ErrUnsafeTarget", bad, err)
		}
	}
	if got := readFile(t, victim); got != "precious" {
		t.Errorf("wrote through the link: %q", got)
	}
	if dst, err := os.Readlink(link); err != nil || dst != victim {
		t.Errorf("link changed: %q, %v", dst, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 5 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only the 5 files the test made", names)
	}
}
