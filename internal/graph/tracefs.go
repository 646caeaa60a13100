package graph

import (
	"fmt"
	"io"
	"strings"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// tracefs is a run's view of tracefs: paths relative to the root, and every
// change made through ftrace's Writer, which logs it as a shell command and
// undoes it on restore. What it adds is what the Writer leaves to its
// callers: reading a one-value file so a swap can put the old value back.
type tracefs struct {
	fs *ftrace.FS
	w  *ftrace.Writer
}

// openTracefs returns the tracefs at root, or the one ftrace finds (or
// mounts, logged) when root is empty.
func openTracefs(root string, log io.Writer) (*tracefs, error) {
	var fs *ftrace.FS
	if root != "" {
		fs = ftrace.NewFS(root)
	} else {
		var err error
		if fs, err = ftrace.Discover(); err != nil {
			return nil, err
		}
		if fs.Mounted && log != nil {
			fmt.Fprintf(log, "mount -t tracefs nodev %s\n", fs.Root)
		}
	}
	return &tracefs{fs: fs, w: ftrace.NewWriter(fs, log)}, nil
}

func (t *tracefs) path(rel string) string { return t.fs.Path(rel) }

// read returns a file's content without its trailing newline.
func (t *tracefs) read(rel string) (string, error) {
	b, err := t.fs.Read(rel)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", t.path(rel), err)
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// write replaces a file's content, logged and not undone: for what the
// kernel resets by itself, like clearing `trace`.
func (t *tracefs) write(rel, val string) error {
	if err := t.w.Write(t.path(rel), val, ""); err != nil {
		return fmt.Errorf("write %q to %s: %w", val, rel, err)
	}
	return nil
}

// set writes val and pushes the write of the old value. old is the value to
// restore, even when empty: the caller read it (some files print it
// differently from how they take it, like set_graph_function's
// "#### all functions enabled ####").
func (t *tracefs) set(rel, val, old string) error {
	if err := t.write(rel, val); err != nil {
		return err
	}
	t.w.Defer(t.path(rel), old)
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

// restore undoes every change in reverse order; a second call does nothing.
func (t *tracefs) restore() error { return t.w.Close() }
