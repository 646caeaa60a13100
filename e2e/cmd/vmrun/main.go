// Command vmrun boots the e2e test VM with the given shell scripts (or the
// named scenarios of e2e/scenarios) and streams what they print: a quick
// way to try something on the test kernel, or to capture real trace output
// for tests.
//
//	go run ./e2e/cmd/vmrun [-k KERNEL] [-bzimage] [-timeout 2m] [-append ARGS] [-dmesg] [-keep] FILE.sh|SCENARIO ...
//
// KERNEL is a name of the kernel matrix (e2e/kernels/matrix.txt: 5.10, 6.1,
// 6.12, 6.12-arm64); the default is the matrix's default. A kernel not in
// the cache yet is fetched first.
//
// Each script runs as root in the guest with tracefs mounted, surftrace on
// $PATH and the helpers of /lib/e2e/common.sh; the exit status is non-zero
// when the VM did not finish.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/surftrace/surftrace/e2e/vm"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vmrun:", err)
		os.Exit(1)
	}
}

func run() error {
	bz := flag.Bool("bzimage", false, "boot the compressed image (KASLR on) instead of the extracted vmlinux")
	timeout := flag.Duration("timeout", 3*time.Minute, "kill the VM after this long")
	keep := flag.Bool("keep", false, "keep the work directory (console log, initramfs)")
	dmesg := flag.Bool("dmesg", false, "also print the guest's kernel log at the end")
	appendArgs := flag.String("append", "", "add to the kernel command line")
	kernel := flag.String("k", "", "the matrix kernel to boot (default: the matrix's default)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var scripts []vm.Script
	var only []string
	for _, a := range flag.Args() {
		if !strings.HasSuffix(a, ".sh") {
			only = append(only, a)
			continue
		}
		body, err := os.ReadFile(a)
		if err != nil {
			return err
		}
		scripts = append(scripts, vm.Script{Name: strings.TrimSuffix(filepath.Base(a), ".sh"), Body: body})
	}
	if len(scripts) > 0 && len(only) > 0 {
		return fmt.Errorf("give script files or scenario names, not both")
	}
	work, err := os.MkdirTemp("", "surftrace-vm-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(work)
	}
	logf := func(f string, a ...any) { fmt.Fprintf(os.Stderr, "vmrun: "+f+"\n", a...) }
	env, err := vm.Prepare(ctx, vm.Options{Kernel: *kernel, Progress: os.Stderr, Scripts: scripts, Only: only, BzImage: *bz, WorkDir: work, Logf: logf, Append: *appendArgs})
	if err != nil {
		return err
	}
	if env.BuildErr != nil {
		logf("%v", env.BuildErr)
	}
	m := env.Machine(*timeout)
	inDmesg := false
	m.OnLine = func(l string) {
		switch l {
		case "@@@DMESG":
			inDmesg = true
		case "@@@ENDDMESG":
			inDmesg = false
			return
		}
		if !inDmesg || *dmesg {
			fmt.Println(l)
		}
	}
	r, err := vm.Boot(ctx, m)
	logf("%s: %v to /init, %v in all", env.ImageKind(), r.ToInit.Round(10*time.Millisecond), r.Wall.Round(10*time.Millisecond))
	if *keep {
		logf("console log %s, initramfs %s", env.ConsoleLog, env.Initrd)
	}
	if err != nil {
		return err
	}
	rep := vm.ParseResults(r.Output)
	if err := env.SaveCapture(rep); err != nil {
		logf("%v", err)
	}
	if !rep.Done {
		return fmt.Errorf("the guest did not finish its scripts")
	}
	return nil
}
