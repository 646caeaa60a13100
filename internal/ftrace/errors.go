package ftrace

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/surftrace/surftrace/internal/probe"
)

// Sentinel errors callers branch on. Errors returned by this package wrap
// them with context; test with errors.Is.
var (
	// ErrNoKprobes: the kernel cannot create kprobe events.
	ErrNoKprobes = errors.New("kernel has no kprobe events (needs CONFIG_KPROBES and CONFIG_KPROBE_EVENTS)")
	// ErrNoUprobes: the kernel cannot create uprobe events.
	ErrNoUprobes = errors.New("kernel has no uprobe events (needs CONFIG_UPROBE_EVENTS)")
	// ErrNoEvent: a tracepoint (or a probe's event directory) does not exist.
	ErrNoEvent = errors.New("no such trace event")
	// ErrNotRoot: tracefs is not writable by this process.
	ErrNotRoot = errors.New("tracing needs root")
	// ErrNoTracefs: no tracefs or debugfs tracing directory was found.
	ErrNoTracefs = errors.New("tracefs not found")
	// ErrInvalid: a probe definition or name this package refuses before
	// writing anything (a newline, an empty or odd name).
	ErrInvalid = errors.New("invalid definition")
	// ErrClosed: the session or pipe was closed.
	ErrClosed = errors.New("closed")
)

// KernelError is a write the kernel refused. It carries what was written
// and, when the kernel keeps an error_log (5.10+) or writes the reason into
// a filter file, the kernel's own message and the column it pointed at, so
// a caller can draw a caret under the user's expression.
type KernelError struct {
	Op      string        // what was being done: "add probe", "set filter", "enable event"
	Path    string        // the tracefs file written
	Command string        // the bytes written, without the trailing newline
	Errno   syscall.Errno // the write's errno
	Log     string        // the kernel's message ("Invalid register name"), "" if none
	Pos     int           // byte offset in Command the kernel pointed at, -1 if none
}

// Error reads "add probe: write uprobe_events: bad definition
// (invalid argument): kernel says: Invalid register name".
func (e *KernelError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: write %s: %s", e.Op, filepath.Base(e.Path), e.Meaning())
	if e.Errno != 0 {
		fmt.Fprintf(&b, " (%v)", e.Errno)
	}
	if e.Log != "" {
		fmt.Fprintf(&b, ": kernel says: %s", e.Log)
	}
	return b.String()
}

// Unwrap exposes the errno and, where one fits, a sentinel: ErrNoEvent for
// a missing event file, ErrNotRoot for a permission error.
func (e *KernelError) Unwrap() []error {
	errs := []error{e.Errno}
	switch e.Errno {
	case syscall.ENOENT:
		if !isProbeEvents(e.Path) {
			errs = append(errs, ErrNoEvent)
		}
	case syscall.EPERM, syscall.EACCES:
		if !isFilter(e.Path) {
			errs = append(errs, ErrNotRoot)
		}
	}
	return errs
}

// Meaning is what the errno means for the file written, following the
// kernel's trace_probe and event filter code.
func (e *KernelError) Meaning() string {
	events := isProbeEvents(e.Path)
	switch e.Errno {
	case syscall.ENOENT:
		if events {
			return "unknown symbol or file"
		}
		return "no such event"
	case syscall.EILSEQ:
		return "not an instruction boundary"
	case syscall.ERANGE:
		return "offset past the end of the function"
	case syscall.EEXIST:
		return "event already exists"
	case syscall.EBUSY:
		return "event still enabled or in use"
	case syscall.EINVAL:
		if isFilter(e.Path) {
			return "bad filter"
		}
		return "bad definition"
	case syscall.E2BIG:
		return "definition too long or too many arguments"
	case syscall.EPERM, syscall.EACCES:
		// The filter parser answers some syntax errors with EPERM.
		if isFilter(e.Path) {
			return "bad filter"
		}
		return "permission denied (root needed, or kernel lockdown)"
	case syscall.ENOMEM:
		return "out of memory"
	case 0:
		return "refused"
	}
	return e.Errno.Error()
}

// Arg returns the index in d.Args of the argument the kernel pointed at in
// a refused definition line (Command is d's line), or -1 when it pointed
// at the event name or probe point, or at nothing. The caller can then
// underline that argument of the user's expression.
func (e *KernelError) Arg(d *probe.Def) int {
	if e.Pos < 0 || !isProbeEvents(e.Path) {
		return -1
	}
	end := len(e.Command)
	for i := len(d.Args) - 1; i >= 0; i-- {
		word := " " + d.Args[i].Name + "=" + d.Args[i].Fetch
		if !strings.HasSuffix(e.Command[:end], word) {
			return -1
		}
		if e.Pos >= end-len(word) && e.Pos < end {
			return i
		}
		end -= len(word)
	}
	return -1
}

func isFilter(path string) bool { return filepath.Base(path) == "filter" }

func isProbeEvents(path string) bool {
	b := filepath.Base(path)
	return b == "kprobe_events" || b == "uprobe_events" || b == "dynamic_events"
}

// errnoOf digs the errno out of an *os.PathError or similar.
func errnoOf(err error) syscall.Errno {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return 0
}
