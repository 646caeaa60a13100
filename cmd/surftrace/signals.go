package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals end a run: Ctrl-C, Ctrl-\, kill's default, a closed
// terminal. Each is a request to stop, never a reason to leave probes in
// the kernel.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP}

// stopper decides what a stop signal does. While nothing needs undoing
// (reading expressions, compiling, opening objects: any of which may block
// on a FIFO or take long), the process must end at once: only exiting ends
// a blocked open(2). main does that when abandon is closed. Once a run is
// about to change tracefs it takes the stop over with handOver, and a
// signal then only cancels the context, so the run tears down first.
type stopper struct {
	mu      sync.Mutex
	exitNow bool
	sig     os.Signal
	cancel  context.CancelFunc
	// abandon is closed when the process must end at once with the
	// status of sig: main, waiting on it, exits.
	abandon chan struct{}
	once    sync.Once
}

// stop is the process's one stopper: signals are process-wide.
var stop = &stopper{abandon: make(chan struct{})}

// watch returns a context cancelled by the first stop signal and a
// function that stops watching.
func (s *stopper) watch() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	go func() {
		for sig := range ch {
			s.mu.Lock()
			s.sig = sig
			if s.exitNow {
				s.once.Do(func() { close(s.abandon) })
			}
			s.mu.Unlock()
			cancel()
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// exitOnStop makes a stop signal end the process at once from now on:
// the run has changed nothing yet. A signal that already came ends it now:
// the caller never returns, main exits.
func exitOnStop() {
	s := stop
	s.mu.Lock()
	s.exitNow = true
	came := s.sig != nil
	if came {
		s.once.Do(func() { close(s.abandon) })
	}
	s.mu.Unlock()
	if came {
		select {} // main is exiting
	}
}

// handOver makes a stop signal only cancel the run's context from now on:
// the run is about to change tracefs and must undo it before exiting.
func handOver() {
	stop.mu.Lock()
	stop.exitNow = false
	stop.mu.Unlock()
}

// status is the shell's status for a process a signal ended (128+N), for
// a run stopped before it traced anything: it did not do its work, and a
// calling script must see that.
func (s *stopper) status() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sig, ok := s.sig.(syscall.Signal); ok {
		return 128 + int(sig)
	}
	return 1
}
