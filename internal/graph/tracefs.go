package graph

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// tracefs writes tracefs files and remembers how to undo every change, so a
// run leaves the kernel as it found it: undo runs in reverse, once, also after
// a set-up that failed half way. Every step is logged as the shell command
// that would do the same.
//
// It is this package's own small writer; internal/ftrace may replace it.
type tracefs struct {
	root string    // the tracefs mount, e.g. /sys/kernel/tracing
	log  io.Writer // the shell commands; io.Discard when quiet
	undo []func() error
}

// findTracefs returns the tracefs mount: /sys/kernel/tracing, else the old
// debugfs place, else it mounts tracefs at /sys/kernel/tracing (logged).
func findTracefs(log io.Writer) (string, error) {
	for _, dir := range []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"} {
		if _, err := os.Stat(filepath.Join(dir, "trace_pipe")); err == nil {
			return dir, nil
		}
	}
	dir := "/sys/kernel/tracing"
	fmt.Fprintf(log, "mount -t tracefs nodev %s\n", dir)
	if err := syscall.Mount("nodev", dir, "tracefs", 0, ""); err != nil {
		return "", fmt.Errorf("mount tracefs on %s: %w", dir, err)
	}
	return dir, nil
}

func (t *tracefs) path(rel string) string { return filepath.Join(t.root, rel) }

// read returns a file's content without its trailing newline.
func (t *tracefs) read(rel string) (string, error) {
	b, err := os.ReadFile(t.path(rel))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", t.path(rel), err)
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// write replaces a file's content (O_TRUNC, as the shell's `>`), logged and
// not undone: for what the kernel resets by itself, like clearing `trace`.
func (t *tracefs) write(rel, val string) error {
	cmd := "echo " + shellQuote(val) + " > " + t.path(rel)
	if val == "" {
		cmd = "echo > " + t.path(rel)
	}
	fmt.Fprintln(t.log, cmd)
	f, err := os.OpenFile(t.path(rel), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	_, err = f.WriteString(val + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	return nil
}

// set writes val and pushes the write of the old value. old is the value to
// restore: the caller read it (some files print it differently from how
// they take it, like set_graph_function's "#### all functions enabled ####").
func (t *tracefs) set(rel, val, old string) error {
	if err := t.write(rel, val); err != nil {
		return err
	}
	t.undo = append(t.undo, func() error { return t.write(rel, old) })
	return nil
}

// swap reads a one-value file (current_tracer, tracing_on, options/*),
// writes val and remembers the old value. Equal values are left alone.
func (t *tracefs) swap(rel, val string) error {
	old, err := t.read(rel)
	if err != nil {
		return err
	}
	if old == val {
		return nil
	}
	return t.set(rel, val, old)
}

// mkdir creates a directory (an instance) and pushes its removal.
func (t *tracefs) mkdir(rel string) error {
	p := t.path(rel)
	fmt.Fprintf(t.log, "mkdir %s\n", p)
	if err := os.Mkdir(p, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", p, err)
	}
	t.undo = append(t.undo, func() error { return t.rmdir(rel) })
	return nil
}

// rmdir removes a directory now, logged; a missing one is no error.
func (t *tracefs) rmdir(rel string) error {
	p := t.path(rel)
	fmt.Fprintf(t.log, "rmdir %s\n", p)
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("rmdir %s: %w", p, err)
	}
	return nil
}

// forget drops the undo steps pushed after mark, for a change undone by hand
// (the probe instance removed right after a look inside).
func (t *tracefs) forget(mark int) { t.undo = t.undo[:mark] }

// restore undoes every change in reverse order. It keeps going past a failed
// step, reports them all, and is a no-op the second time.
func (t *tracefs) restore() error {
	var errs []error
	for i := len(t.undo) - 1; i >= 0; i-- {
		if err := t.undo[i](); err != nil {
			errs = append(errs, err)
		}
	}
	t.undo = nil
	return errors.Join(errs...)
}

// shellQuote quotes s for the logged command when the shell would need it.
func shellQuote(s string) string {
	if s == "" {
		return ""
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:/,+=@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
