package btfdwarf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// BTF kinds (Documentation/bpf/btf.rst, "2.2 Type encoding").
const (
	kindInt       = 1
	kindPtr       = 2
	kindArray     = 3
	kindStruct    = 4
	kindUnion     = 5
	kindEnum      = 6
	kindFwd       = 7
	kindTypedef   = 8
	kindVolatile  = 9
	kindConst     = 10
	kindRestrict  = 11
	kindFunc      = 12
	kindFuncProto = 13
	kindVar       = 14
	kindDatasec   = 15
	kindFloat     = 16
	kindDeclTag   = 17
	kindTypeTag   = 18
	kindEnum64    = 19
)

const btfMagic = 0xeb9f

// BTF is a lazily decoded BTF blob: the kernel's vmlinux, a module's split
// BTF on top of it, or one made by `pahole -J`.
type BTF struct {
	name    string
	types   []byte // type section
	strs    []byte // string section
	offsets []uint32
	// byKind lists, per kind, the indexes (into offsets) of named types of
	// the kinds lookups ask for, so a lookup scans only those: a FUNC
	// lookup visits ~45k entries instead of all ~130k types.
	byKind  [kindEnum64 + 1][]uint32
	firstID uint32 // 1 for base BTF; base's count for split BTF
	strBase uint32 // string offsets below this belong to base
	base    *BTF
	module  string // the module a split BTF describes
	ptrSize int
	memo    map[uint32]*Type
	depth   int // typeByID's recursion, bounded against loops
	// named caches TypeByName and Func answers: each miss is a scan.
	named   map[string]*Type
	funcs   map[string]*Func
	release func()
}

// LoadBTF opens a BTF file: raw (as the running kernel exposes it), gzip, or an
// ELF with a .BTF section (pahole -J output). ptrSize is the target's
// pointer size (8 for x86_64 and aarch64, 4 for x86).
func LoadBTF(path string, ptrSize int) (*BTF, error) {
	data, release, err := readBlob(path)
	if err != nil {
		return nil, fmt.Errorf("load BTF %s: %w", path, err)
	}
	b, err := parseBTF(path, data, nil, ptrSize)
	if err != nil {
		release()
		return nil, fmt.Errorf("load BTF %s: %w", path, err)
	}
	b.release = release
	return b, nil
}

// LoadSplitBTF opens a module's BTF (as the running kernel exposes it), whose type
// IDs and strings continue those of base.
func LoadSplitBTF(path string, base *BTF) (*BTF, error) {
	data, release, err := readBlob(path)
	if err != nil {
		return nil, fmt.Errorf("load BTF %s: %w", path, err)
	}
	b, err := parseBTF(path, data, base, base.ptrSize)
	if err != nil {
		release()
		return nil, fmt.Errorf("load BTF %s: %w", path, err)
	}
	b.release = release
	return b, nil
}

// Close releases the blob (unmaps it).
func (b *BTF) Close() error {
	if b.release != nil {
		b.release()
		b.release = nil
	}
	return nil
}

func parseBTF(name string, data []byte, base *BTF, ptrSize int) (*BTF, error) {
	if len(data) < 24 {
		return nil, errors.New("too short for a BTF header")
	}
	bo := binary.LittleEndian
	if bo.Uint16(data) != btfMagic {
		return nil, errors.New("not BTF (bad magic; only little-endian BTF is read)")
	}
	hdrLen := bo.Uint32(data[4:])
	typeOff, typeLen := bo.Uint32(data[8:]), bo.Uint32(data[12:])
	strOff, strLen := bo.Uint32(data[16:]), bo.Uint32(data[20:])
	if hdrLen < 24 || uint64(hdrLen) > uint64(len(data)) {
		return nil, fmt.Errorf("BTF header length %d out of bounds", hdrLen)
	}
	body := data[hdrLen:]
	if uint64(typeOff)+uint64(typeLen) > uint64(len(body)) || uint64(strOff)+uint64(strLen) > uint64(len(body)) {
		return nil, errors.New("BTF sections out of bounds")
	}
	b := &BTF{
		name:    name,
		types:   body[typeOff : typeOff+typeLen],
		strs:    body[strOff : strOff+strLen],
		firstID: 1,
		base:    base,
		ptrSize: ptrSize,
		memo:    map[uint32]*Type{},
		named:   map[string]*Type{},
		funcs:   map[string]*Func{},
	}
	if base != nil {
		b.firstID = base.firstID + uint32(len(base.offsets))
		b.strBase = uint32(len(base.strs)) + base.strBase
	}
	// One pass over the headers: offsets only, so that decoding a type by
	// ID later is a slice index.
	b.offsets = make([]uint32, 0, len(b.types)/20)
	for off := 0; off < len(b.types); {
		if off+12 > len(b.types) {
			return nil, errors.New("truncated BTF type")
		}
		b.offsets = append(b.offsets, uint32(off))
		info := bo.Uint32(b.types[off+4:])
		switch k := (info >> 24) & 0x1f; k {
		case kindFunc, kindStruct, kindUnion, kindEnum, kindEnum64, kindTypedef, kindInt, kindFloat:
			if bo.Uint32(b.types[off:]) != 0 {
				b.byKind[k] = append(b.byKind[k], uint32(len(b.offsets)-1))
			}
		}
		n, err := auxLen(info)
		if err != nil {
			return nil, fmt.Errorf("type %d: %w", int(b.firstID)+len(b.offsets)-1, err)
		}
		if off+12+n > len(b.types) {
			return nil, errors.New("truncated BTF type")
		}
		off += 12 + n
	}
	return b, nil
}

