package disasm

// Inst is one decoded instruction of a function.
type Inst struct {
	Off   int    // bytes from the function's start: the OFF of `p func+OFF`
	Addr  uint64 // virtual address
	Bytes []byte // the encoding
	Text  string // assembly, AT&T syntax on x86 (as objdump prints by default)
	// Target names a direct call or jump destination, or a RIP-relative
	// operand, as "symbol" or "symbol+OFF" (decimal, as probes take it).
	Target string
	// MemRef is the address a RIP-relative operand refers to (objdump's
	// "# 0x…" comment); Target then names it.
	MemRef uint64
	// Note says what a prober should know: "indirect call, function pointer
	// in %ax", a return through a thunk, an undecodable byte.
	Note string
	// Bad marks bytes the decoder does not know; they are shown one by one
	// and are not offered as probe points.
	Bad bool
}

// Symbolizer names an address: the symbol containing it and the offset.
type Symbolizer interface {
	Symbolize(addr uint64) (name string, off uint64, ok bool)
}

// SymbolizerFunc adapts a function to Symbolizer.
type SymbolizerFunc func(addr uint64) (string, uint64, bool)

// Symbolize calls f.
func (f SymbolizerFunc) Symbolize(addr uint64) (string, uint64, bool) { return f(addr) }

// Decode decodes code, which starts at addr, from its first byte to its
// last, the way the kernel walks a function to check a probe offset. Bytes
// that do not decode become one-byte Bad instructions and decoding resumes
// after them (objdump prints "(bad)" and does the same). sym may be nil.
func Decode(arch Arch, code []byte, addr uint64, sym Symbolizer) []Inst {
	if sym == nil {
		sym = SymbolizerFunc(func(uint64) (string, uint64, bool) { return "", 0, false })
	}
	switch arch {
	case ARM64:
		return decodeARM64(code, addr, sym)
	case X86:
		return decodeX86(code, addr, 32, sym)
	default:
		return decodeX86(code, addr, 64, sym)
	}
}

// IsBoundary reports whether off is the start of an instruction of x86_64
// code that begins at code[0], decoding from the start as the kernel does
// before it accepts `p func+OFF` (it refuses others with EILSEQ). The end of
// the code is not a boundary. It agrees with Decode's listing.
func IsBoundary(code []byte, off int) bool {
	return IsBoundaryArch(X86_64, code, off)
}

// IsBoundaryArch is IsBoundary for any Arch; on arm64 every 4-byte aligned
// offset is one.
func IsBoundaryArch(arch Arch, code []byte, off int) bool {
	if off < 0 || off >= len(code) {
		return false
	}
	if arch == ARM64 {
		return off%4 == 0
	}
	mode := 64
	if arch == X86 {
		mode = 32
	}
	for at := 0; at < len(code); {
		if at == off {
			return true
		}
		if at > off {
			return false
		}
		at += x86Len(code[at:], mode)
	}
	return false
}

// symText formats a symbolized address as "name" or "name+OFF".
func symText(sym Symbolizer, addr uint64) string {
	name, off, ok := sym.Symbolize(addr)
	if !ok || name == "" {
		return ""
	}
	if off == 0 {
		return name
	}
	return name + "+" + itoa(off)
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
