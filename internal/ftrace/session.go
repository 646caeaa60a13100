package ftrace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/suggest"
)

// Options configures a Session.
type Options struct {
	// Name is both the event group of the session's probes and the name of
	// its trace instance. Default "surftrace_<pid>": one per process, so
	// two runs never share state, and a later run knows the name as one
	// it may clean up. Names "surftrace_<pid>_<tag>" are owned the same
	// way; the default becomes surftrace_<pid>_2 (_3, …) while a
	// live run in another pid namespace holds surftrace_<pid>.
	Name string
	// Log receives every tracefs change as a shell command; nil is quiet.
	Log io.Writer
	// Stack records the kernel stack under every event (options/stacktrace).
	Stack bool
	// BufferKB sets the instance's per-CPU buffer size; 0 keeps the default.
	BufferKB int
}

// Session is one run's probes, filters and trace instance. Build it with
// Open, Add and Start; Close removes everything, whatever state the set-up
// reached.
type Session struct {
	fs       *FS
	name     string
	stack    bool
	w        *Writer
	instance string

	mu      sync.Mutex
	added   map[string]bool // "SYSTEM/EVENT" already enabled
	pipes   map[*Pipe]struct{}
	started bool
	closed  bool
}

// maxGroupLen is the longest event group name the kernel takes
// (MAX_EVENT_NAME_LEN less the NUL); it applies to event names too.
const maxGroupLen = 63

// validName is what the kernel accepts as an event group or event name.
var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validEventPart is a tracepoint's system or event name (some systems
// start with a digit, as 9p does).
var validEventPart = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// Open starts a session: it removes what runs that are gone left behind
// (see the package doc for how a gone run is told from a live one),
// creates the session's trace instance, holds it open so no other run
// takes it for a leftover, and keeps its tracing off until Start. When
// the default name is held by a live run (the same pid in another pid
// namespace), it takes surftrace_<pid>_2, _3 and so on. Errors may wrap
// ErrNotRoot, ErrNoTracefs or ErrInvalid.
func Open(fs *FS, opts Options) (*Session, error) {
	if opts.Name != "" && (!validName.MatchString(opts.Name) || len(opts.Name) > maxGroupLen) {
		return nil, fmt.Errorf("session name %q: %w", opts.Name, ErrInvalid)
	}
	if err := checkAccess(fs); err != nil {
		return nil, err
	}
	w := NewWriter(fs, opts.Log)
	if err := cleanStale(fs, w); err != nil {
		// Leftovers of another run do not stop this one; say so.
		w.Comment("stale clean-up incomplete: %v", err)
	}
	var s *Session
	for try := 1; ; try++ {
		mark := w.Pending()
		name, err := makeInstance(fs, w, opts.Name)
		if err != nil {
			return nil, err
		}
		s = &Session{
			fs:       fs,
			name:     name,
			stack:    opts.Stack,
			w:        w,
			instance: fs.Path("instances", name),
			added:    make(map[string]bool),
			pipes:    make(map[*Pipe]struct{}),
		}
		// A new instance records from the start; keep it off until Start so
		// no event of a half-built set-up is shown.
		err = s.apply(stopStep)
		if err == nil {
			break
		}
		if (errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENODEV)) && try < 3 {
			// Another run's stale clean-up removed the instance while it
			// was being opened (the kernel lets an rmdir that had begun
			// finish): make it again.
			w.Comment("instance %s removed by another run's clean-up: making it again", name)
			w.Rollback(mark)
			release(name)
			continue
		}
		return nil, errors.Join(err, s.Close())
	}
	if opts.BufferKB > 0 {
		if err := s.w.Write(s.inst("buffer_size_kb"), fmt.Sprint(opts.BufferKB), ""); err != nil {
			return nil, errors.Join(fmt.Errorf("set buffer size: %w", err), s.Close())
		}
	}
	return s, nil
}

// maxNameTries bounds the search for a free default name.
const maxNameTries = 16

