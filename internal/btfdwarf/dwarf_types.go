package btfdwarf

import (
	"debug/dwarf"
	"fmt"
)

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
		// What an assembler unit gives its functions: a value of
		// unknown type, not void.
		t = &Type{Kind: Unknown, Name: name, Size: int(size)}
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
