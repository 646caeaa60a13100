package btfdwarf

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"os"
	"strings"
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
		if ok {
			f, err := d.funcAt(c, off, name)
			return f, c, off, err
		}
	}
	// Not in the symbol table (inlined everywhere) or no aranges: look
	// for the name in the units.
	var f *Func
	var fc *cuData
	var foff dwarf.Offset
	err := d.unitsNaming(name, func(i int) (bool, error) {
		c, err := d.unit(i)
		if err != nil {
			return false, err
		}
		offs, err := c.lookup("func " + name)
		if err != nil || len(offs) == 0 {
			return false, err
		}
		if f, err = d.funcAt(c, offs[0], name); err != nil {
			return false, err
		}
		fc, foff = c, offs[0]
		return true, nil
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("function %s: %w", name, err)
	}
	if f == nil {
		return nil, nil, 0, fmt.Errorf("function %s in %s: %w", name, d.Describe(), ErrNotFound)
	}
	return f, fc, foff, nil
}

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

// DWARF base type encodings (DWARF 5, 7.8).
const (
	ateBoolean      = 0x2
	ateFloat        = 0x4
	ateSigned       = 0x5
	ateSignedChar   = 0x6
	ateUnsigned     = 0x7
	ateUnsignedChar = 0x8
)

// tagAtomic is DW_TAG_atomic_type (_Atomic), which debug/dwarf does not
// name.
const tagAtomic dwarf.Tag = 0x47

