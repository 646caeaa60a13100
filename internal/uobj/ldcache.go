package uobj

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
)

// LDCachePath is the dynamic linker's cache of library names, written by
// ldconfig and read by ld.so; we read it the same way instead of running
// `ldconfig -p`, which may be missing or print a localised format.
const LDCachePath = "/etc/ld.so.cache"

// CacheEntry is one library of the dynamic linker cache.
type CacheEntry struct {
	Key   string // the soname, e.g. "libc.so.6"
	Value string // the file, e.g. "/lib/x86_64-linux-gnu/libc.so.6"
	Flags int32  // FLAG_ELF_LIBC6 | the ABI bits (0x0303 for x86_64)
	HWCap uint64 // non-zero for a glibc-hwcaps subdirectory variant
}

// The two layouts of glibc's elf/dl-cache.h. The old one (libc5 era) may be
// followed, 8-byte aligned, by a complete new one; glibc 2.32+ writes the new
// one alone.
const (
	oldMagic     = "ld.so-1.7.0"
	oldHeader    = 16 // magic[11], pad, uint32 nlibs
	oldEntrySize = 12 // int32 flags, uint32 key, value

	newMagic     = "glibc-ld.so.cache1.1"
	newHeader    = 48 // magic+version[20], nlibs, len_strings, flags, pad, ext, unused[3]
	newEntrySize = 24 // flags, key, value, osversion, uint64 hwcap
)

// Cache entry flags (dl-cache.h FLAG_*): the low byte is the library kind,
// the next one the ABI the library was built for.
const (
	flagTypeMask = 0x00ff
	flagELFLibc6 = 0x0003
	flagX8664    = 0x0300
	flagAArch64  = 0x0a00
	flagRISCVDbl = 0x1000
	flagLArchDbl = 0x1200
	flagPPC64    = 0x0500
	flagS390     = 0x0400
)

// ParseLDCache decodes an ld.so.cache image, in the new format or the old
// one followed by the new one (the new part is then used; it is what ld.so
// reads), or the old format alone. Entries keep the file's order. It wraps
// ErrBadCache.
func ParseLDCache(data []byte) ([]CacheEntry, error) {
	switch {
	case bytes.HasPrefix(data, []byte(newMagic)):
		return parseNew(data)
	case bytes.HasPrefix(data, []byte(oldMagic)):
		if len(data) < oldHeader {
			return nil, fmt.Errorf("old header: %w", ErrBadCache)
		}
		n := binary.LittleEndian.Uint32(data[12:])
		end := uint64(oldHeader) + uint64(n)*oldEntrySize
		if end > uint64(len(data)) {
			return nil, fmt.Errorf("old format: %d entries past the end: %w", n, ErrBadCache)
		}
		if next := (end + 7) &^ 7; next < uint64(len(data)) && bytes.HasPrefix(data[next:], []byte(newMagic)) {
			return parseNew(data[next:])
		}
		return parseOld(data, int(n), int(end))
	}
	return nil, fmt.Errorf("unknown magic: %w", ErrBadCache)
}

// parseOld reads the libc5-era table; its strings start right after the
// entries.
func parseOld(data []byte, n, strings int) ([]CacheEntry, error) {
	out := make([]CacheEntry, 0, n)
	for i := range n {
		e := data[oldHeader+i*oldEntrySize:]
		key, err := cstring(data, strings, binary.LittleEndian.Uint32(e[4:]))
		if err != nil {
			return nil, err
		}
		val, err := cstring(data, strings, binary.LittleEndian.Uint32(e[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, CacheEntry{Key: key, Value: val, Flags: int32(binary.LittleEndian.Uint32(e))})
	}
	return out, nil
}

// parseNew reads the glibc 2.x table; its string offsets count from the start
// of its own header.
func parseNew(data []byte) ([]CacheEntry, error) {
	if len(data) < newHeader {
		return nil, fmt.Errorf("new header: %w", ErrBadCache)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch data[28] { // cache_file_new.flags: 0 unknown, 2 little, 3 big endian
	case 0, 2:
	case 3:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("endianness flag %d: %w", data[28], ErrBadCache)
	}
	n := bo.Uint32(data[20:])
	if uint64(newHeader)+uint64(n)*newEntrySize > uint64(len(data)) {
		return nil, fmt.Errorf("new format: %d entries past the end: %w", n, ErrBadCache)
	}
	out := make([]CacheEntry, 0, n)
	for i := range int(n) {
		e := data[newHeader+i*newEntrySize:]
		key, err := cstring(data, 0, bo.Uint32(e[4:]))
		if err != nil {
			return nil, err
		}
		val, err := cstring(data, 0, bo.Uint32(e[8:]))
		if err != nil {
			return nil, err
		}
		out = append(out, CacheEntry{Key: key, Value: val, Flags: int32(bo.Uint32(e)), HWCap: bo.Uint64(e[16:])})
	}
	return out, nil
}

func cstring(data []byte, base int, off uint32) (string, error) {
	start := uint64(base) + uint64(off)
	if start >= uint64(len(data)) {
		return "", fmt.Errorf("string offset %#x past the end: %w", off, ErrBadCache)
	}
	end := bytes.IndexByte(data[start:], 0)
	if end < 0 {
		return "", fmt.Errorf("unterminated string at %#x: %w", off, ErrBadCache)
	}
	return string(data[start : start+uint64(end)]), nil
}

// hostCacheFlags is the flags value ld.so accepts as exactly right for this
// process's architecture (dl_correct_cache_id); -1 when we do not know it,
// then any ELF libc6 entry is taken.
func hostCacheFlags() int32 {
	switch runtime.GOARCH {
	case "amd64":
		return flagELFLibc6 | flagX8664
	case "arm64":
		return flagELFLibc6 | flagAArch64
	case "riscv64":
		return flagELFLibc6 | flagRISCVDbl
	case "loong64":
		return flagELFLibc6 | flagLArchDbl
	case "ppc64", "ppc64le":
		return flagELFLibc6 | flagPPC64
	case "s390x":
		return flagELFLibc6 | flagS390
	case "386":
		return flagELFLibc6 // no ABI bits
	}
	// arm's byte depends on the float ABI: accept any ELF libc6 entry.
	return -1
}

// forHost reports whether a cache entry is a library this host's processes
// load.
func forHost(flags, want int32) bool {
	if want < 0 {
		return flags&flagTypeMask == flagELFLibc6
	}
	return flags == want
}
