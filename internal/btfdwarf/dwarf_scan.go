package btfdwarf

import (
	"bytes"
	"io"
	"sort"
)

// DWARF has no name index a kernel build can be relied on to carry
// (gcc writes .debug_names only on request), and indexing every unit's
// top level costs seconds. A name is instead looked for as bytes: the
// offsets at which .debug_str holds it (DW_FORM_strp) and the name itself
// (DW_FORM_string) are searched in .debug_info, read in chunks so that
// the mapped file does not stay resident, and only the units with a hit
// are decoded, first to last, until one defines the name.

// scanChunk is how much of .debug_info one read brings in.
const scanChunk = 8 << 20

// unitsNaming calls visit with the index of each unit whose bytes may
// refer to name, in file order, until visit returns true or an error.
func (d *DWARF) unitsNaming(name string, visit func(unit int) (bool, error)) error {
	l := d.lazy
	if name == "" {
		return nil
	}
	var needles [][]byte
	str := l.sec.str
	pat := append([]byte(name), 0)
	for from := 0; from < len(str); {
		i := bytes.Index(str[from:], pat)
		if i < 0 {
			break
		}
		var off [4]byte
		l.sec.order.PutUint32(off[:], uint32(from+i))
		needles = append(needles, off[:])
		from += i + 1
	}
	needles = append(needles, pat)
	size := uint64(len(l.sec.info))
	buf := make([]byte, min(scanChunk, size)+uint64(len(pat)))
	seen := map[int]bool{}
	for start := uint64(0); start < size; start += scanChunk {
		n := min(uint64(len(buf)), size-start)
		chunk := buf[:n]
		if _, err := l.sec.infoAt.ReadAt(chunk, int64(l.sec.infoOff+start)); err != nil && err != io.EOF {
			return err
		}
		var hits []uint64
		for _, nd := range needles {
			for from := 0; from < len(chunk); {
				i := bytes.Index(chunk[from:], nd)
				if i < 0 {
					break
				}
				if pos := uint64(from + i); pos < scanChunk {
					hits = append(hits, start+pos)
				}
				from += i + 1
			}
		}
		sort.Slice(hits, func(a, b int) bool { return hits[a] < hits[b] })
		for _, h := range hits {
			u, ok := unitAt(l.units, h)
			if !ok || seen[u] {
				continue
			}
			seen[u] = true
			done, err := visit(u)
			if err != nil || done {
				return err
			}
		}
	}
	return nil
}