func auxLen(info uint32) (int, error) {
	vlen := int(info & 0xffff)
	switch kind := (info >> 24) & 0x1f; kind {
	case kindInt, kindVar, kindDeclTag:
		return 4, nil
	case kindArray:
		return 12, nil
	case kindStruct, kindUnion, kindDatasec, kindEnum64:
		return 12 * vlen, nil
	case kindEnum, kindFuncProto:
		return 8 * vlen, nil
	case kindPtr, kindFwd, kindTypedef, kindVolatile, kindConst, kindRestrict, kindFunc, kindFloat, kindTypeTag:
		return 0, nil
	default:
		return 0, fmt.Errorf("unknown BTF kind %d", kind)
	}
}

// PointerSize implements Source.
func (b *BTF) PointerSize() int { return b.ptrSize }

// Describe implements Source.
func (b *BTF) Describe() string { return "BTF " + b.name }

// raw returns the header fields of type id.
func (b *BTF) raw(id uint32) (nameOff, info, sizeOrType uint32, aux []byte, owner *BTF, ok bool) {
	if id < b.firstID {
		if b.base == nil {
			return 0, 0, 0, nil, nil, false
		}
		return b.base.raw(id)
	}
	i := id - b.firstID
	if int(i) >= len(b.offsets) {
		return 0, 0, 0, nil, nil, false
	}
	off := b.offsets[i]
	t := b.types[off:]
	bo := binary.LittleEndian
	info = bo.Uint32(t[4:])
	n, _ := auxLen(info)
	return bo.Uint32(t), info, bo.Uint32(t[8:]), t[12 : 12+n], b, true
}

// str returns the string at off, which may live in the base's table.
func (b *BTF) str(off uint32) string {
	if off < b.strBase && b.base != nil {
		return b.base.str(off)
	}
	off -= b.strBase
	if int(off) >= len(b.strs) {
		return ""
	}
	s := b.strs[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}

// nameIs compares the name at off with name without allocating.
func (b *BTF) nameIs(off uint32, name string) bool {
	if off < b.strBase && b.base != nil {
		return b.base.nameIs(off, name)
	}
	off -= b.strBase
	end := int(off) + len(name)
	if end >= len(b.strs) {
		return false
	}
	return b.strs[end] == 0 && string(b.strs[off:end]) == name
}

// find returns the IDs of types of one of kinds named name, own types
// first. A linear scan: cheaper than an index for the handful of lookups
// an expression needs.
func (b *BTF) find(name string, kinds ...uint32) []uint32 {
	out := b.findOwn(name, kinds...)
	if b.base != nil {
		out = append(out, b.base.find(name, kinds...)...)
	}
	return out
}

// findOwn is find without the base.
func (b *BTF) findOwn(name string, kinds ...uint32) []uint32 {
	var out []uint32
	bo := binary.LittleEndian
	for _, k := range kinds {
		for _, i := range b.byKind[k] {
			if b.nameIs(bo.Uint32(b.types[b.offsets[i]:]), name) {
				out = append(out, b.firstID+i)
			}
		}
	}
	if len(kinds) > 1 {
		slices.Sort(out)
	}
	return out
}

// elfSection extracts a section from an ELF image in memory.
func elfSection(data []byte, name string) ([]byte, error) {
	f, err := openELFBytes(data)
	if err != nil {
		return nil, err
	}
	s := f.Section(name)
	if s == nil {
		return nil, fmt.Errorf("no %s section: %w", name, ErrNotFound)
	}
	return s.Data()
}
