package btfdwarf

import (
	"encoding/binary"
	"fmt"
)

// Funcs returns every function whose name match accepts, with its
// prototype, in BTF order (own types before a split BTF's base). A name
// BTF lists twice (static functions of one name in two files) is returned
// once, with the first prototype, as Func does.
//
// It is the bulk form of Func for listings: one pass over the type headers
// instead of one scan per name, and names are compared in place, so a
// match function that refuses most names costs almost nothing.
func (b *BTF) Funcs(match func(name string) bool) ([]*Func, error) {
	var out []*Func
	seen := make(map[string]bool, 1024)
	for src := b; src != nil; src = src.base {
		if err := src.scanFuncs(b, match, seen, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OwnFuncs is Funcs without the base: a module's own functions.
func (b *BTF) OwnFuncs(match func(name string) bool) ([]*Func, error) {
	var out []*Func
	if err := b.scanFuncs(b, match, map[string]bool{}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// scanFuncs appends b's own FUNC entries to out, decoding through top
// so that a split BTF's types resolve against its base.
func (b *BTF) scanFuncs(top *BTF, match func(string) bool, seen map[string]bool, out *[]*Func) error {
	bo := binary.LittleEndian
	for i, off := range b.offsets {
		t := b.types[off:]
		if (bo.Uint32(t[4:])>>24)&0x1f != kindFunc {
			continue
		}
		name := b.str(bo.Uint32(t))
		if name == "" || seen[name] || !match(name) {
			continue
		}
		seen[name] = true
		if f, ok := top.funcs[name]; ok {
			*out = append(*out, f)
			continue
		}
		proto, err := top.typeByID(b.firstID + uint32(i))
		if err != nil {
			return fmt.Errorf("function %s: %w", name, err)
		}
		if proto.Kind != FuncProto {
			continue
		}
		f := &Func{Name: name, Proto: proto}
		top.funcs[name] = f
		*out = append(*out, f)
	}
	return nil
}

// TypeNames returns the names of every struct, union and enum, spelled as
// a cast names them ("struct sk_buff", "union bpf_attr", "enum
// sock_type"), and of every typedef ("atomic_t"), that match accepts;
// duplicates are dropped. Completion and "did you mean" use it.
func (b *BTF) TypeNames(match func(name string) bool) []string {
	return b.typeNames(match, nil)
}

// ownTypeNames is TypeNames without the base.
func (b *BTF) ownTypeNames(match func(name string) bool) []string {
	return b.typeNames(match, b.base)
}

// typeNames walks b and its bases down to (not including) stop.
func (b *BTF) typeNames(match func(name string) bool, stop *BTF) []string {
	var out []string
	seen := map[string]bool{}
	bo := binary.LittleEndian
	for src := b; src != nil && src != stop; src = src.base {
		for _, off := range src.offsets {
			t := src.types[off:]
			prefix := ""
			switch (bo.Uint32(t[4:]) >> 24) & 0x1f {
			case kindStruct:
				prefix = "struct "
			case kindUnion:
				prefix = "union "
			case kindEnum, kindEnum64:
				prefix = "enum "
			case kindTypedef:
			default:
				continue
			}
			nameOff := bo.Uint32(t)
			if nameOff == 0 {
				continue
			}
			name := prefix + src.str(nameOff)
			if !seen[name] && match(name) {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}
