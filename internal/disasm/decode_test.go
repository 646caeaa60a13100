package disasm

import (
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// fakeSyms names a few addresses the way a kernel symbol table would.
var fakeSyms = SymbolizerFunc(func(addr uint64) (string, uint64, bool) {
	syms := []struct {
		name       string
		start, end uint64
	}{
		{"func", 0x1000, 0x1100},
		{"__x86_indirect_thunk_rax", 0x2000, 0x2020},
		{"__x86_indirect_thunk_r11", 0x2020, 0x2040},
		{"__x86_return_thunk", 0x3000, 0x3010},
		{"jiffies", 0x5000, 0x5008},
	}
	for _, s := range syms {
		if addr >= s.start && addr < s.end {
			return s.name, addr - s.start, true
		}
	}
	return "", 0, false
})

// rel32 encodes an E8/E9 instruction at pc jumping to target.
func rel32(op byte, pc, target uint64) []byte {
	b := []byte{op, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[1:], uint32(int32(target-(pc+5))))
	return b
}

func TestDecodeX86(t *testing.T) {
	for _, tc := range []struct {
		name   string
		code   []byte
		text   string
		target string
		note   string
	}{
		{"register call", []byte{0xff, 0xd0}, "call   *%rax", "", "indirect call, function pointer in %ax"},
		{"r11 call", []byte{0x41, 0xff, 0xd3}, "call   *%r11", "", "indirect call, function pointer in %r11"},
		{"memory call", []byte{0xff, 0x50, 0x08}, "call   *0x8(%rax)", "", "indirect call, function pointer in memory at +0x8(%ax)"},
		{"negative disp call", []byte{0xff, 0x53, 0xf8}, "call   *-0x8(%rbx)", "", "indirect call, function pointer in memory at -0x8(%bx)"},
		{"register jump", []byte{0xff, 0xe0}, "jmp    *%rax", "", "indirect jump, target in %ax"},
		{"retpoline call", rel32(0xe8, 0x1000, 0x2000), "call   0x2000", "__x86_indirect_thunk_rax",
			"indirect call, function pointer in %ax (through a retpoline thunk)"},
		{"retpoline r11 tail call", rel32(0xe9, 0x1000, 0x2020), "jmp    0x2020", "__x86_indirect_thunk_r11",
			"indirect jump, target in %r11 (through a retpoline thunk)"},
		{"return thunk", rel32(0xe9, 0x1000, 0x3000), "jmp    0x3000", "__x86_return_thunk", "return (through __x86_return_thunk)"},
		{"local jump", []byte{0x74, 0x0d}, "je     0x100f", "func+15", ""},
		{"rip operand", []byte{0x48, 0x8b, 0x05, 0xf9, 0x3f, 0x00, 0x00}, "mov    0x3ff9(%rip),%rax", "jiffies", ""},
		{"ret", []byte{0xc3}, "ret", "", ""},
		{"two-byte nop", []byte{0x66, 0x90}, "xchg   %ax,%ax", "", ""},
		{"lock prefix", []byte{0xf0, 0x0f, 0xb1, 0x17}, "lock cmpxchg %edx,(%rdi)", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			insts := Decode(X86_64, tc.code, 0x1000, fakeSyms)
			if len(insts) != 1 {
				t.Fatalf("%d instructions: %+v", len(insts), insts)
			}
			in := insts[0]
			if in.Text != tc.text || in.Target != tc.target || in.Note != tc.note {
				t.Errorf("got %q <%s> # %q\nwant %q <%s> # %q", in.Text, in.Target, in.Note, tc.text, tc.target, tc.note)
			}
		})
	}
}

