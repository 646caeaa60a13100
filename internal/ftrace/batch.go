package ftrace

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
)

// batchBytes bounds one write of definitions or removals. The kernel
// parses a write line by line whatever its size; the bound only keeps the
// logged shell command and a failed write's error report readable.
const batchBytes = 64 << 10

// AddBatch registers many dynamic probes of one kind (all kernel or all
// user) with one write of many lines per batchBytes to
// kprobe_events/uprobe_events and writes each non-empty filter; the
// probes stay disabled until EnableGroup. Registering
// one probe per write costs a round of event-directory creation and an
// error_log read each; a thousand probes in a batch take a fraction of a
// second where they take several one by one.
//
// Close removes the probes in batches too. The kernel stops a write at
// the first line it refuses, so on an error the probes before it exist
// (Close removes them) and the error names the refused definition. Errors
// are like Add's.
func (s *Session) AddBatch(defs []*probe.Def) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("add probes: session %w", ErrClosed)
	}
	if len(defs) == 0 {
		return nil
	}
	user := defs[0].Kind.IsUser()
	for _, d := range defs {
		if !d.Kind.IsDynamic() || d.Kind.IsUser() != user {
			return fmt.Errorf("probe %s: a batch holds kernel probes or user probes, not both, and no tracepoints: %w", d.Name, ErrInvalid)
		}
		if err := checkDef(d); err != nil {
			return fmt.Errorf("probe %s: %w", d.Name, err)
		}
		if s.added[s.name+"/"+d.Name] {
			return fmt.Errorf("probe %s: event %s/%s added twice: %w", d.Name, s.name, d.Name, ErrInvalid)
		}
	}
	file, missing := "kprobe_events", ErrNoKprobes
	if user {
		file, missing = "uprobe_events", ErrNoUprobes
	}
	path := s.fs.Path(file)
	if !exists(path) {
		return missing
	}
	// One undo step for the whole group, pushed before the first write so
	// that a write the kernel refused half-way is undone as far as it got.
	s.w.push(fmt.Sprintf("# remove the probes of %s from %s", s.name, file), func() error {
		return s.removeBatch(path, defs)
	})
	logPath := s.fs.Path("error_log")
	for start := 0; start < len(defs); {
		var b strings.Builder
		end := start
		for end < len(defs) && (end == start || b.Len() < batchBytes) {
			if end > start {
				b.WriteByte('\n')
			}
			b.WriteString(defs[end].Line(s.name))
			end++
		}
		before := readErrorLog(logPath)
		if err := s.w.write(path, b.String(), true); err != nil {
			bad := start
			for bad < end && exists(s.fs.Path("events", s.name, defs[bad].Name, "id")) {
				bad++
			}
			if bad == end {
				bad = start
			}
			return fmt.Errorf("probe %s: %w", defs[bad].Name, s.kernelError("add probe", path, defs[bad].Line(s.name), err, logPath, before))
		}
		start = end
	}
	for _, d := range defs {
		if !exists(s.fs.Path("events", s.name, d.Name, "id")) {
			return fmt.Errorf("probe %s: probe accepted but events/%s/%s/id is missing: %w", d.Name, s.name, d.Name, ErrNoEvent)
		}
		s.added[s.name+"/"+d.Name] = true
	}
	for _, d := range defs {
		if d.Filter == "" {
			continue
		}
		fpath := s.inst("events", s.name, d.Name, "filter")
		ilog := s.inst("error_log")
		before := readErrorLog(ilog)
		if err := s.w.Write(fpath, d.Filter, "0"); err != nil {
			kerr := s.kernelError("set filter", fpath, d.Filter, err, ilog, before)
			if !notExist(err) {
				s.w.Defer(fpath, "0")
			}
			return fmt.Errorf("probe %s: %w", d.Name, kerr)
		}
	}
	return nil
}

// EnableGroup enables every probe of the session's group in its instance
// with one write (Close disables them again). AddBatch leaves them off so
// that registering and arming, whose costs differ, can be timed apart.
func (s *Session) EnableGroup() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("enable probes: session %w", ErrClosed)
	}
	epath := s.inst("events", s.name, "enable")
	if err := s.w.Write(epath, "1", "0"); err != nil {
		return fmt.Errorf("enable group %s: %w", s.name, s.kernelError("enable events", epath, "1", err, "", nil))
	}
	return nil
}

// DisableGroup disables the group's probes now, before Close removes
// them; it lets a caller time disarming apart from removal.
func (s *Session) DisableGroup() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	epath := s.inst("events", s.name, "enable")
	if err := s.w.write(epath, "0", false); err != nil {
		return fmt.Errorf("disable group %s: %w", s.name, err)
	}
	return nil
}

// removeBatch removes those of defs that exist, many per write. A write
// the kernel refuses (a probe still busy) is retried line by line so one
// stuck probe does not keep the others.
func (s *Session) removeBatch(path string, defs []*probe.Def) error {
	var lines []string
	for _, d := range defs {
		if exists(s.fs.Path("events", s.name, d.Name)) {
			lines = append(lines, "-:"+s.name+"/"+d.Name)
		}
	}
	var errs []error
	for start := 0; start < len(lines); {
		end, n := start, 0
		for end < len(lines) && (end == start || n < batchBytes) {
			n += len(lines[end]) + 1
			end++
		}
		chunk := lines[start:end]
		if err := s.w.write(path, strings.Join(chunk, "\n"), true); err != nil {
			for _, l := range chunk {
				if !exists(s.fs.Path("events", s.name, l[len("-:"+s.name+"/"):])) {
					continue
				}
				if err := s.w.writeFile(path, l, true); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, fmt.Errorf("%s: %w", l, err))
				}
			}
		}
		start = end
	}
	return errors.Join(errs...)
}
