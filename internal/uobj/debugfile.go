package uobj

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"path/filepath"
)

// debugRoot is where distributions install separate debug files (Debian's
// *-dbg and *-dbgsym packages); a variable so tests can build their own.
var debugRoot = "/usr/lib/debug"

// DebugFile names the file holding the object's DWARF: the object itself
// when it has .debug_info; else the separate debug file found by build-id
// (<root>/.build-id/ab/cdef….debug); else by .gnu_debuglink, looked up as
// gdb does beside the object, in its .debug/ directory, and under
// <root>/<object's directory>/ (a debuglink file must match its CRC). It
// wraps ErrNoDebugInfo.
func (o *Object) DebugFile() (string, error) {
	if hasDWARF(o.f) {
		return o.Path, nil
	}
	var tried []string
	if id := buildID(o.f); len(id) > 1 {
		h := hex.EncodeToString(id)
		p := filepath.Join(debugRoot, ".build-id", h[:2], h[2:]+".debug")
		if fileHasDWARF(p) {
			return p, nil
		}
		tried = append(tried, p)
	}
	if name, crc, ok := debugLink(o.f); ok {
		dirs := []string{filepath.Dir(o.Path)}
		if real, err := filepath.EvalSymlinks(o.Path); err == nil && filepath.Dir(real) != dirs[0] {
			dirs = append(dirs, filepath.Dir(real))
		}
		for _, dir := range dirs {
			for _, p := range []string{
				filepath.Join(dir, name),
				filepath.Join(dir, ".debug", name),
				filepath.Join(debugRoot, dir, name),
			} {
				if p != o.Path && crcMatches(p, crc) && fileHasDWARF(p) {
					return p, nil
				}
				tried = append(tried, p)
			}
		}
	}
	if len(tried) == 0 {
		return "", fmt.Errorf("%s: %w (no .debug_info, build-id or .gnu_debuglink)", o.Path, ErrNoDebugInfo)
	}
	return "", fmt.Errorf("%s: %w (no .debug_info; tried %v)", o.Path, ErrNoDebugInfo, tried)
}

// DWARF loads the object's debug information from DebugFile. The data is
// read into memory, so the debug file is closed again. It wraps
// ErrNoDebugInfo.
func (o *Object) DWARF() (*dwarf.Data, error) {
	p, err := o.DebugFile()
	if err != nil {
		return nil, err
	}
	if p == o.Path {
		return o.f.DWARF()
	}
	f, err := openELF(p)
	if err != nil {
		return nil, fmt.Errorf("open debug file %s: %w", p, err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		return nil, fmt.Errorf("read debug file %s: %w", p, err)
	}
	return d, nil
}

func hasDWARF(f *elf.File) bool {
	s := f.Section(".debug_info")
	if s == nil {
		s = f.Section(".zdebug_info")
	}
	return s != nil && s.Type != elf.SHT_NOBITS && s.Size > 0
}

func fileHasDWARF(path string) bool {
	f, err := openELF(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return hasDWARF(f.File)
}

// buildID reads the NT_GNU_BUILD_ID note, from its section or, in a file
// without section headers, from the PT_NOTE segments.
func buildID(f *elf.File) []byte {
	var notes [][]byte
	if s := f.Section(".note.gnu.build-id"); s != nil {
		if b, err := s.Data(); err == nil {
			notes = append(notes, b)
		}
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_NOTE {
			if b, err := io.ReadAll(p.Open()); err == nil {
				notes = append(notes, b)
			}
		}
	}
	for _, b := range notes {
		if id := findNote(f.ByteOrder, b, "GNU", 3); id != nil {
			return id
		}
	}
	return nil
}

// findNote walks ELF notes (namesz, descsz, type, name, desc; 4-aligned).
func findNote(bo interface{ Uint32([]byte) uint32 }, b []byte, name string, typ uint32) []byte {
	for len(b) >= 12 {
		nsz, dsz, t := bo.Uint32(b), bo.Uint32(b[4:]), bo.Uint32(b[8:])
		nEnd := 12 + (uint64(nsz)+3)&^3
		dEnd := nEnd + (uint64(dsz)+3)&^3
		if dEnd > uint64(len(b)) {
			return nil
		}
		if t == typ && string(bytes.TrimRight(b[12:12+nsz], "\x00")) == name {
			return b[nEnd : nEnd+uint64(dsz)]
		}
		b = b[dEnd:]
	}
	return nil
}

// debugLink reads .gnu_debuglink: a file name, padding to 4, a CRC-32.
func debugLink(f *elf.File) (string, uint32, bool) {
	s := f.Section(".gnu_debuglink")
	if s == nil {
		return "", 0, false
	}
	b, err := s.Data()
	if err != nil {
		return "", 0, false
	}
	n := bytes.IndexByte(b, 0)
	off := (n + 4) &^ 3
	if n <= 0 || off+4 > len(b) {
		return "", 0, false
	}
	// The link is a bare file name, as gdb takes it: a path in it could
	// send the lookup anywhere on the host (../../dev/zero).
	if bytes.IndexByte(b[:n], '/') >= 0 {
		return "", 0, false
	}
	return string(b[:n]), f.ByteOrder.Uint32(b[off:]), true
}

func crcMatches(path string, want uint32) bool {
	fh, err := openRegular(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, fh); err != nil {
		return false
	}
	return h.Sum32() == want
}
