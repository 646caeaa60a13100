package ftrace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// ownedName matches the groups and instances a surftrace process owns:
// surftrace_<pid>, or surftrace_<pid>_<tag> for several sessions of one
// process. The original's fixed "surftrace" instance is not ours to touch.
var ownedName = regexp.MustCompile(`^surftrace_([0-9]+)(?:_[A-Za-z0-9_]+)?$`)

// leftover is what one owned name holds in tracefs.
type leftover struct {
	probes   []probeRef
	instance bool
}

// probeRef is one dynamic event: the *_events file it lives in and its name.
type probeRef struct{ file, event string }

// startSlack absorbs the granularity of process start times (clock ticks)
// and of the conversion between wall and boot clocks.
const startSlack = 2 * time.Second

// cleanStale removes the probes and instances of surftrace runs that are
// gone, logging each step; those of live runs are never touched. A run is
// gone when its pid does not exist, when the pid now belongs to a process
// started after the leftovers were made (pid reuse), or, for our own pid,
// when no session of this process holds the name.
func cleanStale(fs *FS, w *Writer, self int) error {
	owned := scanOwned(fs)
	names := make([]string, 0, len(owned))
	for name := range owned {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		why, stale := staleReason(fs, name, self)
		if !stale {
			continue
		}
		w.Comment("removing %s: %s", name, why)
		if err := removeOwned(fs, w, name, owned[name]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// scanOwned finds every owned group in kprobe_events and uprobe_events and
// every owned instance.
func scanOwned(fs *FS) map[string]*leftover {
	owned := make(map[string]*leftover)
	get := func(name string) *leftover {
		if owned[name] == nil {
			owned[name] = &leftover{}
		}
		return owned[name]
	}
	for _, file := range []string{"kprobe_events", "uprobe_events"} {
		data, err := os.ReadFile(fs.Path(file))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			group, event, ok := probeName(line)
			if ok && ownedName.MatchString(group) {
				l := get(group)
				l.probes = append(l.probes, probeRef{file: file, event: event})
			}
		}
	}
	entries, _ := os.ReadDir(fs.Path("instances"))
	for _, e := range entries {
		if e.IsDir() && ownedName.MatchString(e.Name()) {
			get(e.Name()).instance = true
		}
	}
	return owned
}

// probeName splits a kprobe_events/uprobe_events line
// ("p:GROUP/EVENT target args", "r4:GROUP/EVENT …") into group and event.
func probeName(line string) (group, event string, ok bool) {
	head, _, _ := strings.Cut(strings.TrimSpace(line), " ")
	_, name, ok := strings.Cut(head, ":")
	if !ok {
		return "", "", false
	}
	if group, event, ok = strings.Cut(name, "/"); !ok {
		return "", "", false
	}
	return group, event, true
}

// staleReason says whether name's owner is gone and why.
func staleReason(fs *FS, name string, self int) (string, bool) {
	m := ownedName.FindStringSubmatch(name)
	pid, err := strconv.Atoi(m[1])
	if err != nil {
		return "", false
	}
	if pid == self {
		if isLive(name) {
			return "", false
		}
		return fmt.Sprintf("left by an earlier process with pid %d", pid), true
	}
	start, err := procStart(pid)
	if err != nil {
		if notExist(err) {
			return fmt.Sprintf("pid %d has exited", pid), true
		}
		return "", false
	}
	// The leftovers were made at or before their timestamps; a process
	// started after that cannot have made them.
	if made, ok := madeAt(fs, name); ok && start > made+startSlack {
		return fmt.Sprintf("pid %d has exited (the pid now belongs to a newer process)", pid), true
	}
	return "", false
}

// procStart is when pid started, as time since boot (/proc/PID/stat field
// 22, in USER_HZ ticks, which is 100 on every Linux architecture).
func procStart(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: count from the last ')'.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(data[i+1:]))
	const startField = 22 - 3 // fields 1 and 2 are before ')'
	if len(fields) <= startField {
		return 0, fmt.Errorf("parse /proc/%d/stat: %d fields", pid, len(fields))
	}
	ticks, err := strconv.ParseUint(fields[startField], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(ticks) * (time.Second / 100), nil
}

// madeAt is the latest time, as time since boot, by which name's
// leftovers existed: the instance's timestamp (its creation), else the
// event group directory's (set when first looked up, so no earlier than
// creation). Both are wall-clock times, brought to the boot clock.
func madeAt(fs *FS, name string) (time.Duration, bool) {
	var ts time.Time
	for _, p := range []string{fs.Path("instances", name), fs.Path("events", name)} {
		if st, err := os.Stat(p); err == nil {
			if ts.IsZero() || st.ModTime().Before(ts) {
				ts = st.ModTime()
			}
		}
	}
	if ts.IsZero() {
		return 0, false
	}
	var now unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &now); err != nil {
		return 0, false
	}
	return time.Duration(now.Nano()) - time.Since(ts), true
}

// removeOwned disables name's events everywhere (the kernel refuses to
// remove an enabled probe), removes its probes, then its instance.
func removeOwned(fs *FS, w *Writer, name string, l *leftover) error {
	var errs []error
	dirs := []string{fs.Root}
	if entries, err := os.ReadDir(fs.Path("instances")); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, fs.Path("instances", e.Name()))
			}
		}
	}
	if len(l.probes) > 0 {
		for _, dir := range dirs {
			enable := filepath.Join(dir, "events", name, "enable")
			data, err := os.ReadFile(enable)
			if err != nil || strings.TrimSpace(string(data)) == "0" {
				continue
			}
			if err := w.Write(enable, "0", ""); err != nil && !notExist(err) {
				errs = append(errs, fmt.Errorf("disable %s: %w", enable, err))
			}
		}
	}
	for _, p := range l.probes {
		// Another run cleaning at the same moment may have been first.
		if err := w.Append(fs.Path(p.file), "-:"+name+"/"+p.event, ""); err != nil && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("remove %s/%s: %w", name, p.event, err))
		}
	}
	if l.instance {
		if err := w.Rmdir(fs.Path("instances", name)); err != nil && !notExist(err) {
			errs = append(errs, fmt.Errorf("remove instance %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
