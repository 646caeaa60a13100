package main

import (
	"github.com/surftrace/surftrace/internal/kernel"
)

// kernelInputs says where `list`, `struct` and `skb` take the kernel's
// functions, events and types from: the running kernel, or the saved
// files of another (--kallsyms FILE with its lists beside it, --btf FILE,
// -v VMLINUX).
type kernelInputs struct {
	btf      string
	vmlinux  string
	kallsyms string
	arch     string

	k *kernel.Kernel
}

// target is the kernel the flags name, made once they are parsed.
func (in *kernelInputs) target() *kernel.Kernel {
	if in.k == nil {
		in.k = kernel.New(kernel.Options{BTF: in.btf, Vmlinux: in.vmlinux, Kallsyms: in.kallsyms, Arch: in.arch})
	}
	return in.k
}

// kernelOf is the kernel the root command's flags name, made on first
// use: the flags are final by then.
func kernelOf(cfg *config) *kernel.Kernel {
	if cfg.kern == nil {
		cfg.kern = kernel.New(kernel.Options{
			BTF: cfg.btf, BTFDir: cfg.btfDir, Modules: cfg.modules, Kallsyms: cfg.kallsyms,
			Vmlinux: cfg.vmlinux, Arch: cfg.arch, Mode: cfg.mode, NoCache: cfg.noCache, Notes: cfg.notes,
		})
	}
	return cfg.kern
}
