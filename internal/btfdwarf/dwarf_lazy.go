package btfdwarf

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"os"
)

// lazyState is a DWARF source read compile unit by compile unit.
type lazyState struct {
	sec   *sections
	units []unitSpan
	cus   map[int]*cuData
	// full covers the whole file, for units that reference others
	// (DW_FORM_ref_addr).
	full *cuData
	// fh reads .debug_info in chunks when names are searched.
	fh *os.File
	// cache remembers where names were found (nil: no cache).
	cache *dwarfCache
	// funcCU remembers each function's unit, for ForFunc.
	funcCU map[string]*cuData
}

// unit opens unit i.
func (d *DWARF) unit(i int) (*cuData, error) {
	l := d.lazy
	if c, ok := l.cus[i]; ok {
		return c, nil
	}
	u := l.units[i]
	if ab, ok := unitAbbrevOffset(l.sec.info, u, l.sec.order); !ok || usesRefAddr(l.sec.abbrev, ab) {
		c, err := d.fullUnit()
		if err != nil {
			return nil, err
		}
		l.cus[i] = c
		return c, nil
	}
	dd, err := l.sec.newUnitData(u)
	if err != nil {
		return nil, fmt.Errorf("read DWARF %s: unit at %#x: %w", d.path, u.start, err)
	}
	c := &cuData{span: u, d: dd, memo: map[dwarf.Offset]*Type{}}
	if top, err := dd.Reader().Next(); err == nil && top != nil {
		lang, _ := top.Val(dwarf.AttrLanguage).(int64)
		c.asm = lang == langMipsAssembler
	}
	l.cus[i] = c
	return c, nil
}

// fullUnit is the whole .debug_info as one debug/dwarf: slow to open
// (every unit's abbreviations), used only when a unit refers to others.
func (d *DWARF) fullUnit() (*cuData, error) {
	l := d.lazy
	if l.full != nil {
		return l.full, nil
	}
	dd, err := l.sec.newUnitData(unitSpan{0, uint64(len(l.sec.info))})
	if err != nil {
		return nil, fmt.Errorf("read DWARF %s: %w", d.path, err)
	}
	l.full = &cuData{span: unitSpan{0, uint64(len(l.sec.info))}, d: dd, memo: map[dwarf.Offset]*Type{}}
	return l.full, nil
}

// lazyFunc finds a function through the symbol table and
// .debug_aranges, decoding only its unit.
func (d *DWARF) lazyFunc(name string) (*Func, error) {
	l := d.lazy
	if off, ok := l.cache.get("f " + name); ok {
		if c, rel, ok := d.cachedUnit(off); ok {
			if f, err := d.funcAt(c, rel, name); err == nil {
				l.funcCU[name] = c
				return f, nil
			}
		}
	}
	f, c, off, err := d.findFunc(name)
	if err != nil {
		return nil, err
	}
	l.funcCU[name] = c
	l.cache.put("f "+name, c.span.start+uint64(off))
	return f, nil
}

