package ftrace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Pipe reads a trace instance's trace_pipe. A blocking read of trace_pipe
// does not return when the file is closed, so the file is opened
// non-blocking and waited on through Go's poller (epoll): Close, from any
// goroutine, wakes a blocked Read at once.
type Pipe struct {
	f        *os.File
	pollable bool
	closed   atomic.Bool
	done     chan struct{}
	once     sync.Once
	onClose  func()
}

// Waiting bounds. recheck wakes a poll-waiting Read now and then in case
// a kernel's poll misses a wake-up (trace_pipe's poll has had watermark
// bugs); idle paces reads of a file that cannot be polled or reports end
// of file (tracing turned off).
const (
	recheck = time.Second
	idle    = 50 * time.Millisecond
)

func openPipe(path string) (*Pipe, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open trace pipe: %w", err)
	}
	p := &Pipe{f: f, done: make(chan struct{})}
	p.pollable = f.SetReadDeadline(time.Time{}) == nil
	return p, nil
}

// Pipe opens the session's trace_pipe. Events read through it are
// consumed: open one per session. Close the session or the pipe to stop it.
func (s *Session) Pipe() (*Pipe, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("open trace pipe: session %w", ErrClosed)
	}
	p, err := openPipe(s.inst("trace_pipe"))
	if err != nil {
		return nil, err
	}
	s.pipes[p] = struct{}{}
	p.onClose = func() {
		s.mu.Lock()
		delete(s.pipes, p)
		s.mu.Unlock()
	}
	return p, nil
}

// Read blocks until events arrive and returns whole trace lines as the
// kernel formats them (a few KiB per call at most: the kernel fills one
// page per read). After Close it returns io.EOF.
func (p *Pipe) Read(b []byte) (int, error) {
	for {
		if p.closed.Load() {
			return 0, io.EOF
		}
		if p.pollable {
			p.f.SetReadDeadline(time.Now().Add(recheck))
		}
		n, err := p.f.Read(b)
		if n > 0 {
			return n, nil
		}
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			continue
		case errors.Is(err, os.ErrClosed):
			return 0, io.EOF
		case err == nil, errors.Is(err, io.EOF), errors.Is(err, syscall.EAGAIN):
			select {
			case <-p.done:
			case <-time.After(idle):
			}
			continue
		}
		if p.closed.Load() {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("read trace pipe: %w", err)
	}
}

// Close stops the pipe; a Read blocked in another goroutine returns io.EOF.
// Closing twice is harmless.
func (p *Pipe) Close() error {
	var err error
	p.once.Do(func() {
		p.closed.Store(true)
		close(p.done)
		err = p.f.Close()
		if p.onClose != nil {
			p.onClose()
		}
	})
	return err
}

// Stream copies the session's events, as the kernel prints them, to w
// until ctx is done or the session is closed, then returns nil. It returns
// an error when reading fails or w refuses a write (a closed output pipe).
func (s *Session) Stream(ctx context.Context, w io.Writer) error {
	p, err := s.Pipe()
	if err != nil {
		return err
	}
	defer p.Close()
	stop := context.AfterFunc(ctx, func() { p.Close() })
	defer stop()
	buf := make([]byte, 64<<10)
	for {
		n, err := p.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fmt.Errorf("write events: %w", werr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
