// Package kernel is the target kernel, the running one or another whose
// files were saved: where its types come from (BTF of vmlinux and modules,
// or DWARF of a debug vmlinux), its symbols and kprobe blacklist, the
// functions ftrace can trace, its trace events and their fields, the
// features its tracefs README announces, its config options and its
// architecture.
//
// A [Kernel] is built from [Options] (the command line's --btf, --btf-dir,
// --module, --kallsyms, -v and -a) and reads nothing until asked: listing
// functions, completing a word or compiling an expression each need a
// different part, and reading all of them would cost seconds.
//
// It is the one package that opens the kernel's own files (kallsyms, the
// kprobes blacklist, BTF, tracefs lists), and the one that unpacks saved
// copies of them ([OpenFile]); the parsers it hands them to read what
// they are given.
//
// A saved kernel is --kallsyms FILE with its other lists beside it
// (kprobes-blacklist, available_filter_functions, available_events,
// config, tracing-README, each raw or gzip), as the bundled test kernel
// has them.
package kernel

import "errors"

// ErrUsage marks errors in how the kernel was named (an unknown mode or
// architecture): the caller's flags are wrong, not the kernel.
var ErrUsage = errors.New("usage")
