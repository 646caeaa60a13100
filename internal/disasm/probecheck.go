package disasm

import (
	"errors"
	"fmt"

	"github.com/surftrace/surftrace/internal/uobj"
)

// ErrNotBoundary: a probe offset inside an instruction; the kernel refuses
// it (EILSEQ) or, for a uprobe, would corrupt the instruction.
var ErrNotBoundary = errors.New("not an instruction boundary")

// CheckOffset tells whether `p NAME+OFF` lands on an instruction start of
// the kernel function, before the definition reaches kprobe_events. The
// error names the instruction that holds OFF and the boundaries around it.
// It wraps ErrNotBoundary, uobj.ErrOutOfRange and Func's errors.
func (k *Kernel) CheckOffset(name string, off uint64) error {
	sym, _, err := k.lookup(name)
	if err != nil {
		return err
	}
	start, end := k.syms.Bounds(sym)
	if end <= start || end-start > maxFuncSize {
		return fmt.Errorf("%s: cannot tell where it ends", sym.Name)
	}
	code, err := k.read(start, end-start)
	if err != nil {
		return fmt.Errorf("read code of %s: %w", sym.Name, err)
	}
	return checkOffset(k.a, code, start, sym.Name, off, k.symbolizer())
}

// CheckUserOffset is CheckOffset for `P OBJ:FUNC+OFF`.
func CheckUserOffset(o *uobj.Object, fn uobj.Func, off uint64) error {
	src, err := newUserSource(o)
	if err != nil {
		return err
	}
	defer src.code.Close()
	code, err := o.Code(fn)
	if err != nil {
		return err
	}
	return checkOffset(src.a, code, fn.Addr, fn.Name, off, src.symbolizer())
}

func checkOffset(a Arch, code []byte, start uint64, name string, off uint64, sym Symbolizer) error {
	if off >= uint64(len(code)) {
		return fmt.Errorf("%s+%d: %w (the function is %d bytes)", name, off, uobj.ErrOutOfRange, len(code))
	}
	if IsBoundaryArch(a, code, int(off)) {
		return nil
	}
	insts := Decode(a, code, start, sym)
	for i, in := range insts {
		if uint64(in.Off) < off && off < uint64(in.Off+len(in.Bytes)) {
			next := ""
			if i+1 < len(insts) {
				next = fmt.Sprintf(" or +%d", insts[i+1].Off)
			}
			return fmt.Errorf("%s+%d: %w: it is inside `%s` at +%d; use +%d%s", name, off, ErrNotBoundary, in.Text, in.Off, in.Off, next)
		}
	}
	return fmt.Errorf("%s+%d: %w", name, off, ErrNotBoundary)
}
