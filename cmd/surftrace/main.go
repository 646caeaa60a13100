// Command surftrace traces kernel and user functions through ftrace with
// one-line expressions resolved against the running kernel's types.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "surftrace:", err)
		os.Exit(exitCode(err))
	}
}
