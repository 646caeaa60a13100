package disasm

import (
	"fmt"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

func decodeX86(code []byte, addr uint64, mode int, sym Symbolizer) []Inst {
	var out []Inst
	for off := 0; off < len(code); {
		pc := addr + uint64(off)
		inst, err := x86asm.Decode(code[off:], mode)
		if err != nil || inst.Len == 0 {
			out = append(out, Inst{Off: off, Addr: pc, Bytes: code[off : off+1], Text: "(bad)", Bad: true,
				Note: "not decoded: not a probe point"})
			off++
			continue
		}
		in := Inst{Off: off, Addr: pc, Bytes: code[off : off+inst.Len], Text: gnuText(inst, pc)}
		annotateX86(&in, inst, pc, sym)
		out = append(out, in)
		off += inst.Len
	}
	return out
}

// x86Len is the length of the instruction at code[0], 1 for bytes that do
// not decode (as decodeX86 treats them).
func x86Len(code []byte, mode int) int {
	inst, err := x86asm.Decode(code, mode)
	if err != nil || inst.Len == 0 {
		return 1
	}
	return inst.Len
}

// gnuText is x86asm's AT&T text laid out as objdump does: the mnemonic
// (with its prefixes) padded to six columns, then the operands.
func gnuText(inst x86asm.Inst, pc uint64) string {
	s := x86asm.GNUSyntax(inst, pc, nil)
	if s == "data16 nop" { // 66 90: objdump's name for the two-byte nop
		return "xchg   %ax,%ax"
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		return s
	}
	// Prefix words stay with the mnemonic: "lock cmpxchg", "rep stos".
	i := 0
	for i < len(words)-1 && isPrefixWord(words[i]) {
		i++
	}
	if m, ok := objdumpMnemonic[words[i]]; ok {
		words[i] = m
	}
	mn := strings.Join(words[:i+1], " ")
	if i+1 == len(words) {
		return mn
	}
	return fmt.Sprintf("%-6s %s", mn, strings.Join(words[i+1:], " "))
}

// objdumpMnemonic drops the operand-size suffix binutils 2.37+ no longer
// prints where the operand leaves no doubt.
var objdumpMnemonic = map[string]string{"callq": "call", "retq": "ret", "jmpq": "jmp"}

func isPrefixWord(w string) bool {
	switch w {
	case "lock", "rep", "repz", "repnz", "repe", "repne", "data16", "data32", "addr32", "addr16",
		"cs", "ds", "es", "fs", "gs", "ss", "notrack", "bnd", "xacquire", "xrelease", "rex", "rex.W":
		return true
	}
	return strings.HasPrefix(w, "rex.")
}

// Retpoline thunk name prefixes (arch/x86/lib/retpoline.S): a call to one
// is an indirect call through the register its name ends with.
var thunkPrefixes = []string{"__x86_indirect_thunk_", "__x86_indirect_call_thunk_", "__x86_indirect_jump_thunk_"}

func annotateX86(in *Inst, inst x86asm.Inst, pc uint64, sym Symbolizer) {
	isCall := inst.Op == x86asm.CALL || inst.Op == x86asm.LCALL
	isJmp := inst.Op == x86asm.JMP || inst.Op == x86asm.LJMP
	for _, a := range inst.Args {
		switch a := a.(type) {
		case x86asm.Rel:
			target := pc + uint64(inst.Len) + uint64(int64(a))
			in.Target = symText(sym, target)
			name, _, _ := sym.Symbolize(target)
			if reg, ok := thunkRegister(name); ok && (isCall || isJmp) {
				in.Note = indirectNote(isCall, pointerIn(isCall)+" %"+reg+" (through a retpoline thunk)")
			} else if isJmp && (name == "__x86_return_thunk" || strings.HasPrefix(name, "__x86_return_thunk")) {
				in.Note = "return (through __x86_return_thunk)"
			}
		case x86asm.Reg:
			if isCall || isJmp {
				in.Note = indirectNote(isCall, pointerIn(isCall)+" "+kprobeReg(a))
			}
		case x86asm.Mem:
			if a.Base == x86asm.RIP || a.Base == x86asm.EIP {
				in.MemRef = pc + uint64(inst.Len) + uint64(a.Disp)
				in.Target = symText(sym, in.MemRef)
			}
			if isCall || isJmp {
				in.Note = indirectNote(isCall, pointerIn(isCall)+" memory at "+memFetch(a, in.MemRef, in.Target))
			}
		}
	}
}

func indirectNote(isCall bool, rest string) string {
	if isCall {
		return "indirect call, " + rest
	}
	return "indirect jump, " + rest
}

func pointerIn(isCall bool) string {
	if isCall {
		return "function pointer in"
	}
	return "target in"
}

// thunkRegister gives the kprobe spelling of a retpoline thunk's register:
// __x86_indirect_thunk_rax → "ax", …_r11 → "r11".
func thunkRegister(name string) (string, bool) {
	for _, p := range thunkPrefixes {
		if r, ok := strings.CutPrefix(name, p); ok && r != "" {
			r = strings.TrimPrefix(strings.TrimPrefix(r, "r"), "e")
			if r == "" {
				return "", false
			}
			if r[0] >= '0' && r[0] <= '9' { // r8..r15
				return "r" + r, true
			}
			return r, true
		}
	}
	return "", false
}

// kprobeReg spells a register as kprobe and uprobe fetch arguments take it
// (pt_regs field names): %ax for al/ax/eax/rax, %r8 for r8b…r8.
func kprobeReg(r x86asm.Reg) string {
	names := [...]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}
	switch {
	case r >= x86asm.AL && r <= x86asm.BL:
		return "%" + names[r-x86asm.AL]
	case r >= x86asm.AH && r <= x86asm.BH: // the high bytes of ax..bx
		return "%" + names[r-x86asm.AH]
	case r >= x86asm.SPB && r <= x86asm.R15B:
		return "%" + names[4+r-x86asm.SPB]
	}
	for _, base := range []x86asm.Reg{x86asm.AX, x86asm.EAX, x86asm.RAX} {
		if r >= base && r < base+16 {
			return "%" + names[r-base]
		}
	}
	return "%" + strings.ToLower(r.String())
}

// memFetch writes a memory operand in kprobe fetch syntax when it has one
// (+0x8(%ax)); with an index register it keeps the AT&T form.
func memFetch(m x86asm.Mem, ref uint64, target string) string {
	if m.Base == x86asm.RIP || m.Base == x86asm.EIP {
		if target != "" {
			return fmt.Sprintf("%#x <%s>", ref, target)
		}
		return fmt.Sprintf("%#x", ref)
	}
	if m.Index != 0 || m.Segment != 0 || m.Base == 0 {
		return fmt.Sprintf("%#x(%s,%s,%d)", m.Disp, m.Base, m.Index, m.Scale)
	}
	if m.Disp < 0 {
		return fmt.Sprintf("-%#x(%s)", -m.Disp, kprobeReg(m.Base))
	}
	return fmt.Sprintf("+%#x(%s)", m.Disp, kprobeReg(m.Base))
}
