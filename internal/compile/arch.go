package compile

import (
	"fmt"
	"sort"
	"strings"
)

// Arch is what the compiler needs to know about a target architecture:
// where arguments live at a function's entry and how kprobes spell
// registers.
type Arch struct {
	Name    string
	PtrSize int
	// KernelArgs and UserArgs are the argument registers in order; past
	// them arguments are on the stack.
	KernelArgs []string
	UserArgs   []string
	// StackSlot0 is the $stackN index of the first stack argument at a
	// function's entry: 1 where the return address is at the stack
	// pointer (x86), 0 where it is in a link register (aarch64).
	StackSlot0 int
	// ArgNStack says the kernel's $arg<N> reaches arguments past the
	// registers (regs_get_kernel_argument reads the stack on x86; arm64
	// returns 0 there).
	ArgNStack bool
	// Regs are the register names kprobes accept, without '%'.
	Regs map[string]bool
	// Aliases maps other spellings (rax, eax, w0) to the kprobe name.
	Aliases map[string]string
}

// arches are the architectures by the names -a accepts; LookupArch and
// ArchNames read it, nothing may change it.
var arches = map[string]*Arch{
	"x86_64":  archX86_64,
	"amd64":   archX86_64,
	"x86":     archX86,
	"i386":    archX86,
	"aarch64": archArm64,
	"arm64":   archArm64,
}

// LookupArch returns the architecture named by -a.
func LookupArch(name string) (*Arch, error) {
	a, ok := arches[name]
	if !ok {
		return nil, fmt.Errorf("unknown architecture %q (%s)", name, strings.Join(ArchNames(), ", "))
	}
	return a, nil
}

// ArchNames lists the names -a accepts, sorted.
func ArchNames() []string {
	out := make([]string, 0, len(arches))
	for n := range arches {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// register normalises a register as written ("%rax", "ax") to the
// kprobe spelling ("ax"); ok is false for unknown registers.
func (a *Arch) register(r string) (string, bool) {
	r = strings.TrimPrefix(r, "%")
	if a.Regs[r] {
		return r, true
	}
	if n, ok := a.Aliases[r]; ok {
		return n, true
	}
	return "", false
}

// RegisterNames lists the registers for messages.
func (a *Arch) RegisterNames() []string {
	var out []string
	for r := range a.Regs {
		out = append(out, "%"+r)
	}
	sort.Strings(out)
	return out
}
