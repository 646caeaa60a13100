package btfdwarf

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// A kernel's .debug_info is ~200 MB in ~3000 compile units. debug/dwarf
// parses every unit's abbreviations up front (0.4 s, 200 MB) and decodes
// a type's whole graph at once, so the lazy reader gives each compile
// unit it needs a debug/dwarf of its own, over that unit's bytes of the
// mapped file, and decodes types itself, pointees on first use.

// unitSpan is one unit of .debug_info.
type unitSpan struct{ start, end uint64 }

// cuData is one compile unit decoded on its own. Offsets in d are
// relative to the unit's start.
type cuData struct {
	span unitSpan
	d    *dwarf.Data
	memo map[dwarf.Offset]*Type
	// names indexes the unit's top-level types and functions, built on
	// the first name lookup in the unit.
	names map[string][]dwarf.Offset
	// asm marks a unit written in assembler: its functions' DWARF says
	// nothing of their prototypes.
	asm bool
}

// sections are the mapped DWARF sections of an ELF.
type sections struct {
	info, abbrev, str, aranges []byte
	infoAt                     io.ReaderAt // .debug_info, at infoOff
	infoOff                    uint64
	extra                      map[string][]byte
	symtab, strtab             []byte
	order                      binary.ByteOrder
}

// mappedSections slices an ELF's DWARF sections out of the mapped file.
// A compressed section (SHF_COMPRESSED, as some distributions ship debug
// files) is unpacked into memory instead, at most MaxELFSize; the reading
// stays unit by unit. ok is false when the caller must read the file with
// debug/dwarf instead (a relocatable object, or a damaged header).
func mappedSections(f *elf.File, m []byte, fh io.ReaderAt) (s *sections, ok bool) {
	s = &sections{extra: map[string][]byte{}, order: f.ByteOrder}
	ok = true
	get := func(name string) []byte {
		sec := f.Section(name)
		if sec == nil || sec.Type == elf.SHT_NOBITS {
			return nil
		}
		if sec.Offset > uint64(len(m)) || sec.FileSize > uint64(len(m))-sec.Offset {
			ok = false
			return nil
		}
		if sec.Flags&elf.SHF_COMPRESSED != 0 {
			if sec.Size > MaxELFSize {
				ok = false
				return nil
			}
			data, err := sec.Data()
			if err != nil {
				ok = false
				return nil
			}
			return data
		}
		return m[sec.Offset : sec.Offset+sec.FileSize]
	}
	s.info, s.abbrev, s.str, s.aranges = get(".debug_info"), get(".debug_abbrev"), get(".debug_str"), get(".debug_aranges")
	// Unit headers and name searches read .debug_info through infoAt, so
	// that the mapped pages do not stay resident.
	s.infoAt, s.infoOff = bytes.NewReader(s.info), 0
	if sec := f.Section(".debug_info"); sec != nil && sec.Flags&elf.SHF_COMPRESSED == 0 {
		s.infoAt, s.infoOff = fh, sec.Offset
	}
	for _, n := range []string{".debug_line_str", ".debug_str_offsets", ".debug_addr", ".debug_rnglists"} {
		if b := get(n); b != nil {
			s.extra[n] = b
		}
	}
	s.symtab, s.strtab = get(".symtab"), get(".strtab")
	// An ET_REL object (a .ko) needs relocations applied to its DWARF,
	// which only debug/dwarf does.
	if f.Type == elf.ET_REL || s.info == nil || s.abbrev == nil {
		ok = false
	}
	return s, ok
}

// unitSpans scans the unit headers of .debug_info (lengths only),
// reading 12 bytes a unit with ReadAt: touching the mapped headers
// instead would fault in (and count in RSS) pages around each of
// thousands of units.
func unitSpans(r io.ReaderAt, base, size uint64, bo binary.ByteOrder) ([]unitSpan, error) {
	var out []unitSpan
	var hbuf [12]byte
	for off := uint64(0); off < size; {
		if off+4 > size {
			return nil, errors.New("truncated unit header")
		}
		h := hbuf[:min(12, size-off)]
		if _, err := r.ReadAt(h, int64(base+off)); err != nil {
			return nil, err
		}
		n, hdr := uint64(bo.Uint32(h)), uint64(4)
		if n == 0xffffffff {
			if len(h) < 12 {
				return nil, errors.New("truncated unit header")
			}
			n, hdr = bo.Uint64(h[4:]), 12
		} else if n >= 0xfffffff0 {
			return nil, fmt.Errorf("unit at %#x: reserved length %#x", off, n)
		}
		end := off + hdr + n
		if end > size || end <= off {
			return nil, fmt.Errorf("unit at %#x runs past the section", off)
		}
		out = append(out, unitSpan{off, end})
		off = end
	}
	return out, nil
}

// unitAt finds the unit holding offset off.
func unitAt(units []unitSpan, off uint64) (int, bool) {
	i := sort.Search(len(units), func(i int) bool { return units[i].end > off })
	if i < len(units) && units[i].start <= off {
		return i, true
	}
	return 0, false
}