// typeAt decodes the type entry at off of unit c: typedefs and
// qualifiers stripped (the outermost typedef's name kept), struct
// members decoded, pointees when first asked for.
func (d *DWARF) typeAt(c *cuData, off dwarf.Offset) (*Type, error) {
	if t, ok := c.memo[off]; ok {
		return t, nil
	}
	if d.depth > maxTypeDepth {
		return nil, fmt.Errorf("DWARF type at %#x: types nest deeper than %d", uint64(off)+c.span.start, maxTypeDepth)
	}
	d.depth++
	defer func() { d.depth-- }()
	r := c.d.Reader()
	r.Seek(off)
	e, err := r.Next()
	if err != nil {
		return nil, fmt.Errorf("DWARF type at %#x: %w", uint64(off)+c.span.start, err)
	}
	if e == nil {
		return nil, fmt.Errorf("DWARF type at %#x: %w", uint64(off)+c.span.start, ErrNotFound)
	}
	name, _ := e.Val(dwarf.AttrName).(string)
	size, _ := e.Val(dwarf.AttrByteSize).(int64)
	var t *Type
	switch e.Tag {
	case dwarf.TagBaseType:
		enc, _ := e.Val(dwarf.AttrEncoding).(int64)
		switch enc {
		case ateFloat:
			t = &Type{Kind: Float, Name: name, Size: int(size)}
		default:
			t = &Type{Kind: Int, Name: normalizeTypeName(name), Size: int(size),
				Signed: enc == ateSigned || enc == ateSignedChar,
				Char:   name == "char" && (enc == ateSignedChar || enc == ateUnsignedChar)}
			if enc == ateBoolean {
				t.Signed = false
			}
		}
	case dwarf.TagPointerType, dwarf.TagReferenceType:
		t = &Type{Kind: Pointer, Size: d.ptrSize}
		if to, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
			t.loadElem = func() (*Type, error) { return d.typeAt(c, to) }
		} else {
			t.elem = &Type{Kind: Void, Name: "void"}
		}
	case dwarf.TagTypedef:
		under, err := d.typeAttr(c, e)
		if err != nil {
			return nil, err
		}
		if under.Kind == FuncProto {
			return under, nil
		}
		cp := *under
		cp.Name = name
		t = &cp
	case dwarf.TagConstType, dwarf.TagVolatileType, dwarf.TagRestrictType, tagAtomic:
		under, err := d.typeAttr(c, e)
		if err != nil {
			return nil, err
		}
		c.memo[off] = under
		return under, nil
	case dwarf.TagStructType, dwarf.TagUnionType, dwarf.TagClassType:
		kind, word := Struct, "struct "
		if e.Tag == dwarf.TagUnionType {
			kind, word = Union, "union "
		}
		if decl, _ := e.Val(dwarf.AttrDeclaration).(bool); decl && name != "" {
			// Declared here, defined in another unit.
			if def, err := d.lazyTypeByName(word+name, c); err == nil {
				c.memo[off] = def
				return def, nil
			}
		}
		t = &Type{Kind: kind, Size: int(size)}
		if name != "" {
			t.Name = word + name
		}
		c.memo[off] = t
		if e.Children {
			kids, err := children(c, r)
			if err != nil {
				return nil, err
			}
			for _, k := range kids {
				if k.Tag != dwarf.TagMember {
					continue
				}
				m, err := d.member(c, k)
				if err != nil {
					return nil, err
				}
				t.Members = append(t.Members, m)
			}
		}
	case dwarf.TagArrayType:
		el, err := d.typeAttr(c, e)
		if err != nil {
			return nil, err
		}
		var dims []int
		if e.Children {
			kids, err := children(c, r)
			if err != nil {
				return nil, err
			}
			for _, k := range kids {
				if k.Tag != dwarf.TagSubrangeType {
					continue
				}
				n := 0
				if cnt, ok := k.Val(dwarf.AttrCount).(int64); ok {
					n = int(cnt)
				} else if ub, ok := k.Val(dwarf.AttrUpperBound).(int64); ok {
					n = int(ub) + 1
				}
				dims = append(dims, max(n, 0))
			}
		}
		if len(dims) == 0 {
			dims = []int{0}
		}
		for i := len(dims) - 1; i >= 0; i-- {
			el = &Type{Kind: Array, Len: dims[i], Size: dims[i] * el.Size, elem: el}
		}
		t = el
	case dwarf.TagEnumerationType:
		t = &Type{Kind: Enum, Size: int(size)}
		if name != "" {
			t.Name = "enum " + name
		}
		if ut, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
			if u, err := d.typeAt(c, ut); err == nil {
				t.Signed = u.Signed
			}
		}
		if e.Children {
			kids, err := children(c, r)
			if err != nil {
				return nil, err
			}
			for _, k := range kids {
				if k.Tag != dwarf.TagEnumerator {
					continue
				}
				en, _ := k.Val(dwarf.AttrName).(string)
				v, _ := k.Val(dwarf.AttrConstValue).(int64)
				t.Enumerators = append(t.Enumerators, Enumerator{Name: en, Value: v})
				if v < 0 {
					t.Signed = true
				}
			}
		}
	case dwarf.TagSubroutineType:
		t = &Type{Kind: FuncProto}
		c.memo[off] = t
		if _, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
			rt, err := d.typeAttr(c, e)
			if err != nil {
				return nil, err
			}
			t.Ret = rt
		}
		if e.Children {
			kids, err := children(c, r)
			if err != nil {
				return nil, err
			}
			for _, k := range kids {
				switch k.Tag {
				case dwarf.TagFormalParameter:
					pt, err := d.typeAttr(c, k)
					if err != nil {
						return nil, err
					}
					t.Params = append(t.Params, Param{Type: pt})
				case dwarf.TagUnspecifiedParameters:
					t.Variadic = true
				}
			}
		}
	case dwarf.TagUnspecifiedType:
		t = &Type{Kind: Void, Name: "void"}
	default:
		t = &Type{Kind: Unknown, Name: name, Size: int(size)}
	}
	c.memo[off] = t
	return t, nil
}

// member decodes a struct or union member, with DWARF 4/5 and DWARF 2/3
// bitfields.
func (d *DWARF) member(c *cuData, k *dwarf.Entry) (Member, error) {
	mt, err := d.typeAttr(c, k)
	if err != nil {
		return Member{}, err
	}
	name, _ := k.Val(dwarf.AttrName).(string)
	m := Member{Name: name, Type: mt}
	byteOff := int64(0)
	switch loc := k.Val(dwarf.AttrDataMemberLoc).(type) {
	case int64:
		byteOff = loc
	case []byte:
		// A location expression; compilers emit DW_OP_plus_uconst N.
		if len(loc) > 1 && loc[0] == 0x23 {
			byteOff = int64(uleb128(loc[1:]))
		}
	}
	m.BitOffset = int(byteOff) * 8
	if bs, ok := k.Val(dwarf.AttrBitSize).(int64); ok && bs > 0 {
		m.BitSize = int(bs)
		if dbo, ok := k.Val(dwarf.AttrDataBitOffset).(int64); ok {
			m.BitOffset = int(dbo)
		} else if bo, ok := k.Val(dwarf.AttrBitOffset).(int64); ok {
			// DWARF 2/3: counted from the storage unit's most
			// significant bit.
			unit, ok := k.Val(dwarf.AttrByteSize).(int64)
			if !ok {
				unit = int64(mt.Size)
			}
			m.BitOffset = int(byteOff)*8 + int(unit)*8 - int(bo) - int(bs)
		}
	}
	return m, nil
}

