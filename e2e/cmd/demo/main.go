// Command demo is `make demo`: the article's UDP investigation, live. It
// builds surftrace, boots the stock test kernel under qemu, and streams
// what happens in the guest: surftrace's set-up commands, the rendered
// events of the "Hello World" datagrams (other UDP traffic filtered out in
// the kernel), and the clean-up. It installs what it needs on a fresh
// machine (scripts/deps.sh) and exits 0 when the demo ran to its end.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/surftrace/surftrace/e2e/vm"
)

//go:embed udp.sh
var script []byte

const name = "udp-demo"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := vm.Preflight(); vm.IsMissing(err) {
		say("installing what the VM needs (%v)", err)
		if err := installDeps(ctx); err != nil {
			return err
		}
	}
	work, err := os.MkdirTemp("", "surftrace-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	say("building surftrace and the guest")
	env, err := vm.Prepare(ctx, vm.Options{Scripts: []vm.Script{{Name: name, Body: script}}, WorkDir: work, Progress: os.Stderr})
	if err != nil {
		return err
	}
	if env.BuildErr != nil {
		return env.BuildErr
	}
	say("booting %s (%s) under qemu, software emulation: a few seconds", env.Kernel.Image, env.ImageKind())
	m := env.Machine(3 * time.Minute)
	m.OnLine = show
	r, err := vm.Boot(ctx, m)
	if err != nil {
		return err
	}
	rep := vm.ParseResults(r.Output)
	if err := env.SaveCapture(rep); err != nil {
		say("%v", err)
	}
	s := rep.Scenario(name)
	switch {
	case s == nil || !s.Ended:
		return errors.New("the demo did not run to its end")
	case s.RC != 0:
		return fmt.Errorf("surftrace exited with status %d", s.RC)
	case len(s.Leftovers) > 0:
		return fmt.Errorf("left behind in tracefs: %s", strings.Join(s.Leftovers, "; "))
	}
	say("done in %v; the VM powered off", r.Wall.Round(100*time.Millisecond))
	return nil
}

// show prints the guest's lines as they arrive: the demo script's output
// as is, the boot as a note, the rest (state checks, captured files,
// kernel log) not at all.
var inScript, listing bool

func show(line string) {
	switch {
	case strings.HasPrefix(line, "@@@FILE ") && !listing:
		listing = true
		say("first boot of this kernel: keeping what it lists (BTF, kallsyms, functions, events) in the kernel cache")
	case strings.HasPrefix(line, "@@@BEGIN "):
		inScript = true
	case strings.HasPrefix(line, "@@@END "):
		inScript = false
	case strings.HasPrefix(line, "@@@BOOTED"):
		if f := strings.Fields(line); len(f) >= 3 {
			say("guest up (kernel %s, /init at %ss of guest time)", f[2], f[1])
		}
	case inScript:
		fmt.Println(line)
	}
}

func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "demo: "+format+"\n", args...)
}

// installDeps runs scripts/deps.sh from the repository root.
func installDeps(ctx context.Context) error {
	root, err := vm.RepoRoot()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "bash", "scripts/deps.sh")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("scripts/deps.sh: %w", err)
	}
	return vm.Preflight()
}
