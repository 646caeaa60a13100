package btfdwarf

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// DWARF answers type questions from an ELF's debug info (a vmlinux built
// with CONFIG_DEBUG_INFO, a .ko, or a user binary built with -g).
//
// A file whose DWARF sections are stored plainly (a vmlinux, a program)
// is mapped and read compile unit by compile unit: a function's unit is
// found through the symbol table and .debug_aranges, and only the units
// an expression needs are decoded (compressed sections are unpacked
// first). A relocatable object (.ko), whose DWARF needs relocating, is
// read whole with debug/dwarf.
type DWARF struct {
	path    string
	file    *elf.File
	data    *dwarf.Data
	ptrSize int
	// index maps "func NAME", "struct NAME", "union NAME", "enum NAME" and
	// "NAME" (typedefs, base types) to the entry's offset; built on the
	// first lookup because DWARF has no name table we can rely on.
	index map[string]dwarf.Offset
	memo  map[dwarf.Type]*Type
	// lazy is set when the file is read unit by unit.
	lazy    *lazyState
	release func()
	depth   int // typeAt's recursion, bounded against loops
}

// ErrNoDebugInfo: the ELF has no DWARF.
var ErrNoDebugInfo = errors.New("no debug info (DWARF)")

// LoadDWARF opens path's DWARF. It wraps ErrNoDebugInfo.
func LoadDWARF(path string, ptrSize int) (*DWARF, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	if err := checkTypeFile(st); err != nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	if d, err := loadLazyDWARF(path, ptrSize); d != nil || err != nil {
		return d, err
	}
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	if f.Section(".debug_info") == nil {
		f.Close()
		return nil, fmt.Errorf("load DWARF %s: %w", path, ErrNoDebugInfo)
	}
	d, err := f.DWARF()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	return &DWARF{path: path, file: f, data: d, ptrSize: elfPtrSize(f, ptrSize), memo: map[dwarf.Type]*Type{}}, nil
}

func elfPtrSize(f *elf.File, ptrSize int) int {
	if ptrSize != 0 {
		return ptrSize
	}
	if f.Class == elf.ELFCLASS32 {
		return 4
	}
	return 8
}

// loadLazyDWARF maps path and reads it unit by unit; nil, nil when the
// file must be read whole instead.
func loadLazyDWARF(path string, ptrSize int) (*DWARF, error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
		fh.Close()
		return nil, nil
	}
	m, err := unix.Mmap(int(fh.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_PRIVATE)
	if err != nil {
		fh.Close()
		return nil, nil
	}
	release := func() { _ = unix.Munmap(m); fh.Close() }
	d, err := newLazyDWARF(path, m, fh, ptrSize)
	if d == nil || err != nil {
		release()
		return d, err
	}
	d.lazy.fh, d.release = fh, release
	return d, nil
}

// newLazyDWARF reads the ELF image m (the mapped file, read also through
// r) unit by unit; nil, nil when it must be read whole instead.
func newLazyDWARF(path string, m []byte, r io.ReaderAt, ptrSize int) (*DWARF, error) {
	f, err := elf.NewFile(bytes.NewReader(m))
	if err != nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	if f.Section(".debug_info") == nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, ErrNoDebugInfo)
	}
	sec, ok := mappedSections(f, m, r)
	if !ok {
		return nil, nil
	}
	units, err := unitSpans(sec.infoAt, sec.infoOff, uint64(len(sec.info)), sec.order)
	if err != nil {
		return nil, fmt.Errorf("load DWARF %s: %w", path, err)
	}
	return &DWARF{
		path: path, file: f, ptrSize: elfPtrSize(f, ptrSize), memo: map[dwarf.Type]*Type{},
		lazy: &lazyState{sec: sec, units: units, cus: map[int]*cuData{}, funcCU: map[string]*cuData{}},
	}, nil
}

// Close releases the file.
func (d *DWARF) Close() error {
	if d.release != nil {
		d.release()
		d.release = nil
		return nil
	}
	return d.file.Close()
}

// PointerSize implements Source.
func (d *DWARF) PointerSize() int { return d.ptrSize }

// Describe implements Source.
func (d *DWARF) Describe() string { return "DWARF " + d.path }

// Data exposes the DWARF for line tables (disassembly); a file read unit
// by unit is read whole for it.
func (d *DWARF) Data() *dwarf.Data {
	if d.data == nil {
		d.data, _ = d.file.DWARF()
	}
	return d.data
}

// ForFunc returns the source to resolve a function's casts in: a view
// that looks names up in the function's compile unit first.
func (d *DWARF) ForFunc(name string) Source {
	if d.lazy == nil {
		return d
	}
	if c := d.lazy.funcCU[name]; c != nil {
		return &dwarfUnitView{d: d, c: c}
	}
	return d
}

