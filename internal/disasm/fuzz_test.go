package disasm

import (
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary machine code to the decoders as a listing and
// a probe-offset check see it: user objects and kernel images are files we
// do not control, and any bytes must give a listing that covers the code
// exactly, agreeing with the boundary check the kernel's EILSEQ mirrors.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x55, 0x48, 0x89, 0xe5, 0xff, 0xd0, 0xe8, 0, 0, 0, 0, 0xc3}, uint64(0xffffffff81000000), uint8(0), uint(4))
	f.Add([]byte{0x41, 0xff, 0xd3, 0x66, 0x90, 0x48, 0x8b, 0x05, 0xf9, 0x3f, 0, 0, 0x0f, 0x0b, 0xff}, uint64(0x1000), uint8(0), uint(1))
	f.Add([]byte{0x8b, 0x44, 0x24, 0x04, 0xff, 0x15, 0, 0, 0, 0, 0xc3}, uint64(0x8048000), uint8(1), uint(2))
	// stp x29, x30, [sp, #-16]!; mov x29, sp; bl +8; blr x1; br x16; ret; adrp x0; and a partial word
	f.Add([]byte{0xfd, 0x7b, 0xbf, 0xa9, 0xfd, 0x03, 0x00, 0x91, 0x02, 0x00, 0x00, 0x94, 0x20, 0x00, 0x3f, 0xd6,
		0x00, 0x02, 0x1f, 0xd6, 0xc0, 0x03, 0x5f, 0xd6, 0x00, 0x00, 0x00, 0x90, 0x1f}, uint64(0xffff800008000000), uint8(2), uint(8))
	f.Fuzz(func(t *testing.T, code []byte, addr uint64, archSel uint8, off uint) {
		arch := []Arch{X86_64, X86, ARM64}[int(archSel)%3]
		insts := Decode(arch, code, addr, fuzzSymbols(addr, len(code)))
		at := 0
		starts := make(map[int]bool, len(insts))
		for _, in := range insts {
			if in.Off != at {
				t.Fatalf("%v: instruction at +%d, want +%d", arch, in.Off, at)
			}
			if len(in.Bytes) == 0 || in.Off+len(in.Bytes) > len(code) {
				t.Fatalf("%v: %d bytes at +%d of %d", arch, len(in.Bytes), in.Off, len(code))
			}
			if in.Addr != addr+uint64(in.Off) {
				t.Fatalf("%v: address %#x at +%d from %#x", arch, in.Addr, in.Off, addr)
			}
			if in.Text == "" {
				t.Fatalf("%v: no text for % x", arch, in.Bytes)
			}
			starts[in.Off] = true
			at += len(in.Bytes)
		}
		if at != len(code) {
			t.Fatalf("%v: listing covers %d of %d bytes", arch, at, len(code))
		}
		o := int(off % uint(len(code)+2))
		if got := IsBoundaryArch(arch, code, o); got != (starts[o] && o < len(code)) {
			t.Fatalf("%v: IsBoundaryArch(+%d) = %v, listing says %v", arch, o, got, starts[o])
		}
		err := checkOffset(arch, code, addr, "f", uint64(o), nil)
		switch {
		case o >= len(code):
			if err == nil {
				t.Fatalf("%v: offset +%d past %d bytes accepted", arch, o, len(code))
			}
		case starts[o]:
			if err != nil {
				t.Fatalf("%v: boundary +%d refused: %v", arch, o, err)
			}
		default:
			if !errors.Is(err, ErrNotBoundary) {
				t.Fatalf("%v: +%d inside an instruction: %v", arch, o, err)
			}
		}
	})
}

// fuzzSymbols names addresses inside the code "f" and, outside it, a
// retpoline thunk or the return thunk, so that jumps to them take the
// annotation paths real kernels do.
func fuzzSymbols(addr uint64, n int) Symbolizer {
	return SymbolizerFunc(func(a uint64) (string, uint64, bool) {
		switch {
		case a >= addr && a-addr < uint64(n):
			return "f", a - addr, true
		case a%3 == 0:
			return "__x86_indirect_thunk_r11", 0, true
		case a%3 == 1:
			return "__x86_return_thunk", a % 7, true
		}
		return "", 0, false
	})
}
