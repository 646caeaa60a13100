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

// stop decides what a stop signal does. While nothing needs undoing
// (reading expressions, compiling, opening objects: any of which may block
// on a FIFO or take long), the process exits at once. Once a run is about
// to change tracefs it takes the stop over with handOver, and a signal then
// only cancels the context, so the run tears down before it exits.
var stop struct {
	sync.Mutex
	exitNow bool
	sig     os.Signal
}

// watchStop returns a context cancelled by the first stop signal and a
// function that stops watching.
func watchStop() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	go func() {
		for sig := range ch {
			stop.Lock()
			if stop.exitNow {
				os.Exit(signalStatus(sig))
			}
			stop.sig = sig
			stop.Unlock()
			cancel()
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// exitOnStop makes a stop signal end the process at once from now on:
// the run has changed nothing yet. A signal that already came ends it now.
func exitOnStop() {
	stop.Lock()
	defer stop.Unlock()
	if stop.sig != nil {
		os.Exit(signalStatus(stop.sig))
	}
	stop.exitNow = true
}

// handOver makes a stop signal only cancel the run's context from now on:
// the run is about to change tracefs and must undo it before exiting.
func handOver() {
	stop.Lock()
	stop.exitNow = false
	stop.Unlock()
}

// signalStatus is the shell's status for a process a signal ended
// (128+N), for a run stopped before it traced anything: it did not do its
// work, and a calling script must see that.
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
