package disasm

import (
	"debug/elf"
	"fmt"
	"os"
)

// image reads memory by virtual address from an ELF file's PT_LOAD
// segments: /proc/kcore (an ET_CORE image of the live kernel, whose
// segments map kernel addresses to file offsets) or a vmlinux.
type image struct {
	path string
	file *os.File
	elf  *elf.File
}

func openImage(path string) (*image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: not an ELF file: %w", path, err)
	}
	return &image{path: path, file: f, elf: ef}, nil
}

func (m *image) Close() error { return m.file.Close() }

// Read returns n bytes at vaddr; they must lie in one segment's file
// contents. It wraps ErrNotMapped.
func (m *image) Read(vaddr, n uint64) ([]byte, error) {
	for _, p := range m.elf.Progs {
		if p.Type != elf.PT_LOAD || vaddr < p.Vaddr || vaddr-p.Vaddr >= p.Filesz {
			continue
		}
		if vaddr-p.Vaddr+n > p.Filesz {
			return nil, fmt.Errorf("%#x+%d in %s: crosses a segment end: %w", vaddr, n, m.path, ErrNotMapped)
		}
		buf := make([]byte, n)
		if _, err := m.file.ReadAt(buf, int64(p.Off+vaddr-p.Vaddr)); err != nil {
			return nil, fmt.Errorf("read %#x+%d from %s: %w", vaddr, n, m.path, err)
		}
		return buf, nil
	}
	return nil, fmt.Errorf("%#x in %s: %w", vaddr, m.path, ErrNotMapped)
}
