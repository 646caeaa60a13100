// Package disasm shows the machine code of a kernel or user-space function
// so that a probe can be placed inside it (`p func+OFF`, `P OBJ:FUNC+OFF`):
// every instruction with its decimal offset, call and jump targets by
// symbol, indirect calls marked with the register (in kprobe spelling, %ax)
// that holds the function pointer, and source lines when DWARF is at hand.
//
// Kernel code is read from /proc/kcore, an ELF core image of kernel memory
// (Documentation/filesystems/proc.rst), or from a vmlinux ELF; bounds come
// from kallsyms or the ELF symbol table. User code comes from the object's
// file through internal/uobj. Decoding is golang.org/x/arch (x86asm,
// arm64asm); the kernel checks probe offsets the same way, by decoding from
// the function start (arch/x86/kernel/kprobes/core.c can_probe), so the
// offsets listed here are the ones kprobe_events accepts.
package disasm

import "errors"

// Sentinel errors; the functions that may wrap each say so.
var (
	// ErrNotFound: no function of that name, or no code for a source line.
	ErrNotFound = errors.New("not found")
	// ErrAmbiguous: several functions have the name.
	ErrAmbiguous = errors.New("ambiguous")
	// ErrNeedRoot: kernel code and addresses are readable by root only.
	ErrNeedRoot = errors.New("reading kernel code needs root (for /proc/kcore and the addresses in /proc/kallsyms), or -v VMLINUX")
	// ErrNoKcore: the kernel has no /proc/kcore (CONFIG_PROC_KCORE off).
	ErrNoKcore = errors.New("no /proc/kcore (kernel built without CONFIG_PROC_KCORE): give -v VMLINUX")
	// ErrNoSymbols: a vmlinux without a symbol table and no kallsyms for it.
	ErrNoSymbols = errors.New("no symbol table")
	// ErrNoDebugInfo: a source line was asked for without DWARF.
	ErrNoDebugInfo = errors.New("-l needs debug info")
	// ErrArch: code of an architecture we do not decode.
	ErrArch = errors.New("unsupported architecture")
	// ErrNotMapped: an address the code image does not hold.
	ErrNotMapped = errors.New("address not in the image")
)