// dwarfUnitView is a DWARF source bound to one compile unit.
type dwarfUnitView struct {
	d *DWARF
	c *cuData
}

func (v *dwarfUnitView) Func(name string) (*Func, error) { return v.d.Func(name) }
func (v *dwarfUnitView) TypeByName(name string) (*Type, error) {
	name = normalizeTypeName(name)
	if t, ok := builtinType(name, v.d.ptrSize); ok {
		return t, nil
	}
	return v.d.lazyTypeByName(name, v.c)
}
func (v *dwarfUnitView) PointerSize() int { return v.d.ptrSize }
func (v *dwarfUnitView) Describe() string { return v.d.Describe() }

func (d *DWARF) buildIndex() error {
	if d.index != nil {
		return nil
	}
	d.index = map[string]dwarf.Offset{}
	r := d.data.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return fmt.Errorf("read DWARF %s: %w", d.path, err)
		}
		if e == nil {
			return nil
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		key := ""
		switch e.Tag {
		case dwarf.TagSubprogram:
			// A definition with parameters beats a declaration.
			if name != "" {
				key = "func " + name
				if decl, _ := e.Val(dwarf.AttrDeclaration).(bool); decl {
					if _, ok := d.index[key]; ok {
						key = ""
					}
				} else if _, ok := d.index[key]; ok && !e.Children {
					key = ""
				}
			}
		case dwarf.TagStructType:
			key = "struct " + name
		case dwarf.TagUnionType:
			key = "union " + name
		case dwarf.TagEnumerationType:
			key = "enum " + name
		case dwarf.TagTypedef, dwarf.TagBaseType:
			key = name
		}
		if key != "" && name != "" {
			decl, _ := e.Val(dwarf.AttrDeclaration).(bool)
			if _, ok := d.index[key]; !ok || (!decl && e.Tag != dwarf.TagSubprogram) {
				if !decl || e.Tag == dwarf.TagSubprogram {
					d.index[key] = e.Offset
				} else if _, ok := d.index[key]; !ok {
					d.index[key] = e.Offset
				}
			}
		}
		if e.Tag != dwarf.TagCompileUnit && e.Tag != dwarf.TagNamespace && e.Children && e.Tag != dwarf.TagSubprogram {
			// Types nested in structs are found through their parents.
			r.SkipChildren()
		}
	}
}

// Func implements Source. It wraps ErrNotFound.
func (d *DWARF) Func(name string) (*Func, error) {
	if d.lazy != nil {
		return d.lazyFunc(name)
	}
	if err := d.buildIndex(); err != nil {
		return nil, err
	}
	off, ok := d.index["func "+name]
	if !ok {
		return nil, fmt.Errorf("function %s in %s: %w", name, d.Describe(), ErrNotFound)
	}
	r := d.data.Reader()
	r.Seek(off)
	e, err := r.Next()
	if err != nil || e == nil {
		return nil, fmt.Errorf("function %s: %w", name, ErrNotFound)
	}
	proto := &Type{Kind: FuncProto}
	if to, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
		rt, err := d.data.Type(to)
		if err != nil {
			return nil, fmt.Errorf("function %s return type: %w", name, err)
		}
		proto.Ret = d.convert(rt)
	}
	if e.Children {
		for {
			c, err := r.Next()
			if err != nil || c == nil || c.Tag == 0 {
				break
			}
			switch c.Tag {
			case dwarf.TagFormalParameter:
				pn, _ := c.Val(dwarf.AttrName).(string)
				to, _ := c.Val(dwarf.AttrType).(dwarf.Offset)
				pt, err := d.data.Type(to)
				if err != nil {
					return nil, fmt.Errorf("function %s parameter %s: %w", name, pn, err)
				}
				proto.Params = append(proto.Params, Param{Name: pn, Type: d.convert(pt)})
			case dwarf.TagUnspecifiedParameters:
				proto.Variadic = true
			}
			if c.Children {
				r.SkipChildren()
			}
		}
	}
	return &Func{Name: name, Proto: proto}, nil
}

// TypeByName implements Source. It wraps ErrNotFound.
func (d *DWARF) TypeByName(name string) (*Type, error) {
	name = normalizeTypeName(name)
	if t, ok := builtinType(name, d.ptrSize); ok {
		return t, nil
	}
	if d.lazy != nil {
		return d.lazyTypeByName(name, nil)
	}
	if err := d.buildIndex(); err != nil {
		return nil, err
	}
	off, ok := d.index[name]
	if !ok {
		off, ok = d.index["struct "+name]
	}
	if !ok {
		return nil, fmt.Errorf("type %q in %s: %w", name, d.Describe(), ErrNotFound)
	}
	t, err := d.data.Type(off)
	if err != nil {
		return nil, fmt.Errorf("type %q: %w", name, err)
	}
	return d.convert(t), nil
}

