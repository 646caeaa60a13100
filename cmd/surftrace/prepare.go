package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// normalizeMode maps the original's -m values onto the type sources this
// surftrace has, and says on w what it did: the original fetched types
// from a remote server or a local database (-m remote, -m local) or asked
// gdb about a vmlinux (-m gdb); here types come from the kernel's BTF, or
// from the DWARF of -v VMLINUX, so scripts written for the original keep
// working.
func normalizeMode(cfg *config, w io.Writer) {
	switch cfg.mode {
	case "remote", "local":
		fmt.Fprintf(w, "surftrace: note: -m %s: types come from BTF (or the DWARF of -v VMLINUX) here, no database is needed\n", cfg.mode)
		cfg.mode = "btf"
		if cfg.vmlinux != "" {
			cfg.mode = "dwarf"
		}
	case "gdb":
		if cfg.vmlinux != "" {
			cfg.mode = "dwarf"
			return
		}
		fmt.Fprintln(w, "surftrace: note: -m gdb without -v VMLINUX: types come from the kernel's BTF (give -v VMLINUX to read its DWARF)")
		cfg.mode = "btf"
	}
}

// prepareFlags checks the flags that go together and settles what they
// imply, before anything is read.
func prepareFlags(cmd *cobra.Command, cfg *config) error {
	normalizeMode(cfg, cmd.ErrOrStderr())
	if !cfg.quiet && !cfg.show {
		// -S prints definitions for scripts: its stderr stays for errors.
		cfg.notes = cmd.ErrOrStderr()
	}
	switch {
	case cfg.pid != 0 && cfg.cmdLine != "":
		return fmt.Errorf("%w: --pid and --cmd both name the process to trace: give one", errUsage)
	case cfg.cmdLine != "" && cfg.show:
		return fmt.Errorf("%w: --cmd runs a command, -S touches nothing: use --pid to see the filters", errUsage)
	case cfg.pid != 0:
		if err := checkPid(cfg.pid); err != nil {
			return err
		}
	}
	if cfg.bufferKB < 0 {
		return fmt.Errorf("%w: --buffer-size %d: give a size in KB, e.g. 8192", errUsage, cfg.bufferKB)
	}
	return nil
}

// checkPid refuses a --pid that names no process.
func checkPid(pid int) error {
	if pid <= 0 {
		return fmt.Errorf("%w: --pid %d: give the id of a running process", errUsage, pid)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
		return fmt.Errorf("%w: --pid %d: no such process", errUsage, pid)
	}
	return nil
}