// makeInstance claims a name, creates its instance and holds the
// instance open until the session's teardown removes it. An explicit name
// must be free; the default one moves to a tagged name while a live run
// holds it. The name's own leftovers were removed by cleanStale, unless
// live.
func makeInstance(fs *FS, w *Writer, want string) (string, error) {
	base := want
	if base == "" {
		base = fmt.Sprintf("surftrace_%d", os.Getpid())
	}
	gone := 0 // instances removed under us
	for try := 1; try <= maxNameTries; try++ {
		name := base
		if want == "" && try > 1 {
			name = fmt.Sprintf("%s_%d", base, try)
		}
		if !claim(name) {
			if want != "" {
				return "", fmt.Errorf("session %s is already open in this process: %w", name, ErrInvalid)
			}
			continue
		}
		if want == "" && exists(fs.Path("events", name)) {
			// A live run's probes carry this group.
			release(name)
			continue
		}
		err := holdInstance(fs, w, fs.Path("instances", name))
		switch {
		case err == nil:
			return name, nil
		case errors.Is(err, syscall.EEXIST) && want == "":
			release(name)
			continue
		case (errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENODEV)) && gone < 3:
			// Another run's clean-up removed the instance between our
			// mkdir and open (the open then fails with ENODEV, or ENOENT
			// once the directory is gone): make it again.
			release(name)
			gone++
			try--
			continue
		}
		release(name)
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
			return "", fmt.Errorf("create trace instance: %w: %w", ErrNotRoot, err)
		}
		if errors.Is(err, syscall.EEXIST) {
			return "", fmt.Errorf("create trace instance %s: in use by a live run: %w", name, err)
		}
		return "", fmt.Errorf("create trace instance: %w", err)
	}
	return "", fmt.Errorf("create trace instance: %s and %d tagged names are all in use by live runs", base, maxNameTries-1)
}

// holdInstance creates the instance and opens its tracing_on for reading.
// The open file makes the kernel refuse rmdir (EBUSY), so another run's
// stale clean-up leaves this one alone; the teardown closes it just
// before its rmdir.
func holdInstance(fs *FS, w *Writer, path string) error {
	mark := w.Pending()
	if err := w.Mkdir(path); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(path, "tracing_on"))
	if err != nil {
		w.Rollback(mark)
		return err
	}
	w.pushQuiet(f.Close)
	return nil
}

func checkAccess(fs *FS) error {
	if _, err := os.Stat(fs.Path("instances")); err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("%s: %w", fs.Root, ErrNotRoot)
		}
		return fmt.Errorf("%w: %s has no instances directory: %w", ErrNoTracefs, fs.Root, err)
	}
	if err := unix.Access(fs.Path("instances"), unix.W_OK); err != nil {
		return fmt.Errorf("%s: %w", fs.Root, ErrNotRoot)
	}
	return nil
}

// Name is the session's event group and instance name.
func (s *Session) Name() string { return s.name }

// Instance is the path of the session's trace instance.
func (s *Session) Instance() string { return s.instance }

// FS is the tracefs the session writes to.
func (s *Session) FS() *FS { return s.fs }

// EventOf names the event a definition produces in this session: the
// session's group and the probe's name for a dynamic probe, the target's
// SUBSYS and EVENT for a tracepoint. ReadFormat takes the pair.
func (s *Session) EventOf(d *probe.Def) (system, event string) {
	if d.Kind.IsDynamic() {
		return s.name, d.Name
	}
	system, event, _ = strings.Cut(d.Target, "/")
	return system, event
}

func (s *Session) inst(elems ...string) string {
	return filepath.Join(append([]string{s.instance}, elems...)...)
}

// Add registers each definition, writes its filter and enables it in the
// session's instance. On an error the set-up stops there and the caller
// calls Close, which undoes what was done. Errors name the probe and may be
// a *KernelError, or wrap ErrNoKprobes, ErrNoUprobes, ErrNoEvent or
// ErrInvalid.
func (s *Session) Add(defs []*probe.Def) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("add probes: session %w", ErrClosed)
	}
	for _, d := range defs {
		if err := s.add(d); err != nil {
			return fmt.Errorf("probe %s: %w", d.Name, err)
		}
	}
	return nil
}

func (s *Session) add(d *probe.Def) error {
	if err := checkDef(d); err != nil {
		return err
	}
	sys, ev := s.EventOf(d)
	key := sys + "/" + ev
	if s.added[key] {
		return fmt.Errorf("event %s added twice: %w", key, ErrInvalid)
	}
	if !d.Kind.IsDynamic() && !exists(s.inst("events", sys, ev)) {
		return s.noEvent(key)
	}
	for _, st := range defSteps(d) {
		if !st.appendTo {
			s.added[key] = true
		}
		if err := s.addStep(st); err != nil {
			return err
		}
		// The event exists once its id does; anything else means the
		// kernel took the line but made no event we can enable.
		if st.appendTo && !exists(s.fs.Path("events", s.name, d.Name, "id")) {
			return fmt.Errorf("probe accepted but events/%s/%s/id is missing: %w", s.name, d.Name, ErrNoEvent)
		}
	}
	return nil
}

