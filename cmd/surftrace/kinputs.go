package main

import (
	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/kernel"
)

// kernelInputs says where `list`, `struct` and completion take the
// kernel's functions, events and types from: the running kernel, or the
// saved files of another (--kallsyms FILE with available_filter_functions
// and available_events beside it, --btf FILE, -v VMLINUX).
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

func (in *kernelInputs) archSpec() (*compile.Arch, error) { return in.target().Arch() }

// Types loads the kernel types once.
func (in *kernelInputs) Types() (btfdwarf.Source, error) { return in.target().Types() }

func (in *kernelInputs) live() bool { return in.kallsyms == "" }

// Funcs lists the probeable kernel functions (see kernel.Kernel.Funcs).
func (in *kernelInputs) Funcs() ([]discover.Symbol, string, error) { return in.target().Funcs() }

// Events lists trace events (see kernel.Kernel.Events).
func (in *kernelInputs) Events() ([]string, func(sys, ev string) (*ftrace.Format, error), error) {
	return in.target().Events()
}

// ModuleTypes gives a module's split BTF on top of the kernel's.
func (in *kernelInputs) ModuleTypes() func(string) btfdwarf.Source { return in.target().ModuleTypes() }

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
