// Command calls shows what a program's function is called with, and which
// processes start the program: a uprobe on the function reading its first
// two arguments, and the sched_process_exec tracepoint. It is an example
// of the trace package; run it as root:
//
//	go run ./examples/calls /usr/bin/bash readline
//
// It stops after -n events, or on Ctrl-C, removing its probes either way.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/surftrace/surftrace/trace"
)

func main() {
	max := flag.Int("n", 0, "stop after this many events (0: until Ctrl-C)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: calls [-n N] PROGRAM FUNCTION")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := watch(ctx, flag.Arg(0), flag.Arg(1), printer(os.Stdout, *max))
	if err != nil {
		var te *trace.Error
		if errors.As(err, &te) {
			fmt.Fprintf(os.Stderr, "calls: %s\n", te.Caret())
		} else {
			fmt.Fprintf(os.Stderr, "calls: %v\n", err)
		}
		os.Exit(1)
	}
}

// Which probe an event comes from: the order of expressions.
const (
	callProbe = iota
	execProbe
)

// expressions are the probes: the function with its first two arguments
// (typed by the program's debug information when it has some), and every
// exec of the program.
func expressions(program, function string) []string {
	return []string{
		fmt.Sprintf("P %s:%s a=%%0 b=%%1", program, function),
		fmt.Sprintf("e sched/sched_process_exec f:filename==\"%s\"", program),
	}
}

// watch traces the program's function and execs, calling each with every
// event until ctx is done or each returns an error (trace.Stop to end).
func watch(ctx context.Context, program, function string, each func(trace.Event) error) error {
	program, err := filepath.Abs(program)
	if err != nil {
		return err
	}
	probes, err := trace.Compile(expressions(program, function), trace.Options{})
	if err != nil {
		return err
	}
	return trace.Run(ctx, probes, each)
}

// printer prints one line per event, and stops after max events (0: no
// limit).
func printer(w io.Writer, max int) func(trace.Event) error {
	n := 0
	return func(e trace.Event) error {
		switch e.Probe {
		case callProbe:
			a, _ := e.Get("a")
			b, _ := e.Get("b")
			fmt.Fprintf(w, "%-16s %7d  call a=%v b=%v\n", e.Task, e.Pid, a, b)
		case execProbe:
			f, _ := e.Get("filename")
			fmt.Fprintf(w, "%-16s %7d  exec %v\n", e.Task, e.Pid, f)
		}
		if n++; max > 0 && n >= max {
			return trace.Stop
		}
		return nil
	}
}