// convert maps a debug/dwarf type to ours, stripping typedefs and
// qualifiers but keeping the outermost typedef's name.
func (d *DWARF) convert(t dwarf.Type) *Type {
	if c, ok := d.memo[t]; ok {
		return c
	}
	var out *Type
	switch x := t.(type) {
	case *dwarf.TypedefType:
		under := d.convert(x.Type)
		if under.Kind == FuncProto {
			return under
		}
		c := *under
		c.Name = x.Name
		out = &c
	case *dwarf.QualType:
		return d.convert(x.Type)
	case *dwarf.CharType:
		out = &Type{Kind: Int, Name: x.Name, Size: int(x.ByteSize), Signed: true, Char: x.Name == "char"}
	case *dwarf.UcharType:
		out = &Type{Kind: Int, Name: x.Name, Size: int(x.ByteSize), Char: x.Name == "char"}
	case *dwarf.IntType:
		out = &Type{Kind: Int, Name: normalizeTypeName(x.Name), Size: int(x.ByteSize), Signed: true}
	case *dwarf.UintType:
		out = &Type{Kind: Int, Name: normalizeTypeName(x.Name), Size: int(x.ByteSize)}
	case *dwarf.BoolType:
		out = &Type{Kind: Int, Name: x.Name, Size: int(x.ByteSize)}
	case *dwarf.FloatType:
		out = &Type{Kind: Float, Name: x.Name, Size: int(x.ByteSize)}
	case *dwarf.PtrType:
		target := x.Type
		out = &Type{Kind: Pointer, Size: d.ptrSize}
		if target == nil {
			out.elem = &Type{Kind: Void, Name: "void"}
		} else {
			out.loadElem = func() (*Type, error) { return d.convert(target), nil }
		}
	case *dwarf.ArrayType:
		e := d.convert(x.Type)
		n := int(x.Count)
		if n < 0 {
			n = 0
		}
		out = &Type{Kind: Array, Len: n, Size: n * e.Size, elem: e}
	case *dwarf.StructType:
		out = &Type{Kind: Struct, Size: int(x.ByteSize)}
		if x.Kind == "union" {
			out.Kind = Union
		}
		if x.StructName != "" {
			out.Name = x.Kind + " " + x.StructName
		}
		d.memo[t] = out
		for _, f := range x.Field {
			m := Member{Name: f.Name, Type: d.convert(f.Type), BitOffset: int(f.ByteOffset) * 8}
			if f.BitSize > 0 {
				m.BitSize = int(f.BitSize)
				// debug/dwarf reports an absent attribute as 0, so a
				// DWARF 2-4 field ending at its unit's top bit
				// (DW_AT_bit_offset 0) looks like DWARF 5's bit 0; only
				// the older style carries DW_AT_byte_size.
				if f.DataBitOffset != 0 || f.BitOffset == 0 && f.ByteSize == 0 {
					m.BitOffset = int(f.DataBitOffset)
				} else {
					// DWARF 2 style: counted from the storage unit's MSB.
					m.BitOffset = int(f.ByteOffset)*8 + int(f.ByteSize)*8 - int(f.BitOffset) - int(f.BitSize)
				}
			}
			out.Members = append(out.Members, m)
		}
	case *dwarf.EnumType:
		out = &Type{Kind: Enum, Size: int(x.ByteSize)}
		if x.EnumName != "" {
			out.Name = "enum " + x.EnumName
		}
		for _, v := range x.Val {
			out.Enumerators = append(out.Enumerators, Enumerator{Name: v.Name, Value: v.Val})
			if v.Val < 0 {
				out.Signed = true
			}
		}
	case *dwarf.FuncType:
		out = &Type{Kind: FuncProto}
		d.memo[t] = out
		if x.ReturnType != nil {
			out.Ret = d.convert(x.ReturnType)
		}
		for _, p := range x.ParamType {
			if _, ok := p.(*dwarf.DotDotDotType); ok {
				out.Variadic = true
				continue
			}
			out.Params = append(out.Params, Param{Type: d.convert(p)})
		}
	case *dwarf.VoidType:
		out = &Type{Kind: Void, Name: "void"}
	default:
		out = &Type{Kind: Unknown, Name: strings.TrimSpace(t.String()), Size: int(t.Size())}
	}
	d.memo[t] = out
	return out
}