// arangeUnit finds in .debug_aranges the unit covering addr.
func arangeUnit(aranges []byte, bo binary.ByteOrder, addr uint64) (uint64, bool) {
	for off := 0; off+16 <= len(aranges); {
		n, hdr := int(bo.Uint32(aranges[off:])), 4
		if uint32(n) == 0xffffffff {
			if off+12 > len(aranges) {
				return 0, false
			}
			n, hdr = int(bo.Uint64(aranges[off+4:])), 12
		}
		end := off + hdr + n
		if n <= 0 || end > len(aranges) || end <= off {
			return 0, false
		}
		p := off + hdr + 2 // version
		var cu uint64
		if hdr == 12 {
			cu, p = bo.Uint64(aranges[p:]), p+8
		} else {
			cu, p = uint64(bo.Uint32(aranges[p:])), p+4
		}
		if p+2 > end {
			return 0, false
		}
		asz := int(aranges[p])
		p += 2
		if asz != 8 && asz != 4 {
			off = end
			continue
		}
		// Tuples start at a multiple of twice the address size.
		if r := (p - off) % (2 * asz); r != 0 {
			p += 2*asz - r
		}
		for ; p+2*asz <= end; p += 2 * asz {
			var a, l uint64
			if asz == 8 {
				a, l = bo.Uint64(aranges[p:]), bo.Uint64(aranges[p+8:])
			} else {
				a, l = uint64(bo.Uint32(aranges[p:])), uint64(bo.Uint32(aranges[p+4:]))
			}
			if a == 0 && l == 0 {
				break
			}
			if addr >= a && addr < a+l {
				return cu, true
			}
		}
		off = end
	}
	return 0, false
}

// symbolAddrs returns the addresses of the function symbols named name,
// comparing names in place (a kernel has ~130k symbols).
func symbolAddrs(symtab, strtab []byte, bo binary.ByteOrder, class elf.Class, name string) []uint64 {
	var out []uint64
	size := 24
	if class == elf.ELFCLASS32 {
		size = 16
	}
	for off := 0; off+size <= len(symtab); off += size {
		e := symtab[off:]
		var value uint64
		var info byte
		if size == 24 {
			info, value = e[4], bo.Uint64(e[8:])
		} else {
			value, info = uint64(bo.Uint32(e[4:])), e[12]
		}
		if elf.ST_TYPE(info) != elf.STT_FUNC || value == 0 {
			continue
		}
		n := int(bo.Uint32(e))
		if n+len(name) >= len(strtab) || strtab[n+len(name)] != 0 || string(strtab[n:n+len(name)]) != name {
			continue
		}
		out = append(out, value)
	}
	return out
}

// usesRefAddr reports whether a unit's abbreviations use DW_FORM_ref_addr
// (references into other units), which per-unit decoding cannot follow.
func usesRefAddr(abbrev []byte, off uint64) bool {
	const formRefAddr, formImplicitConst = 0x10, 0x21
	p := int(off)
	uleb := func() uint64 {
		var v uint64
		for shift := 0; p < len(abbrev); shift += 7 {
			b := abbrev[p]
			p++
			v |= uint64(b&0x7f) << shift
			if b < 0x80 || shift > 63 {
				break
			}
		}
		return v
	}
	for p < len(abbrev) {
		if uleb() == 0 { // end of the unit's table
			return false
		}
		uleb() // tag
		p++    // children
		for p < len(abbrev) {
			attr, form := uleb(), uleb()
			if form == formImplicitConst {
				// The value is an SLEB128 in the table.
				for p < len(abbrev) && abbrev[p] >= 0x80 {
					p++
				}
				p++
			}
			if attr == 0 && form == 0 {
				break
			}
			if form == formRefAddr {
				return true
			}
		}
	}
	return false
}

// unitAbbrevOffset reads a unit header's abbreviation offset (DWARF 2-5).
func unitAbbrevOffset(info []byte, u unitSpan, bo binary.ByteOrder) (uint64, bool) {
	p := u.start + 4
	dwarf64 := bo.Uint32(info[u.start:]) == 0xffffffff
	if dwarf64 {
		p += 8
	}
	if p+2 > u.end {
		return 0, false
	}
	ver := bo.Uint16(info[p:])
	p += 2
	if ver >= 5 {
		p += 2 // unit type, address size
	}
	if dwarf64 {
		if p+8 > u.end {
			return 0, false
		}
		return bo.Uint64(info[p:]), true
	}
	if p+4 > u.end {
		return 0, false
	}
	return uint64(bo.Uint32(info[p:])), true
}

// newUnitData makes a debug/dwarf over one unit's bytes.
func (s *sections) newUnitData(u unitSpan) (*dwarf.Data, error) {
	d, err := dwarf.New(s.abbrev, nil, nil, s.info[u.start:u.end], nil, nil, nil, s.str)
	if err != nil {
		return nil, err
	}
	for n, b := range s.extra {
		if err := d.AddSection(n, b); err != nil {
			return nil, err
		}
	}
	return d, nil
}
