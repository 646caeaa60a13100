package ftrace

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// ownedName matches the groups and instances a surftrace process owns:
// surftrace_<pid>, or surftrace_<pid>_<tag> for several sessions of one
// process. The original's fixed "surftrace" instance is not ours to touch.
var ownedName = regexp.MustCompile(`^surftrace_([0-9]+)(?:_[A-Za-z0-9_]+)?$`)

// errInUse: a name's instance is held open by a live run.
var errInUse = errors.New("instance in use")

// leftover is what one owned name holds in tracefs.
type leftover struct {
	probes   []probeRef
	instance bool
}

// probeRef is one dynamic event: the *_events file it lives in and its name.
type probeRef struct{ file, event string }

// cleanStale removes what surftrace runs that are gone left in tracefs,
// logging each step; names this process holds are skipped. Which run is
// gone is the kernel's word, never /proc's (see the package doc): a pid
// says nothing across pid namespaces.
func cleanStale(fs *FS, w *Writer) error {
	owned := scanOwned(fs)
	names := make([]string, 0, len(owned))
	for name := range owned {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		if isLive(name) {
			continue
		}
		if err := removeStale(fs, w, name, owned[name]); err != nil && !errors.Is(err, errInUse) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// scanOwned finds every owned group in kprobe_events and uprobe_events and
// every owned instance. The groups are read first: a run makes its
// instance before its probes, so a group seen here whose instance is
// missing below has none (its run is gone or tearing down), never one
// made in between.
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

// removeStale removes name's instance, and its probes only once the
// instance is gone. rmdir is the liveness test: the kernel refuses it
// (EBUSY) while any file of the instance is open, and a live run holds
// one from creating the instance to removing it; then the name is left
// alone and errInUse returned. Nothing is disabled first: removing the
// instance disables its events, and writing 0 into a live run's enable
// or tracing_on would silence it.
func removeStale(fs *FS, w *Writer, name string, l *leftover) error {
	if l.instance {
		path := fs.Path("instances", name)
		err := fs.removeDir(path)
		switch {
		case err == nil:
			w.Comment("removing %s: its instance was not in use, its run is gone", name)
			w.logf("rmdir %s", shQuote(path))
		case errors.Is(err, unix.EBUSY):
			return fmt.Errorf("%s: %w", name, errInUse)
		case errors.Is(err, unix.ENOENT):
			// Another run's clean-up was first.
		default:
			return fmt.Errorf("remove instance %s: %w", name, err)
		}
	} else if len(l.probes) > 0 {
		w.Comment("removing %s: its probes have no trace instance, their run is gone", name)
	}
	var errs []error
	for _, p := range l.probes {
		del := "-:" + name + "/" + p.event
		err := w.Append(fs.Path(p.file), del, "")
		if errors.Is(err, unix.EBUSY) && disableTop(fs, w, name, p.event) {
			err = w.Append(fs.Path(p.file), del, "")
		}
		switch {
		case err == nil, errors.Is(err, unix.ENOENT):
			// ENOENT: another run cleaning at the same moment was first.
		case errors.Is(err, unix.EBUSY):
			errs = append(errs, fmt.Errorf("remove %s/%s: still enabled in another trace instance; disable it there first: %w", name, p.event, err))
		default:
			errs = append(errs, fmt.Errorf("remove %s/%s: %w", name, p.event, err))
		}
	}
	return errors.Join(errs...)
}

// disableTop disables a gone run's event in the top-level buffer, where a
// person may have enabled it by hand, and says whether it wrote. Its
// enable files in instances are left alone: those belong to other runs.
func disableTop(fs *FS, w *Writer, name, event string) bool {
	enable := fs.Path("events", name, event, "enable")
	data, err := os.ReadFile(enable)
	if err != nil || strings.TrimSpace(string(data)) == "0" {
		return false
	}
	return w.Write(enable, "0", "") == nil
}