func TestDecodeBadBytes(t *testing.T) {
	// 0x06 (push %es) does not exist in 64-bit mode.
	insts := Decode(X86_64, []byte{0x06, 0x90, 0xc3}, 0x1000, nil)
	if len(insts) != 3 || !insts[0].Bad || insts[0].Text != "(bad)" || insts[1].Off != 1 || insts[2].Text != "ret" {
		t.Fatalf("%+v", insts)
	}
	if IsBoundary([]byte{0x06, 0x90, 0xc3}, 0) != true || !IsBoundary([]byte{0x06, 0x90, 0xc3}, 1) {
		t.Error("IsBoundary disagrees with the listing after a bad byte")
	}
}

func TestIsBoundary(t *testing.T) {
	// mov %rdi,%rax; lea (%rdi,%rdi,2),%rdx; add %rdx,%rsi; xor %rsi,%rax; ret
	code := []byte{0x48, 0x89, 0xf8, 0x48, 0x8d, 0x14, 0x7f, 0x48, 0x01, 0xd6, 0x48, 0x31, 0xf0, 0xc3}
	want := map[int]bool{0: true, 3: true, 7: true, 10: true, 13: true}
	for off := -1; off <= len(code)+1; off++ {
		if got := IsBoundary(code, off); got != want[off] {
			t.Errorf("IsBoundary(%d) = %v, want %v", off, got, want[off])
		}
	}
	for off := -1; off <= 9; off++ {
		if got, w := IsBoundaryArch(ARM64, make([]byte, 8), off), off >= 0 && off < 8 && off%4 == 0; got != w {
			t.Errorf("arm64 IsBoundary(%d) = %v", off, got)
		}
	}
}

func TestKprobeReg(t *testing.T) {
	for r, want := range map[x86asm.Reg]string{
		x86asm.RAX: "%ax", x86asm.EAX: "%ax", x86asm.AX: "%ax", x86asm.AL: "%ax", x86asm.AH: "%ax",
		x86asm.RBX: "%bx", x86asm.BH: "%bx", x86asm.RSP: "%sp", x86asm.SPB: "%sp", x86asm.RDI: "%di",
		x86asm.DIB: "%di", x86asm.R8: "%r8", x86asm.R8B: "%r8", x86asm.R11L: "%r11", x86asm.R15W: "%r15",
		x86asm.RBP: "%bp", x86asm.ESI: "%si", x86asm.RDX: "%dx", x86asm.CL: "%cx",
	} {
		if got := kprobeReg(r); got != want {
			t.Errorf("kprobeReg(%v) = %s, want %s", r, got, want)
		}
	}
}

func TestThunkRegister(t *testing.T) {
	for name, want := range map[string]string{
		"__x86_indirect_thunk_rax": "ax", "__x86_indirect_thunk_r11": "r11", "__x86_indirect_thunk_eax": "ax",
		"__x86_indirect_call_thunk_rdi": "di", "__x86_indirect_jump_thunk_r15": "r15", "__x86_indirect_thunk_": "",
		"__x86_return_thunk": "", "memcpy": "",
	} {
		got, ok := thunkRegister(name)
		if got != want || ok != (want != "") {
			t.Errorf("thunkRegister(%s) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestDecodeARM64(t *testing.T) {
	words := []uint32{
		0xd503201f, // nop
		0x94000003, // bl +12
		0xd63f0100, // blr x8
		0xd61f0200, // br x16
		0xd65f03c0, // ret
	}
	code := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	insts := Decode(ARM64, code, 0x1000, fakeSyms)
	if len(insts) != len(words) {
		t.Fatalf("%d instructions", len(insts))
	}
	checks := []struct{ text, target, note string }{
		{"nop", "", ""},
		{"bl 0x1010", "func+16", ""},
		{"blr x8", "", "indirect call, function pointer in %x8"},
		{"br x16", "", "indirect jump, target in %x16"},
		{"ret", "", ""},
	}
	for i, c := range checks {
		in := insts[i]
		if in.Off != 4*i || !strings.EqualFold(in.Text, c.text) || in.Target != c.target || in.Note != c.note {
			t.Errorf("inst %d: +%d %q <%s> # %q, want %q <%s> # %q", i, in.Off, in.Text, in.Target, in.Note, c.text, c.target, c.note)
		}
	}
}
