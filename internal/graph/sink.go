package graph

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Mode is how calls are shown.
type Mode string

// The output modes of the original surfGraph.
const (
	ModeSVG  Mode = "svg"  // flame graphs: one per call every Step calls, and the total
	ModeTree Mode = "tree" // indented text with times and shares
	ModeWalk Mode = "walk" // one line per function call, in order, with its depth
	ModeRaw  Mode = "raw"  // the tracer's lines as they come
	// ModeFolded is the calls merged as folded stacks ("a;b;c 12", self
	// time in nanoseconds) for flamegraph.pl, inferno and speedscope.
	ModeFolded Mode = "folded"
)

// RawFuncMark starts the first line of -m raw output: the function the
// capture graphs, so that reading it back (-i) graphs the same one.
const RawFuncMark = "# surftrace graph function: "

// ParseMode checks a -m value; it wraps ErrBadMode.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeSVG, ModeTree, ModeWalk, ModeRaw, ModeFolded:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: %w (svg, tree, walk, folded or raw)", s, ErrBadMode)
}

// sink receives every line and every completed call of one run.
type sink interface {
	line(s string) error
	call(c *Call) error
	close() error
}

func newSink(cfg *Config) sink {
	switch cfg.Mode {
	case ModeRaw:
		return &rawSink{w: cfg.Stdout, fn: cfg.Func}
	case ModeTree:
		return textSink{cfg.Stdout, WriteTree}
	case ModeWalk:
		return &walkSink{w: cfg.Stdout}
	case ModeFolded:
		return &foldedSink{w: cfg.Stdout}
	}
	return &svgSink{w: cfg.Stdout, errw: cfg.Stderr, dir: cfg.OutDir, step: cfg.Step, maxFiles: cfg.MaxFiles}
}

// rawSink passes the tracer's lines through, after a line naming the
// function they graph.
type rawSink struct {
	w      io.Writer
	fn     string
	headed bool
}

func (s *rawSink) line(l string) error {
	if !s.headed && s.fn != "" && !strings.HasPrefix(l, RawFuncMark) {
		if _, err := io.WriteString(s.w, RawFuncMark+s.fn+"\n"); err != nil {
			return err
		}
	}
	s.headed = true
	_, err := io.WriteString(s.w, l+"\n")
	return err
}
func (*rawSink) call(*Call) error { return nil }
func (*rawSink) close() error     { return nil }

// foldedSink merges every call and writes the folded stacks at the end.
type foldedSink struct {
	w     io.Writer
	total *Node
}

func (*foldedSink) line(string) error { return nil }
func (s *foldedSink) call(c *Call) error {
	if s.total == nil {
		s.total = c.Root.Clone()
	} else {
		Merge(s.total, c.Root)
	}
	return nil
}
func (s *foldedSink) close() error {
	if s.total == nil {
		return nil
	}
	return WriteFolded(s.w, s.total)
}

type textSink struct {
	w     io.Writer
	write func(io.Writer, *Call) error
}

func (textSink) line(string) error    { return nil }
func (s textSink) call(c *Call) error { return s.write(s.w, c) }
func (textSink) close() error         { return nil }

type walkSink struct {
	w      io.Writer
	headed bool
}

func (*walkSink) line(string) error { return nil }
func (s *walkSink) call(c *Call) error {
	if !s.headed {
		s.headed = true
		if _, err := io.WriteString(s.w, WalkHeader); err != nil {
			return err
		}
	}
	return WriteWalk(s.w, c)
}
func (*walkSink) close() error { return nil }

// svgSink writes, with a directory, FUNC-<n>.svg for every step-th call (at
// most maxFiles of them) and FUNC-total.svg, the calls merged by path, at
// the end; without one only the merged graph, as FUNC.svg in the current
// directory. It names each file on w as it goes.
type svgSink struct {
	w        io.Writer
	errw     io.Writer
	dir      string
	step     int
	maxFiles int // 0: no limit
	written  int
	skipped  int
	total    *Node
	calls    int
	first    time.Duration // start of the first call, -1 if unknown
}

func (*svgSink) line(string) error { return nil }

func (s *svgSink) call(c *Call) error {
	if s.total == nil {
		s.total, s.first = c.Root.Clone(), c.Time
	} else {
		Merge(s.total, c.Root)
	}
	s.calls++
	if s.dir == "" || s.step <= 0 || (c.Seq-1)%s.step != 0 {
		return nil
	}
	if s.maxFiles > 0 && s.written >= s.maxFiles {
		s.skipped++
		return nil
	}
	s.written++
	name := fmt.Sprintf("%s-%d.svg", fileSafe(c.Root.Name), c.Seq)
	return s.write(name, c.Root, SVGOptions{Subtitle: Describe(c)})
}

func (s *svgSink) close() error {
	if s.total == nil {
		return nil
	}
	avg := s.total.Total / time.Duration(s.calls)
	opt := SVGOptions{
		Title:    fmt.Sprintf("%s: %d calls merged", s.total.Name, s.calls),
		Subtitle: fmt.Sprintf("%s us in all, %s us per call on average", micros(s.total.Total), micros(avg)),
	}
	name := fileSafe(s.total.Name) + "-total.svg"
	if s.dir == "" {
		name = fileSafe(s.total.Name) + ".svg"
	}
	if err := s.write(name, s.total, opt); err != nil {
		return err
	}
	if s.skipped > 0 {
		fmt.Fprintf(s.errw, "graph: %d more per-call graphs not written (at most %d: --max-files N, or -s STEP to take every STEP-th call)\n", s.skipped, s.maxFiles)
	}
	return nil
}

func (s *svgSink) write(name string, root *Node, opt SVGOptions) error {
	p := filepath.Join(s.dir, name)
	f, err := os.Create(p)
	if err != nil {
		return fmt.Errorf("write flame graph: %w", err)
	}
	err = WriteSVG(f, root, opt)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write flame graph %s: %w", p, err)
	}
	_, err = fmt.Fprintf(s.w, "wrote %s\n", p)
	return err
}

// fileSafe keeps a function name usable as a file name (module functions
// print as "name [module]").
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == '[' || r == ']' || r < 0x20 {
			return '_'
		}
		return r
	}, s)
}
