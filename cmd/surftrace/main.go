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
	ctx, unwatch := watchStop()
	root := newRootCmd()
	args, err := expandAbbrevs(root, os.Args[1:])
	if err != nil {
		unwatch()
		printError(os.Stderr, err)
		os.Exit(exitCode(err))
	}
	root.SetArgs(args)
	err = root.ExecuteContext(ctx)
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
		var se *sourcedError
		if errors.As(err, &se) {
			where = se.where + ": "
		}
		fmt.Fprintln(w, "surftrace: "+where+ee.Pretty())
		return
	}
	fmt.Fprintln(w, "surftrace:", err)
}
