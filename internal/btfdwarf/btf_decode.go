package btfdwarf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"strings"
)

// maxTypeDepth bounds how deep type decoding recurses.
const maxTypeDepth = 256

func openELFBytes(data []byte) (*elf.File, error) {
	return elf.NewFile(bytes.NewReader(data))
}

// typeByID decodes one type, stripping typedefs and qualifiers; struct
// members are decoded with it, pointees only when asked for.
func (b *BTF) typeByID(id uint32) (*Type, error) {
	if id == 0 {
		return &Type{Kind: Void, Name: "void"}, nil
	}
	if t, ok := b.memo[id]; ok {
		return t, nil
	}
	// Damaged BTF can loop (a typedef of itself); real nesting is a
	// few dozen levels at most.
	if b.depth > maxTypeDepth {
		return nil, fmt.Errorf("BTF type %d: types nest deeper than %d", id, maxTypeDepth)
	}
	b.depth++
	defer func() { b.depth-- }()
	nameOff, info, st, aux, owner, ok := b.raw(id)
	if !ok {
		return nil, fmt.Errorf("BTF type %d: %w", id, ErrNotFound)
	}
	name := owner.str(nameOff)
	kind := (info >> 24) & 0x1f
	vlen := int(info & 0xffff)
	kflag := info>>31 == 1
	bo := binary.LittleEndian
	var t *Type
	switch kind {
	case kindTypedef, kindConst, kindVolatile, kindRestrict, kindTypeTag:
		under, err := b.typeByID(st)
		if err != nil {
			return nil, err
		}
		if kind != kindTypedef || under.Kind == FuncProto {
			return under, nil
		}
		c := *under
		c.Name = name
		t = &c
	case kindInt:
		enc := bo.Uint32(aux)
		t = &Type{Kind: Int, Name: normalizeTypeName(name), Size: int(st), Signed: (enc>>24)&1 == 1, Char: name == "char"}
	case kindFloat:
		t = &Type{Kind: Float, Name: name, Size: int(st)}
	case kindPtr:
		target := st
		t = &Type{Kind: Pointer, Size: b.ptrSize, loadElem: func() (*Type, error) { return b.typeByID(target) }}
		t.User = b.isUserTag(target)
	case kindArray:
		elemID, n := bo.Uint32(aux), bo.Uint32(aux[8:])
		e, err := b.typeByID(elemID)
		if err != nil {
			return nil, err
		}
		t = &Type{Kind: Array, Len: int(n), Size: int(n) * e.Size, elem: e}
	case kindStruct, kindUnion:
		t = &Type{Kind: Struct, Size: int(st)}
		if kind == kindUnion {
			t.Kind = Union
		}
		if name != "" {
			t.Name = strings.ToLower(t.Kind.String()) + " " + name
		}
		t.Module = owner.module
		b.memo[id] = t
		for i := 0; i < vlen; i++ {
			m := aux[i*12:]
			mt, err := b.typeByID(bo.Uint32(m[4:]))
			if err != nil {
				return nil, err
			}
			off := bo.Uint32(m[8:])
			mem := Member{Name: owner.str(bo.Uint32(m)), Type: mt, BitOffset: int(off)}
			if kflag {
				mem.BitOffset, mem.BitSize = int(off&0xffffff), int(off>>24)
			} else if mt.Kind == Int && mt.bitsInt > 0 {
				// Old-style bitfield: the size lives in the INT.
				mem.BitSize = mt.bitsInt
			}
			t.Members = append(t.Members, mem)
		}
	case kindEnum, kindEnum64:
		t = &Type{Kind: Enum, Size: int(st), Signed: kflag, Module: owner.module}
		if name != "" {
			t.Name = "enum " + name
		}
		step := 8
		if kind == kindEnum64 {
			step = 12
		}
		for i := 0; i < vlen; i++ {
			e := aux[i*step:]
			var v int64
			if kind == kindEnum {
				if kflag {
					v = int64(int32(bo.Uint32(e[4:])))
				} else {
					v = int64(bo.Uint32(e[4:]))
				}
			} else {
				v = int64(uint64(bo.Uint32(e[4:])) | uint64(bo.Uint32(e[8:]))<<32)
			}
			t.Enumerators = append(t.Enumerators, Enumerator{Name: owner.str(bo.Uint32(e)), Value: v})
		}
	case kindFwd:
		prefix := "struct "
		if kflag {
			prefix = "union "
		}
		t = &Type{Kind: Struct, Name: prefix + name}
		if kflag {
			t.Kind = Union
		}
		// A forward declaration: look for the full definition.
		if full, err := b.TypeByName(prefix + name); err == nil {
			t = full
		}
	case kindFuncProto:
		t = &Type{Kind: FuncProto}
		b.memo[id] = t
		if st != 0 {
			r, err := b.typeByID(st)
			if err != nil {
				return nil, err
			}
			t.Ret = r
		}
		for i := 0; i < vlen; i++ {
			p := aux[i*8:]
			pt := bo.Uint32(p[4:])
			if pt == 0 && i == vlen-1 {
				t.Variadic = true
				break
			}
			ty, err := b.typeByID(pt)
			if err != nil {
				return nil, err
			}
			t.Params = append(t.Params, Param{Name: owner.str(bo.Uint32(p)), Type: ty})
		}
	case kindFunc:
		return b.typeByID(st)
	default:
		t = &Type{Kind: Unknown, Name: name}
	}
	if t.Kind == Int {
		// BTF_INT_BITS: fewer bits than the size means an old-style
		// bitfield type.
		if kind == kindInt {
			if bits := int(bo.Uint32(aux) & 0xff); bits != 0 && bits != 8*int(st) {
				t.bitsInt = bits
			}
		}
	}
	b.memo[id] = t
	return t, nil
}

