package main

import (
	"fmt"
	"io"
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
