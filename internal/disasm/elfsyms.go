package disasm

import (
	"bytes"
	"debug/elf"
	"fmt"

	"github.com/surftrace/surftrace/internal/ksyms"
)

func hasSymtab(m *image) bool {
	s := m.elf.Section(".symtab")
	return s != nil && s.Size > 0
}

func hasDWARFSection(m *image) bool {
	s := m.elf.Section(".debug_info")
	return s != nil && s.Type != elf.SHT_NOBITS && s.Size > 0
}

// elfSymbols turns a vmlinux's .symtab into a ksyms table by writing it in
// kallsyms form, so kernel symbols have one model whatever their source.
func elfSymbols(m *image) (*ksyms.Table, error) {
	syms, err := m.elf.Symbols()
	if err != nil {
		return nil, fmt.Errorf("read %s symbols: %w", m.path, err)
	}
	var b bytes.Buffer
	for _, s := range syms {
		if s.Name == "" || s.Section == elf.SHN_UNDEF {
			continue
		}
		var t byte
		switch elf.ST_TYPE(s.Info) {
		case elf.STT_FUNC, elf.STT_NOTYPE:
			t = 't'
		case elf.STT_OBJECT:
			t = 'd'
		default:
			continue
		}
		if elf.ST_BIND(s.Info) != elf.STB_LOCAL {
			t -= 'a' - 'A'
		}
		fmt.Fprintf(&b, "%016x %c %s\n", s.Value, t, s.Name)
	}
	return ksyms.Parse(&b)
}
