package disasm

import (
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
)

// decodeARM64 walks fixed 4-byte words; a trailing partial word is Bad.
func decodeARM64(code []byte, addr uint64, sym Symbolizer) []Inst {
	var out []Inst
	for off := 0; off < len(code); off += 4 {
		pc := addr + uint64(off)
		if off+4 > len(code) {
			out = append(out, Inst{Off: off, Addr: pc, Bytes: code[off:], Text: "(bad)", Bad: true, Note: "partial word"})
			break
		}
		word := code[off : off+4]
		inst, err := arm64asm.Decode(word)
		if err != nil {
			out = append(out, Inst{Off: off, Addr: pc, Bytes: word, Bad: true, Note: "not decoded: not a probe point",
				Text: fmt.Sprintf(".inst 0x%08x", binary.LittleEndian.Uint32(word))})
			continue
		}
		in := Inst{Off: off, Addr: pc, Bytes: word}
		annotateARM64(&in, inst, pc, sym)
		out = append(out, in)
	}
	return out
}

func annotateARM64(in *Inst, inst arm64asm.Inst, pc uint64, sym Symbolizer) {
	in.Text = strings.TrimSpace(arm64asm.GNUSyntax(inst))
	for _, a := range inst.Args {
		if rel, ok := a.(arm64asm.PCRel); ok {
			target := pc + uint64(int64(rel))
			in.Target = symText(sym, target)
			// GNUSyntax prints the relative form; objdump prints the address.
			in.Text = strings.Replace(in.Text, rel.String(), fmt.Sprintf("%#x", target), 1)
		}
	}
	reg, _ := inst.Args[0].(arm64asm.Reg)
	switch inst.Op {
	case arm64asm.BLR:
		in.Note = "indirect call, function pointer in " + arm64Reg(reg)
	case arm64asm.BR:
		in.Note = "indirect jump, target in " + arm64Reg(reg)
	}
}

// arm64Reg spells a register as kprobes on arm64 take it: %x0…%x30.
func arm64Reg(r arm64asm.Reg) string {
	switch {
	case r >= arm64asm.X0 && r <= arm64asm.X30:
		return fmt.Sprintf("%%x%d", r-arm64asm.X0)
	case r >= arm64asm.W0 && r <= arm64asm.W30:
		return fmt.Sprintf("%%x%d", r-arm64asm.W0)
	}
	return "%" + strings.ToLower(r.String())
}