// addStep performs one step of a definition. A refusal becomes a
// *KernelError with the kernel's own explanation when it left one: in
// error_log for a definition or a filter, in the filter file on kernels
// without error_log.
func (s *Session) addStep(st step) error {
	path := s.stepPath(st)
	val, undo := withGroup(st.val, s.name), withGroup(st.undo, s.name)
	if st.appendTo && !exists(path) {
		if filepath.Base(path) == "uprobe_events" {
			return ErrNoUprobes
		}
		return ErrNoKprobes
	}
	logPath := ""
	var before []logEntry
	switch {
	case st.appendTo:
		logPath = s.fs.Path("error_log")
	case st.isFilter():
		// A filter's refusal is logged in the instance it was set in.
		logPath = s.inst("error_log")
	}
	if logPath != "" {
		before = readErrorLog(logPath)
	}
	var err error
	if st.appendTo {
		err = s.w.Append(path, val, undo)
	} else {
		err = s.w.Write(path, val, undo)
	}
	if err == nil {
		return nil
	}
	kerr := s.kernelError(st.op, path, val, err, logPath, before)
	if st.early && !notExist(err) {
		s.w.Defer(path, undo)
	}
	return kerr
}

// apply performs a step of the instance's own set-up.
func (s *Session) apply(st step) error {
	if err := s.w.Write(s.stepPath(st), st.val, st.undo); err != nil {
		return fmt.Errorf("%s: %w", st.op, err)
	}
	return nil
}

// stepPath is where a step writes in this session.
func (s *Session) stepPath(st step) string {
	elems := make([]string, len(st.path))
	for i, e := range st.path {
		elems[i] = withGroup(e, s.name)
	}
	if st.root {
		return s.fs.Path(elems...)
	}
	return s.inst(elems...)
}

func checkDef(d *probe.Def) error {
	if strings.ContainsAny(d.Filter, "\n\r") {
		return fmt.Errorf("filter holds a newline: %w", ErrInvalid)
	}
	if !d.Kind.IsDynamic() {
		sys, ev, ok := strings.Cut(d.Target, "/")
		if d.Kind != probe.Event || !ok || !validEventPart.MatchString(sys) || !validEventPart.MatchString(ev) {
			return fmt.Errorf("tracepoint %q is not SUBSYS/EVENT: %w", d.Target, ErrInvalid)
		}
		return nil
	}
	if !validName.MatchString(d.Name) || len(d.Name) > maxGroupLen {
		return fmt.Errorf("event name %q: %w", d.Name, ErrInvalid)
	}
	if strings.ContainsAny(d.Line("g"), "\n\r") {
		return fmt.Errorf("definition holds a newline: %w", ErrInvalid)
	}
	return nil
}

// kernelError turns a failed write into a *KernelError carrying the
// kernel's own explanation when it left one.
func (s *Session) kernelError(op, path, cmd string, err error, logPath string, before []logEntry) error {
	errno := errnoOf(err)
	if errno == 0 {
		return fmt.Errorf("%s: %w", op, err)
	}
	ke := &KernelError{Op: op, Path: path, Command: cmd, Errno: errno, Pos: -1}
	if logPath != "" {
		if e, pos, ok := newLogEntry(before, readErrorLog(logPath), cmd); ok {
			ke.Log, ke.Pos = e.Message, pos
			return ke
		}
	}
	if isFilter(path) {
		if content, rerr := os.ReadFile(path); rerr == nil {
			ke.Log, ke.Pos = parseFilterError(string(content), cmd)
		}
	}
	return ke
}

// noEvent reports a missing tracepoint with the nearest names the kernel has.
func (s *Session) noEvent(key string) error {
	all, err := s.fs.Events()
	if err == nil {
		if near := suggest.Typos(key, all, 3); len(near) > 0 {
			return fmt.Errorf("%w: %s (did you mean %s?)", ErrNoEvent, key, strings.Join(near, ", "))
		}
	}
	return fmt.Errorf("%w: %s", ErrNoEvent, key)
}

// Start turns on tracing in the instance, with kernel stacks if asked.
func (s *Session) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("start tracing: session %w", ErrClosed)
	}
	if s.started {
		return nil
	}
	for _, st := range startSteps(s.stack) {
		if err := s.apply(st); err != nil {
			return err
		}
	}
	s.started = true
	return nil
}

// Close stops reading, disables every event, clears the filters, removes
// the probes and the instance, logging each step. It keeps going past a
// step that fails and returns the failures; a second Close does nothing.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	pipes := s.pipes
	s.pipes = nil
	s.mu.Unlock()
	// An open trace_pipe keeps the instance busy: readers go first.
	for p := range pipes {
		p.Close()
	}
	err := s.w.Close()
	release(s.name)
	if err != nil {
		return fmt.Errorf("tear down %s: %w", s.name, err)
	}
	return nil
}

// The session names open in this process: a group or instance of this
// pid whose name is not here is a leftover of an earlier process.
var live = struct {
	sync.Mutex
	names map[string]bool
}{names: make(map[string]bool)}

func claim(name string) bool {
	live.Lock()
	defer live.Unlock()
	if live.names[name] {
		return false
	}
	live.names[name] = true
	return true
}

func release(name string) {
	live.Lock()
	delete(live.names, name)
	live.Unlock()
}

func isLive(name string) bool {
	live.Lock()
	defer live.Unlock()
	return live.names[name]
}
