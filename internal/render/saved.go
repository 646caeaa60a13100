package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Saved is the rendering of trace output saved earlier (`surftrace
// render`): from a file or standard input, with the probe definitions
// when the user has them.
type Saved struct {
	Path  string    // the saved output; "" or "-": Stdin
	Stdin io.Reader // read when Path names no file
	Defs  string    // probe definitions of the traced events; "": none
	JSON  bool
	Out   io.Writer
	Err   io.Writer // lost-event reports
}

// RenderSaved renders s until its input ends or ctx is done. A reader
// that went away (| head) is not an error.
func RenderSaved(ctx context.Context, s Saved) error {
	src := s.Stdin
	if s.Path != "" && s.Path != "-" {
		f, err := os.Open(s.Path)
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		defer f.Close()
		src = f
	}
	opts := Options{JSON: s.JSON, OnLost: func(cpu int, n uint64) {
		if n == 0 {
			fmt.Fprintf(s.Err, "surftrace: lost events on CPU %d (kernel buffer overflow)\n", cpu)
			return
		}
		fmt.Fprintf(s.Err, "surftrace: lost %d events on CPU %d (kernel buffer overflow)\n", n, cpu)
	}}
	if s.Defs != "" {
		f, err := os.Open(s.Defs)
		if err != nil {
			return fmt.Errorf("render --defs: %w", err)
		}
		defs, err := ReadDefs(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("render --defs %s: %w", s.Defs, err)
		}
		opts.Schema = SchemaFromDefs(defs)
	}
	// Standard input may be a terminal or a pipe that never ends, and the
	// read cannot be interrupted: on a stop, stop waiting for it.
	done := make(chan error, 1)
	go func() { done <- Copy(s.Out, src, opts) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		return nil
	}
	if errors.Is(err, syscall.EPIPE) {
		return nil // the reader went away (| head): not an error
	}
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}