// findFunc searches a function: its unit through the symbol table and
// .debug_aranges, else the units that mention its name.
func (d *DWARF) findFunc(name string) (*Func, *cuData, dwarf.Offset, error) {
	l := d.lazy
	for _, addr := range symbolAddrs(l.sec.symtab, l.sec.strtab, l.sec.order, d.file.Class, name) {
		cuOff, ok := arangeUnit(l.sec.aranges, l.sec.order, addr)
		if !ok {
			continue
		}
		i, ok := unitAt(l.units, cuOff)
		if !ok {
			continue
		}
		c, err := d.unit(i)
		if err != nil {
			return nil, nil, 0, err
		}
		off, ok, err := c.findSubprogram(name, addr)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("function %s: %w", name, err)
		}
		if ok && !c.asm {
			f, err := d.funcAt(c, off, name)
			return f, c, off, err
		}
	}
	// Not in the symbol table (inlined everywhere), no aranges, or
	// written in assembler (whose DWARF has no prototype): look for the
	// name in the C units, a definition or else a declaration (a libc
	// syscall wrapper is declared in every unit that calls it).
	var fc, declC *cuData
	var foff, declOff dwarf.Offset
	err := d.unitsNaming(name, func(i int) (bool, error) {
		c, err := d.unit(i)
		if err != nil || c.asm {
			return false, err
		}
		offs, err := c.lookup("func " + name)
		if err != nil {
			return false, err
		}
		if len(offs) > 0 {
			fc, foff = c, offs[0]
			return true, nil
		}
		if declC == nil {
			if decls, err := c.lookup("decl func " + name); err == nil && len(decls) > 0 {
				declC, declOff = c, decls[0]
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("function %s: %w", name, err)
	}
	if fc == nil {
		fc, foff = declC, declOff
	}
	if fc == nil {
		return nil, nil, 0, fmt.Errorf("function %s in %s: %w", name, d.Describe(), ErrNotFound)
	}
	f, err := d.funcAt(fc, foff, name)
	return f, fc, foff, err
}

// langMipsAssembler is DW_LANG_Mips_Assembler, which GNU as writes.
const langMipsAssembler = 0x8001

// findSubprogram finds among a unit's top-level entries the function
// named name whose code starts at addr (or, without addresses, by name).
func (c *cuData) findSubprogram(name string, addr uint64) (dwarf.Offset, bool, error) {
	r := c.d.Reader()
	cu, err := r.Next()
	if err != nil || cu == nil {
		return 0, false, err
	}
	var byName dwarf.Offset
	found := false
	w := walkOf(c)
	w.last = cu.Offset
	for {
		e, err := w.next(r)
		if err != nil {
			return 0, false, err
		}
		if e == nil || e.Tag == 0 {
			break
		}
		if e.Tag == dwarf.TagSubprogram {
			lo, hasLo := e.Val(dwarf.AttrLowpc).(uint64)
			if hasLo && lo == addr {
				return e.Offset, true, nil
			}
			if n, _ := e.Val(dwarf.AttrName).(string); n == name && !found {
				if decl, _ := e.Val(dwarf.AttrDeclaration).(bool); !decl {
					byName, found = e.Offset, true
				}
			}
		}
		if e.Children {
			r.SkipChildren()
		}
	}
	return byName, found, nil
}

// funcAt decodes the prototype of the subprogram at off, following
// DW_AT_abstract_origin and DW_AT_specification to where the name,
// return type and parameters are.
func (d *DWARF) funcAt(c *cuData, off dwarf.Offset, name string) (*Func, error) {
	r := c.d.Reader()
	var e *dwarf.Entry
	for range 4 {
		r.Seek(off)
		var err error
		if e, err = r.Next(); err != nil || e == nil {
			return nil, fmt.Errorf("function %s: %w", name, ErrNotFound)
		}
		origin, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
		if !ok {
			origin, ok = e.Val(dwarf.AttrSpecification).(dwarf.Offset)
		}
		if !ok {
			break
		}
		off = origin
	}
	proto := &Type{Kind: FuncProto}
	if to, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
		rt, err := d.typeAt(c, to)
		if err != nil {
			return nil, fmt.Errorf("function %s return type: %w", name, err)
		}
		proto.Ret = rt
	}
	if e.Children {
		kids, err := children(c, r)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			switch k.Tag {
			case dwarf.TagFormalParameter:
				pn, _ := k.Val(dwarf.AttrName).(string)
				pt, err := d.typeAttr(c, k)
				if err != nil {
					return nil, fmt.Errorf("function %s parameter %s: %w", name, pn, err)
				}
				proto.Params = append(proto.Params, Param{Name: pn, Type: pt})
			case dwarf.TagUnspecifiedParameters:
				proto.Variadic = true
			}
		}
	}
	return &Func{Name: name, Proto: proto}, nil
}

// entryWalk insists that a walk over entries moves forward and ends: a
// damaged DW_AT_sibling pointing back would make SkipChildren loop, and
// no unit holds more entries than bytes.
type entryWalk struct {
	last  dwarf.Offset
	n     int
	limit int
}

// walkOf bounds a walk over unit c.
func walkOf(c *cuData) *entryWalk {
	return &entryWalk{limit: int(c.span.end-c.span.start) + 16}
}

// next reads the next entry.
func (w *entryWalk) next(r *dwarf.Reader) (*dwarf.Entry, error) {
	w.n++
	if w.n > w.limit {
		return nil, errors.New("DWARF entries do not end")
	}
	e, err := r.Next()
	if err != nil || e == nil || e.Tag == 0 {
		// debug/dwarf gives the null entry ending a list no offset.
		return e, err
	}
	if e.Offset <= w.last && w.last != 0 {
		return nil, fmt.Errorf("DWARF entry at %#x after %#x: entries loop", e.Offset, w.last)
	}
	w.last = e.Offset
	return e, nil
}

// children reads the direct children of the entry just read.
func children(c *cuData, r *dwarf.Reader) ([]*dwarf.Entry, error) {
	var out []*dwarf.Entry
	w := walkOf(c)
	for {
		e, err := w.next(r)
		if err != nil {
			return nil, err
		}
		if e == nil || e.Tag == 0 {
			return out, nil
		}
		out = append(out, e)
		if e.Children {
			r.SkipChildren()
		}
	}
}

// typeAttr decodes an entry's DW_AT_type (void when absent).
func (d *DWARF) typeAttr(c *cuData, e *dwarf.Entry) (*Type, error) {
	to, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
	if !ok {
		return &Type{Kind: Void, Name: "void"}, nil
	}
	return d.typeAt(c, to)
}
