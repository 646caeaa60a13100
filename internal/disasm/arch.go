package disasm

import (
	"debug/elf"
	"fmt"
)

// Arch is an instruction set we decode.
type Arch int

// The architectures the -a flag names.
const (
	X86_64 Arch = iota
	X86         // 32-bit
	ARM64
)

// String names the architecture as -a spells it.
func (a Arch) String() string {
	switch a {
	case X86_64:
		return "x86_64"
	case X86:
		return "x86"
	case ARM64:
		return "aarch64"
	}
	return fmt.Sprintf("Arch(%d)", int(a))
}

// ArchOf tells the instruction set of an ELF file. It wraps ErrArch.
func ArchOf(f *elf.File) (Arch, error) {
	switch f.Machine {
	case elf.EM_X86_64:
		return X86_64, nil
	case elf.EM_386:
		return X86, nil
	case elf.EM_AARCH64:
		return ARM64, nil
	}
	return 0, fmt.Errorf("%v: %w", f.Machine, ErrArch)
}
