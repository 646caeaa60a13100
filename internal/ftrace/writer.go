package ftrace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Writer makes every change to tracefs. Each change is logged as the
// equivalent shell command, and each one that creates state pushes the step
// that removes it; Close runs those steps newest first, so a set-up that
// stopped half-way is undone exactly as far as it got.
type Writer struct {
	fs  *FS
	log io.Writer

	mu   sync.Mutex
	undo []undoStep
}

type undoStep struct {
	cmd string // the shell form, logged when the step runs; "" is quiet
	run func() error
}

// NewWriter returns a Writer for fs that logs to log (nil: quiet).
func NewWriter(fs *FS, log io.Writer) *Writer {
	return &Writer{fs: fs, log: log}
}

// Write writes value and a newline to path, as `echo value > path`. When
// undo is not empty, Close writes undo to path; nothing is pushed when the
// write fails.
func (w *Writer) Write(path, value, undo string) error {
	if err := w.write(path, value, false); err != nil {
		return err
	}
	if undo != "" {
		w.Defer(path, undo)
	}
	return nil
}

// Append appends line and a newline to path, as `echo line >> path`: the
// kprobe_events/uprobe_events form, where truncating would delete every
// probe on the system. When undo is not empty, Close appends it.
func (w *Writer) Append(path, line, undo string) error {
	if err := w.write(path, line, true); err != nil {
		return err
	}
	if undo != "" {
		w.push(writeForm(undo, path, true), func() error { return w.writeFile(path, undo, true) })
	}
	return nil
}

// Defer pushes a write of value to path for Close without writing now: for
// a file a failed write may still have changed (a filter the kernel
// refused holds the error text and must be cleared).
func (w *Writer) Defer(path, value string) {
	w.push(writeForm(value, path, false), func() error { return w.writeFile(path, value, false) })
}

// Mkdir creates the directory (a trace instance); Close removes it.
func (w *Writer) Mkdir(path string) error {
	w.logf("mkdir %s", shQuote(path))
	if err := unix.Mkdir(path, 0o755); err != nil {
		return &os.PathError{Op: "mkdir", Path: path, Err: err}
	}
	w.push("rmdir "+shQuote(path), func() error { return w.rmdirGone(path) })
	return nil
}

// rmdirGone removes a directory this writer made, where "already gone"
// is success: once a run has let go of its instance (the last step of
// its teardown), another run's stale clean-up may remove it first, and
// the kernel then answers ENOENT or ENODEV.
func (w *Writer) rmdirGone(path string) error {
	err := w.rmdir(path)
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENODEV) {
		return nil
	}
	return err
}

// Rmdir removes a directory now, retrying briefly while the kernel reports
// it busy (a trace_pipe reader still closing).
func (w *Writer) Rmdir(path string) error {
	w.logf("rmdir %s", shQuote(path))
	return w.rmdir(path)
}

// Close runs the undo steps in reverse order. It keeps going past a step
// that fails and returns all failures joined; a second Close does nothing.
func (w *Writer) Close() error {
	return w.Rollback(0)
}

// Rollback runs now, newest first, the undo steps pushed since Pending
// returned mark, and forgets them; older steps stay for Close. It is for a
// change that turned out unneeded part way (an instance made only to see
// what it offers). Like Close it keeps going past a failing step.
func (w *Writer) Rollback(mark int) error {
	w.mu.Lock()
	mark = max(0, min(mark, len(w.undo)))
	steps := w.undo[mark:]
	w.undo = w.undo[:mark:mark] // a later push must not overwrite steps
	w.mu.Unlock()
	var errs []error
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].cmd != "" {
			w.logf("%s", steps[i].cmd)
		}
		if err := steps[i].run(); err != nil {
			errs = append(errs, fmt.Errorf("undo %q: %w", steps[i].cmd, err))
		}
	}
	return errors.Join(errs...)
}

// Pending is the number of undo steps Close would run.
func (w *Writer) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.undo)
}

// Comment logs a line as a shell comment (what a step is for).
func (w *Writer) Comment(format string, args ...any) {
	w.logf("# "+format, args...)
}

// pushQuiet pushes an undo step that is no tracefs change of its own and
// so is not logged (closing a file held open).
func (w *Writer) pushQuiet(run func() error) { w.push("", run) }

func (w *Writer) push(cmd string, run func() error) {
	w.mu.Lock()
	w.undo = append(w.undo, undoStep{cmd: cmd, run: run})
	w.mu.Unlock()
}

func (w *Writer) write(path, value string, appendTo bool) error {
	w.logf("%s", writeForm(value, path, appendTo))
	return w.writeFile(path, value, appendTo)
}

// writeFile does one write(2) of value+"\n": the kernel parses each write
// as one command, and its errno is the answer.
func (w *Writer) writeFile(path, value string, appendTo bool) error {
	flag := os.O_WRONLY | os.O_TRUNC
	if appendTo {
		flag = os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte(value + "\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeForm is the logged shell form of writing value to path. An empty
// value reads as ftrace.rst writes it (`echo > trace`), without the empty
// quoted word shellWrite would give it.
func writeForm(value, path string, appendTo bool) string {
	switch {
	case value != "":
		return shellWrite(value, path, appendTo)
	case appendTo:
		return "echo >> " + shQuote(path)
	}
	return "echo > " + shQuote(path)
}

func (w *Writer) rmdir(path string) error {
	var err error
	for try := 0; try < 40; try++ {
		err = w.fs.removeDir(path)
		if !errors.Is(err, syscall.EBUSY) {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err != nil {
		return &os.PathError{Op: "rmdir", Path: path, Err: err}
	}
	return nil
}

func (w *Writer) logf(format string, args ...any) {
	if w.log == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.log, format+"\n", args...)
}
