package trace

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// Capability bits (linux/capability.h) that let a process trace.
const (
	capSysAdmin = 21
	capPerfmon  = 38
)

// ErrNoPermission is a tracing run this process may not make; the
// message says who may.
var ErrNoPermission = errors.New("permission denied")

// CheckAccess fails with the real reason when this process may not
// write tracefs: without it every probe file looks absent, and a message
// about kernel configuration would send the user the wrong way.
func CheckAccess(root string) error {
	path := filepath.Join(root, "instances")
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		path = root
	}
	err := unix.Faccessat(unix.AT_FDCWD, path, unix.W_OK, unix.AT_EACCESS)
	if err == nil || !errors.Is(err, unix.EACCES) && !errors.Is(err, unix.EPERM) {
		return nil
	}
	return permissionError(root)
}

// permissionError says that tracing needs root, and how to ask for it.
func permissionError(root string) error {
	who := fmt.Sprintf("uid %d", os.Geteuid())
	if hasCap(capSysAdmin) || hasCap(capPerfmon) {
		return fmt.Errorf("%w: %s is not writable by %s (it has CAP_SYS_ADMIN/CAP_PERFMON, but tracefs is mode %s); run it as root: %s",
			ErrNoPermission, root, who, tracefsMode(root), sudoLine())
	}
	return fmt.Errorf("%w: tracing needs root (or CAP_SYS_ADMIN/CAP_PERFMON with a writable %s), and %s has neither; run it as root: %s",
		ErrNoPermission, root, who, sudoLine())
}

func tracefsMode(root string) string {
	st, err := os.Stat(root)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%o", st.Mode().Perm())
}

// hasCap reads this process's effective capabilities from /proc.
func hasCap(bit uint) bool {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && n&(1<<bit) != 0
		}
	}
	return false
}

// sudoLine is this command line again under sudo, quoted for the shell.
func sudoLine() string {
	words := []string{"sudo", filepath.Base(os.Args[0])}
	for _, a := range os.Args[1:] {
		words = append(words, ShellWord(a))
	}
	return strings.Join(words, " ")
}

// ShellWord quotes s for a POSIX shell when it needs it.
func ShellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '=' || r == ':' || r == ',' || r == '+' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TracefsError turns tracefs discovery failing for want of root into the
// permission error.
func TracefsError(err error) error {
	if errors.Is(err, ftrace.ErrNotRoot) {
		return permissionError(ftrace.DefaultRoot)
	}
	return err
}
