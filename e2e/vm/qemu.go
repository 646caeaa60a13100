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
	Kernel string // -kernel: a PVH vmlinux or a bzImage
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

// QemuBinary is the emulator the harness runs.
const QemuBinary = "qemu-system-x86_64"

// Args returns qemu's command line. Always TCG: KVM exists on the CI hosts
// but nested guests hang there. la57 is off so the guest uses 4-level paging
// like most real machines; no NIC (-nodefaults): loopback and dummy devices
// carry the scenarios' traffic.
func (m Machine) Args() []string {
	mem := m.MemMB
	if mem == 0 {
		mem = 512
	}
	cmdline := "console=ttyS0 quiet panic=-1"
	if m.Append != "" {
		cmdline += " " + m.Append
	}
	return []string{
		"-accel", "tcg", "-cpu", "max,la57=off", "-m", strconv.Itoa(mem),
		"-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
		"-kernel", m.Kernel, "-initrd", m.Initrd, "-append", cmdline,
		"-serial", "file:" + m.ConsoleLog,
		"-chardev", "stdio,id=results,signal=off",
		"-serial", "chardev:results",
	}
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
	cmd := exec.CommandContext(ctx, QemuBinary, m.Args()...)
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
