package graph

import (
	"context"
	"fmt"
	"io"
	"syscall"
	"time"
)

// pipePoll is how long the reader sleeps when trace_pipe is empty.
const pipePoll = 50 * time.Millisecond

// pipeReader reads trace_pipe without ever waiting inside the kernel. A
// reader blocked in trace_pipe (or polling it) makes the next event queue an
// irq_work to wake it, and that interrupt lands inside the very calls being
// graphed: under qemu __sysvec_irq_work took most of do_sys_openat2's time.
// So it reads with O_NONBLOCK and sleeps between empty reads instead.
//
// This differs on purpose from ftrace.Pipe, which waits in epoll so a
// probe's events show at once and Close wakes a waiting Read: right for
// kprobes, but here the wake-ups would be drawn into the graph. The 50 ms
// of latency cost nothing for call trees shown after the call returns.
type pipeReader struct {
	ctx context.Context // the read ends (io.EOF) when it is done
	fd  int
}

func openPipe(ctx context.Context, path string) (*pipeReader, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &pipeReader{ctx: ctx, fd: fd}, nil
}

// Read returns what trace_pipe holds, waiting for something to arrive; at
// the end of the run (or of a plain file, in tests) it returns io.EOF.
func (p *pipeReader) Read(b []byte) (int, error) {
	for {
		if p.ctx.Err() != nil {
			return 0, io.EOF
		}
		n, err := syscall.Read(p.fd, b)
		switch {
		case n > 0:
			return n, nil
		case err == syscall.EINTR:
			continue
		case err == nil:
			return 0, io.EOF
		case err != syscall.EAGAIN:
			return 0, fmt.Errorf("read trace_pipe: %w", err)
		}
		t := time.NewTimer(pipePoll)
		select {
		case <-p.ctx.Done():
			t.Stop()
			return 0, io.EOF
		case <-t.C:
		}
	}
}

// Close closes trace_pipe; closing twice is harmless.
func (p *pipeReader) Close() error {
	if p.fd < 0 {
		return nil
	}
	err := syscall.Close(p.fd)
	p.fd = -1
	return err
}
