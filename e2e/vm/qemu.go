package vm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Machine is one qemu boot.
type Machine struct {
	// Arch is the guest's uname -m: x86_64 (the default) or aarch64.
	Arch   string
	Kernel string // -kernel: a PVH vmlinux, a bzImage or an arm64 Image
	Initrd string
	// Append is added to the kernel command line after the harness's own.
	Append string
	MemMB  int // 512 when 0
	// Timeout bounds the whole boot; qemu is killed when it passes.
	Timeout time.Duration
	// ConsoleLog receives the first serial port (the kernel console).
	ConsoleLog string
	// OnLine, if set, sees each line of the results port as it arrives
	// (carriage returns removed): the demo streams them to the terminal.
	OnLine func(line string)
}

// Run is what a boot produced.
type Run struct {
	Output   []byte        // the results port, carriage returns removed
	Wall     time.Duration // qemu start to exit
	ToInit   time.Duration // qemu start to the guest's BOOTED marker
	TimedOut bool
}

// ErrTimeout says qemu was killed because Machine.Timeout passed.
var ErrTimeout = errors.New("vm timed out")

// qemuBinaries are the emulators the harness runs, by guest architecture.
var qemuBinaries = map[string]string{"x86_64": "qemu-system-x86_64", "aarch64": "qemu-system-aarch64"}

// Binary is the emulator of the machine's architecture.
func (m Machine) Binary() string {
	if m.Arch == "aarch64" {
		return qemuBinaries["aarch64"]
	}
	return qemuBinaries["x86_64"]
}

// Args returns qemu's command line. Always TCG: hardware acceleration is
// not to be counted on where the suite runs, and nested guests can hang.
// No NIC (-nodefaults): loopback and dummy devices carry the scenarios'
// traffic. The kernel console goes to the first serial port (a file), the
// results to a second port read live.
//
// x86_64: la57 is off so the guest uses 4-level paging like most real
// machines; the results port is the second 16550 (ttyS1).
//
// aarch64: the virt board has a single UART (the console, ttyAMA0), so the
// results travel on a virtio console (hvc0). pauth-impdef makes pointer
// authentication cheap to emulate: the architected algorithm costs
// seconds of boot under TCG.
func (m Machine) Args() []string {
	mem := m.MemMB
	if mem == 0 {
		mem = 512
	}
	console := "ttyS0"
	if m.Arch == "aarch64" {
		console = "ttyAMA0"
	}
	cmdline := "console=" + console + " quiet panic=-1"
	if m.Append != "" {
		cmdline += " " + m.Append
	}
	args := []string{"-accel", "tcg"}
	if m.Arch == "aarch64" {
		args = append(args, "-M", "virt", "-cpu", "max,pauth-impdef=on")
	} else {
		args = append(args, "-cpu", "max,la57=off")
	}
	args = append(args, "-m", strconv.Itoa(mem),
		"-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
		"-kernel", m.Kernel, "-initrd", m.Initrd, "-append", cmdline,
		"-serial", "file:"+m.ConsoleLog,
		"-chardev", "stdio,id=results,signal=off")
	if m.Arch == "aarch64" {
		return append(args, "-device", "virtio-serial-pci", "-device", "virtconsole,chardev=results")
	}
	return append(args, "-serial", "chardev:results")
}

// Boot runs the machine until the guest powers off, the timeout passes or
// ctx ends. The Run is returned in every case (with what arrived before a
// failure); the error wraps ErrTimeout when qemu had to be killed.
func Boot(ctx context.Context, m Machine) (*Run, error) {
	if m.Timeout == 0 {
		m.Timeout = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, m.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, m.Binary(), m.Args()...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return &Run{}, fmt.Errorf("qemu: %w", err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return &Run{}, fmt.Errorf("start qemu: %w", err)
	}
	run := &Run{}
	var out bytes.Buffer
	readErr := readLines(stdout, func(line string) {
		if run.ToInit == 0 && strings.HasPrefix(line, markerPrefix+"BOOTED") {
			run.ToInit = time.Since(start)
		}
		out.WriteString(line)
		out.WriteByte('\n')
		if m.OnLine != nil {
			m.OnLine(line)
		}
	})
	waitErr := cmd.Wait()
	run.Wall = time.Since(start)
	run.Output = out.Bytes()
	if ctx.Err() != nil {
		run.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
		if run.TimedOut {
			return run, fmt.Errorf("qemu killed after %v: %w", m.Timeout, ErrTimeout)
		}
		return run, fmt.Errorf("qemu: %w", ctx.Err())
	}
	if waitErr != nil {
		return run, fmt.Errorf("qemu: %w: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	if readErr != nil {
		return run, fmt.Errorf("read results port: %w", readErr)
	}
	return run, nil
}

// readLines calls fn for each line of r, carriage returns removed, until EOF.
func readLines(r io.Reader, fn func(string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			fn(strings.TrimRight(line, "\r\n"))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
