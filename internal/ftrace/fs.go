package ftrace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// Filesystem magics from the kernel's include/uapi/linux/magic.h.
const (
	tracefsMagic = 0x74726163
	debugfsMagic = 0x64626720
)

// The places tracefs lives when mountinfo names none: the modern mount
// point, then the one inside debugfs (a tracefs automount since 4.1, part of
// debugfs itself before).
const (
	// DefaultRoot is where tracefs is mounted on modern systems, and
	// where Discover mounts it.
	DefaultRoot      = "/sys/kernel/tracing"
	tracefsPath      = DefaultRoot
	debugTracingPath = "/sys/kernel/debug/tracing"
)

// FS is one tracefs tree.
type FS struct {
	// Root is the directory holding kprobe_events, instances/, events/…
	Root string
	// Mounted says Discover mounted tracefs itself (it stays mounted).
	Mounted bool

	// rmdir removes a directory; tests of a fake tree swap it for one that
	// removes contents too, as the kernel does for an instance.
	rmdir func(string) error
}

// NewFS returns the tracefs tree at root without checking it is one, so
// tests can point it at a fake directory tree.
func NewFS(root string) *FS {
	return &FS{Root: root}
}

// Discover finds the tracefs mount as Find does. When none is mounted it
// mounts tracefs at /sys/kernel/tracing, which needs root (else the error
// wraps ErrNotRoot).
func Discover() (*FS, error) {
	if fs := Find(); fs != nil {
		return fs, nil
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: not mounted, and mounting it: %w", ErrNoTracefs, ErrNotRoot)
	}
	if err := unix.Mount("nodev", tracefsPath, "tracefs", 0, ""); err != nil {
		return nil, fmt.Errorf("%w: mount tracefs at %s: %w", ErrNoTracefs, tracefsPath, err)
	}
	fs := NewFS(tracefsPath)
	fs.Mounted = true
	return fs, nil
}

// Find finds a mounted tracefs without mounting one, nil when there is
// none: /proc/self/mountinfo first, then /sys/kernel/tracing, then
// /sys/kernel/debug/tracing, each checked by its filesystem magic. It is
// the one finder of tracefs; looking at a kernel must touch nothing.
func Find() *FS {
	if f, err := os.Open("/proc/self/mountinfo"); err == nil {
		points := tracefsMounts(f)
		f.Close()
		// Several mounts are common (a container's bind mount besides the
		// host's); the canonical path wins.
		sort.SliceStable(points, func(i, j int) bool { return points[i] == tracefsPath && points[j] != tracefsPath })
		for _, p := range points {
			if hasMagic(p, tracefsMagic) {
				return NewFS(p)
			}
		}
	}
	if hasMagic(tracefsPath, tracefsMagic) {
		return NewFS(tracefsPath)
	}
	if hasMagic(debugTracingPath, tracefsMagic, debugfsMagic) {
		return NewFS(debugTracingPath)
	}
	return nil
}

// tracefsMounts lists the mount points of type tracefs in a mountinfo file
// (proc(5): fields up to " - ", then type and source).
func tracefsMounts(r io.Reader) []string {
	var points []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		fields := strings.Fields(pre)
		typ := strings.Fields(post)
		if len(fields) < 5 || len(typ) < 1 || typ[0] != "tracefs" {
			continue
		}
		points = append(points, unescapeMount(fields[4]))
	}
	return points
}

// unescapeMount undoes mountinfo's octal escapes of space, tab, newline
// and backslash ("\040").
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && isOctal(s[i+1:i+4]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	return true
}

func hasMagic(path string, magics ...int64) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return false
	}
	for _, m := range magics {
		if int64(st.Type) == m {
			return true
		}
	}
	return false
}

// Path joins elems under the root.
func (fs *FS) Path(elems ...string) string {
	return filepath.Join(append([]string{fs.Root}, elems...)...)
}

// Read reads the file rel (slash-separated, under the root).
func (fs *FS) Read(rel string) ([]byte, error) {
	return os.ReadFile(fs.Path(rel))
}

// Exists reports whether rel (slash-separated, under the root) exists.
func (fs *FS) Exists(rel string) bool { return exists(fs.Path(rel)) }

// HasKprobes reports whether the kernel offers kprobe_events.
func (fs *FS) HasKprobes() bool { return exists(fs.Path("kprobe_events")) }

// HasUprobes reports whether the kernel offers uprobe_events.
func (fs *FS) HasUprobes() bool { return exists(fs.Path("uprobe_events")) }

// Events lists the kernel's trace events as "SUBSYS/EVENT", from
// available_events.
func (fs *FS) Events() ([]string, error) {
	data, err := os.ReadFile(fs.Path("available_events"))
	if err != nil {
		return nil, fmt.Errorf("list trace events: %w", err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if sys, ev, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			out = append(out, sys+"/"+ev)
		}
	}
	return out, nil
}

func (fs *FS) removeDir(path string) error {
	if fs.rmdir != nil {
		return fs.rmdir(path)
	}
	return unix.Rmdir(path)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// notExist reports a missing file, however wrapped.
func notExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
