// Command surftrace traces kernel and user functions through ftrace with
// one-line expressions resolved against the running kernel's types.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/surftrace/surftrace/internal/expr"
)

func main() {
	if filepath.Base(os.Args[0]) == "surfGraph" {
		os.Exit(graphMain(os.Args[1:]))
	}
	ctx, unwatch := stop.watch()
	done := make(chan error, 1)
	go func() {
		root := newRootCmd()
		args, err := expandAbbrevs(root, os.Args[1:])
		if err == nil {
			root.SetArgs(args)
			err = root.ExecuteContext(ctx)
		}
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-stop.abandon:
		// Stopped before anything was armed, maybe inside a blocked
		// open(2) that nothing else ends.
		os.Exit(stop.status())
	}
	unwatch()
	if err != nil {
		printError(os.Stderr, err)
		os.Exit(exitCode(err))
	}
}

// printError shows an expression error with its caret, anything else on
// one line.
func printError(w io.Writer, err error) {
	var ee *expr.Error
	if errors.As(err, &ee) {
		where := ""
		var se interface{ Where() string }
		if errors.As(err, &se) {
			where = se.Where() + ": "
		}
		fmt.Fprintln(w, "surftrace: "+where+ee.Pretty())
		return
	}
	fmt.Fprintln(w, "surftrace:", err)
}