func uleb128(b []byte) uint64 {
	var v uint64
	for i, x := range b {
		if i > 9 {
			break
		}
		v |= uint64(x&0x7f) << (7 * i)
		if x < 0x80 {
			break
		}
	}
	return v
}

// lookup returns the unit's top-level definitions named key ("struct
// X", "union X", "enum X", "func X", or a typedef or base type name).
func (c *cuData) lookup(key string) ([]dwarf.Offset, error) {
	if c.names == nil {
		if err := c.index(); err != nil {
			return nil, err
		}
	}
	return c.names[key], nil
}

// index reads the unit's top-level entries (their children skipped).
func (c *cuData) index() error {
	c.names = map[string][]dwarf.Offset{}
	r := c.d.Reader()
	w := walkOf(c)
	for {
		e, err := w.next(r)
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		if e.Tag == dwarf.TagCompileUnit || e.Tag == dwarf.TagPartialUnit || e.Tag == 0 {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		decl, _ := e.Val(dwarf.AttrDeclaration).(bool)
		key := ""
		switch e.Tag {
		case dwarf.TagSubprogram:
			key = "func " + name
		case dwarf.TagStructType, dwarf.TagClassType:
			key = "struct " + name
		case dwarf.TagUnionType:
			key = "union " + name
		case dwarf.TagEnumerationType:
			key = "enum " + name
		case dwarf.TagTypedef, dwarf.TagBaseType:
			key = name
		}
		if name != "" && key != "" && !decl {
			c.names[key] = append(c.names[key], e.Offset)
		}
		if e.Children {
			r.SkipChildren()
		}
	}
}

// lazyTypeByName finds a type by name: in unit from first (the
// function's, or the one that declared it), then in the other opened
// units, then in all.
func (d *DWARF) lazyTypeByName(name string, from *cuData) (*Type, error) {
	key := typeKey(name, from)
	if off, ok := d.lazy.cache.get(key); ok {
		if c, rel, ok := d.cachedUnit(off); ok {
			if t, err := d.typeAt(c, rel); err == nil {
				return t, nil
			}
		}
	}
	t, c, off, err := d.findType(name, from)
	if err != nil {
		return nil, err
	}
	d.lazy.cache.put(key, c.span.start+uint64(off))
	return t, nil
}

// findType searches a type by name: in unit from first, then in the
// other opened units, then in the units that mention the name.
func (d *DWARF) findType(name string, from *cuData) (*Type, *cuData, dwarf.Offset, error) {
	l := d.lazy
	keys := []string{name}
	if !strings.HasPrefix(name, "struct ") && !strings.HasPrefix(name, "union ") && !strings.HasPrefix(name, "enum ") {
		keys = append(keys, "struct "+name)
	}
	var foundC *cuData
	var foundOff dwarf.Offset
	try := func(c *cuData) (*Type, bool, error) {
		if c == nil {
			return nil, false, nil
		}
		for _, k := range keys {
			offs, err := c.lookup(k)
			if err != nil {
				return nil, false, err
			}
			for _, off := range offs {
				t, err := d.typeAt(c, off)
				if err != nil {
					return nil, false, err
				}
				// A struct with members beats an empty one.
				if !t.IsComposite() || t.Size > 0 || len(offs) == 1 {
					foundC, foundOff = c, off
					return t, true, nil
				}
			}
		}
		return nil, false, nil
	}
	if t, ok, err := try(from); ok || err != nil {
		return t, foundC, foundOff, err
	}
	for i := range l.units {
		if c := l.cus[i]; c != nil && c != from {
			if t, ok, err := try(c); ok || err != nil {
				return t, foundC, foundOff, err
			}
		}
	}
	bare := name
	for _, p := range []string{"struct ", "union ", "enum "} {
		bare = strings.TrimPrefix(bare, p)
	}
	var found *Type
	err := d.unitsNaming(bare, func(i int) (bool, error) {
		if _, opened := l.cus[i]; opened {
			return false, nil // tried above
		}
		c, err := d.unit(i)
		if err != nil {
			return false, err
		}
		t, ok, err := try(c)
		found = t
		return ok, err
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("type %q in %s: %w", name, d.Describe(), err)
	}
	if found == nil {
		return nil, nil, 0, fmt.Errorf("type %q in %s: %w", name, d.Describe(), ErrNotFound)
	}
	return found, foundC, foundOff, nil
}
