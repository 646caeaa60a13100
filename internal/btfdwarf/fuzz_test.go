package btfdwarf

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"testing"
)

// FuzzBTF feeds BTF blobs, raw or packed (gzip, xz, tar), to the reader,
// as vmlinux BTF and as a module's split BTF on top of a small base, and
// decodes every type: nothing may panic or run away.
func FuzzBTF(f *testing.F) {
	f.Add(tinyBTF())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		if un, err := unpack(bytes.NewReader(data), 0); err == nil {
			data = un
		}
		if b, err := parseBTF("fuzz", data, nil, 8); err == nil {
			decodeAll(b)
		}
		base, err := parseBTF("base", tinyBTF(), nil, 8)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := parseBTF("module", data, base, 8); err == nil {
			decodeAll(m)
			k := NewKernel(base, nil, nil)
			k.split["m"], k.files = m, map[string]string{"m": "m"}
			m.module = "m"
			_, _ = k.Func("f")
			_, _ = k.TypeByName("struct s")
		}
	})
}

// decodeAll decodes every type of b and looks a few names up.
func decodeAll(b *BTF) {
	for id := b.firstID; id < b.firstID+uint32(len(b.offsets)); id++ {
		t, err := b.typeByID(id)
		if err == nil && t != nil {
			_ = t.String()
			if t.Kind == Pointer {
				_, _ = t.Elem()
			}
		}
	}
	_, _ = b.Funcs(func(string) bool { return true })
	_ = b.TypeNames(func(string) bool { return true })
	_, _ = b.TypeByName("struct s")
	_, _ = b.TypeByName("myint")
	_, _ = b.Func("f")
}

// FuzzDWARF feeds ELF files to the DWARF reader (unit headers,
// .debug_aranges, the symbol table, abbreviations, entries, the name
// search) and looks up functions and types.
func FuzzDWARF(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		// The reader LoadDWARF uses on a mapped file, on the bytes.
		d, err := newLazyDWARF("fuzz", data, bytes.NewReader(data), 8)
		if err != nil || d == nil {
			return
		}
		for _, fn := range []string{"fa", "fa2", "fb", "main"} {
			if f, err := d.Func(fn); err == nil {
				_ = f.Signature()
				for _, p := range f.Proto.Params {
					if p.Type.Kind == Pointer {
						if e, err := p.Type.Elem(); err == nil {
							_ = e.MemberNames()
						}
					}
				}
			}
		}
		for _, ty := range []string{"struct pair", "struct hidden", "u32", "only_b"} {
			_, _ = d.ForFunc("fa").TypeByName(ty)
		}
	})
}

// FuzzDWARFTables feeds the raw tables the DWARF reader walks by hand.
func FuzzDWARFTables(f *testing.F) {
	f.Add([]byte{}, uint64(0))
	f.Fuzz(func(t *testing.T, data []byte, addr uint64) {
		bo := binary.LittleEndian
		_, _ = unitSpans(bytes.NewReader(data), 0, uint64(len(data)), bo)
		_, _ = arangeUnit(data, bo, addr)
		_ = usesRefAddr(data, addr%uint64(len(data)+1))
		_ = noteBuildID(data, bo)
		_ = symbolAddrs(data, data, bo, elf.ELFCLASS64, "fa")
	})
}
