package disasm

import (
	"debug/dwarf"
	"fmt"
)

// Listing is the disassembly of one function.
type Listing struct {
	Name   string // the symbol
	Object string // the user object's file; "" for the kernel
	Module string // the kernel module, "" for vmlinux
	Addr   uint64 // start address (kernel: as kallsyms or the ELF gives it)
	Size   uint64
	// FileOffset is the file offset of Addr in a user object: the
	// PATH:OFFSET of uprobe_events for +0.
	FileOffset uint64
	Arch       Arch
	Insts      []Inst
	// Lines maps instruction index to its source position; empty without
	// DWARF.
	Lines map[int]SourcePos
	// Notes are facts about probing this function: blacklisted, notrace,
	// a compiler clone.
	Notes []string
	// NotProbeable is set when no kprobe can be placed in the function.
	NotProbeable bool
}

// SourcePos is the file and line an instruction was generated for.
type SourcePos struct {
	File string
	Line int
}

// LineListing is the code generated for one source line.
type LineListing struct {
	File   string // as the line table names it
	Line   int
	Object string // "" for the kernel
	Ranges []LineRange
}

// LineRange is one contiguous piece of a line's code inside one function.
type LineRange struct {
	Func      string // containing function, "" when no symbol covers it
	FuncAddr  uint64
	FuncFile  uint64 // file offset of FuncAddr (user objects)
	Lo, Hi    uint64
	Insts     []Inst // Off counts from FuncAddr
	Notes     []string
	Blacklist bool
}

// codeSource is what listings need from a kernel or a user object.
type codeSource interface {
	arch() Arch
	read(addr, n uint64) ([]byte, error)
	symbolizer() Symbolizer
	// funcAt names the function holding addr and its bounds.
	funcAt(addr uint64) (name string, start, end uint64, ok bool)
	// notes says what is known about probing the function at start.
	notes(name string, start uint64) (notes []string, blocked bool)
}

// buildListing decodes [start, end) of src as function name.
// slide is what to subtract from a listed address to get its DWARF address
// (a kernel under KASLR).
func buildListing(src codeSource, d *dwarf.Data, slide uint64, name string, start, end uint64) (*Listing, error) {
	code, err := src.read(start, end-start)
	if err != nil {
		return nil, fmt.Errorf("read code of %s: %w", name, err)
	}
	l := &Listing{Name: name, Addr: start, Size: end - start, Arch: src.arch()}
	l.Insts = Decode(l.Arch, code, start, src.symbolizer())
	l.Notes, l.NotProbeable = src.notes(name, start)
	if d != nil {
		m := linesFor(d, start-slide, end-slide)
		l.Lines = map[int]SourcePos{}
		for i, in := range l.Insts {
			if p, ok := m.at(in.Addr - slide); ok {
				l.Lines[i] = SourcePos{p.file, p.line}
			}
		}
	}
	return l, nil
}

// buildLineListing finds FILE:LINE's code and decodes each piece inside its
// function, decoding the function from its start so that the instruction
// boundaries are the ones a probe must use. It wraps ErrNoDebugInfo,
// ErrNotFound and ErrAmbiguous.
func buildLineListing(src codeSource, d *dwarf.Data, slide uint64, file string, line int) (*LineListing, error) {
	if d == nil {
		return nil, fmt.Errorf("%s:%d: %w", file, line, ErrNoDebugInfo)
	}
	ranges, full, err := lineRanges(d, file, line)
	if err != nil {
		return nil, err
	}
	ll := &LineListing{File: full, Line: line}
	for _, r := range ranges {
		r.lo, r.hi = r.lo+slide, r.hi+slide
		lr := LineRange{Lo: r.lo, Hi: r.hi}
		start, end := r.lo, r.hi
		if name, s, e, ok := src.funcAt(r.lo); ok && r.lo < e {
			lr.Func, lr.FuncAddr, start, end = name, s, s, max(e, r.hi)
			lr.Notes, lr.Blacklist = src.notes(name, s)
		}
		code, err := src.read(start, end-start)
		if err != nil {
			return nil, fmt.Errorf("read code of %s:%d: %w", file, line, err)
		}
		for _, in := range Decode(src.arch(), code, start, src.symbolizer()) {
			if in.Addr >= r.lo && in.Addr < r.hi {
				lr.Insts = append(lr.Insts, in)
			}
		}
		ll.Ranges = append(ll.Ranges, lr)
	}
	return ll, nil
}