// Func implements Source. It wraps ErrNotFound.
func (b *BTF) Func(name string) (*Func, error) {
	if f, ok := b.funcs[name]; ok {
		return f, nil
	}
	ids := b.find(name, kindFunc)
	if len(ids) == 0 {
		return nil, fmt.Errorf("function %s in %s: %w", name, b.Describe(), ErrNotFound)
	}
	t, err := b.typeByID(ids[0])
	if err != nil {
		return nil, err
	}
	if t.Kind != FuncProto {
		return nil, fmt.Errorf("function %s: %w", name, ErrNoPrototype)
	}
	f := &Func{Name: name, Proto: t}
	b.funcs[name] = f
	return f, nil
}

// TypeByName implements Source: a split BTF's own types first, then its
// base's. It wraps ErrNotFound.
func (b *BTF) TypeByName(name string) (*Type, error) {
	name = normalizeTypeName(name)
	if t, ok := builtinType(name, b.ptrSize); ok {
		return t, nil
	}
	if t, ok := b.named[name]; ok {
		return t, nil
	}
	return b.typeByName(name, b.find)
}

// ownType is TypeByName without the base.
func (b *BTF) ownType(name string) (*Type, error) {
	return b.typeByName(normalizeTypeName(name), b.findOwn)
}

// typeByName resolves name by the kind it spells (see the package
// comment): among matches (own before the base's, each in ID order), the
// first complete definition wins, an empty forward declaration only when
// it is the one match.
func (b *BTF) typeByName(name string, find func(string, ...uint32) []uint32) (*Type, error) {
	var ids []uint32
	switch {
	case strings.HasPrefix(name, "struct "):
		ids = find(name[7:], kindStruct)
	case strings.HasPrefix(name, "union "):
		ids = find(name[6:], kindUnion)
	case strings.HasPrefix(name, "enum "):
		ids = find(name[5:], kindEnum, kindEnum64)
	default:
		ids = find(name, kindTypedef, kindInt, kindFloat)
		if len(ids) == 0 {
			// "iphdr" for "struct iphdr" is a common slip: a bare name
			// that is no typedef or base type finds a struct or union
			// of that name.
			ids = find(name, kindStruct, kindUnion)
		}
	}
	// Prefer a full definition over an empty one of the same name.
	for _, id := range ids {
		t, err := b.typeByID(id)
		if err != nil {
			return nil, err
		}
		if !t.IsComposite() || t.Size > 0 || len(ids) == 1 {
			b.named[name] = t
			return t, nil
		}
	}
	return nil, fmt.Errorf("type %q in %s: %w", name, b.Describe(), ErrNotFound)
}

// isUserTag reports whether id is (a chain of qualifiers around) the
// type tag "user" that pahole emits for __user pointers.
func (b *BTF) isUserTag(id uint32) bool {
	for range 8 {
		nameOff, info, st, _, owner, ok := b.raw(id)
		if !ok {
			return false
		}
		switch (info >> 24) & 0x1f {
		case kindTypeTag:
			if owner.nameIs(nameOff, "user") {
				return true
			}
		case kindConst, kindVolatile, kindRestrict:
		default:
			return false
		}
		id = st
	}
	return false
}

// ownsFunc reports whether a split BTF itself (not its base) has a FUNC
// named name.
func (b *BTF) ownsFunc(name string) bool {
	return len(b.findOwn(name, kindFunc)) > 0
}
