package disasm

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"

	"github.com/surftrace/surftrace/internal/uobj"
)

// userSource reads a user object's code through its PT_LOAD segments.
type userSource struct {
	o    *uobj.Object
	a    Arch
	plt  map[uint64]string // PLT slot → "name@plt"
	code *image
}

func newUserSource(o *uobj.Object) (*userSource, error) {
	a, err := ArchOf(o.ELF())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Path, err)
	}
	img, err := openImage(o.Path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", o.Path, err)
	}
	return &userSource{o: o, a: a, plt: pltNames(o.ELF()), code: img}, nil
}

func (s *userSource) arch() Arch                          { return s.a }
func (s *userSource) read(addr, n uint64) ([]byte, error) { return s.code.Read(addr, n) }

func (s *userSource) symbolizer() Symbolizer {
	return SymbolizerFunc(func(addr uint64) (string, uint64, bool) {
		if fn, off, ok := s.o.Containing(addr); ok {
			return fn.Name, off, true
		}
		if name, ok := s.plt[addr]; ok {
			return name, 0, true
		}
		return "", 0, false
	})
}

func (s *userSource) funcAt(addr uint64) (string, uint64, uint64, bool) {
	fn, _, ok := s.o.Containing(addr)
	return fn.Name, fn.Addr, fn.Addr + fn.Size, ok
}

func (s *userSource) notes(string, uint64) ([]string, bool) { return nil, false }

// UserFunc disassembles function name of a user object (`-F OBJ:FUNC`),
// with source lines when the object or its debug file has DWARF. It wraps
// uobj's errors (ErrNotFound, ErrIFUNC, ErrAmbiguous) and ErrArch.
func UserFunc(o *uobj.Object, name string) (*Listing, error) {
	fn, err := o.Func(name)
	if err != nil {
		return nil, err
	}
	src, err := newUserSource(o)
	if err != nil {
		return nil, err
	}
	defer src.code.Close()
	l, err := buildListing(src, userDWARF(o), 0, fn.Name, fn.Addr, fn.Addr+fn.Size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Path, err)
	}
	l.Object, l.FileOffset = o.Path, fn.Offset
	return l, nil
}

// UserLine disassembles the code of FILE:LINE in a user object (`-l
// OBJ:FILE:LINE`). It wraps ErrNoDebugInfo, ErrNotFound and ErrAmbiguous.
func UserLine(o *uobj.Object, file string, line int) (*LineListing, error) {
	d := userDWARF(o)
	if d == nil {
		return nil, fmt.Errorf("%s: %w (no DWARF in the object nor a separate debug file)", o.Path, ErrNoDebugInfo)
	}
	src, err := newUserSource(o)
	if err != nil {
		return nil, err
	}
	defer src.code.Close()
	ll, err := buildLineListing(src, d, 0, file, line)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Path, err)
	}
	ll.Object = o.Path
	for i := range ll.Ranges {
		if r := &ll.Ranges[i]; r.Func != "" {
			r.FuncFile, _ = o.Offset(r.FuncAddr)
		}
	}
	return ll, nil
}

// userDWARF is the object's DWARF, or nil: a missing or unreadable debug
// file only costs the source lines of -F.
func userDWARF(o *uobj.Object) *dwarf.Data {
	d, err := o.DWARF()
	if err != nil {
		return nil
	}
	return d
}

// pltNames names the PLT slots "sym@plt" as objdump does, from .rela.plt:
// slot i belongs to relocation i, in .plt.sec when the object has one (IBT
// builds) and after .plt's header entry otherwise. Both kinds of slots are
// 16 bytes on x86_64.
func pltNames(f *elf.File) map[uint64]string {
	if f.Machine != elf.EM_X86_64 {
		return nil
	}
	rela := f.Section(".rela.plt")
	syms, err := f.DynamicSymbols()
	if rela == nil || err != nil {
		return nil
	}
	data, err := rela.Data()
	if err != nil {
		return nil
	}
	var base uint64
	if s := f.Section(".plt.sec"); s != nil {
		base = s.Addr
	} else if s := f.Section(".plt"); s != nil {
		base = s.Addr + 16
	} else {
		return nil
	}
	out := map[uint64]string{}
	for i := 0; (i+1)*24 <= len(data); i++ {
		info := f.ByteOrder.Uint64(data[i*24+8:])
		idx := int(elf.R_SYM64(info))
		if idx < 1 || idx > len(syms) {
			continue
		}
		out[base+uint64(i)*16] = syms[idx-1].Name + "@plt"
	}
	return out
}
