package disasm

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// lineRow is one row of a DWARF line table (DWARF 5 §6.2).
type lineRow struct {
	addr uint64
	file string
	line int
	stmt bool
	end  bool // end_sequence: addr is one past the sequence's last byte
}

// cuRows reads a compilation unit's whole line table, sequences in the order
// they appear (each ends with an end row).
func cuRows(d *dwarf.Data, cu *dwarf.Entry) ([]lineRow, error) {
	lr, err := d.LineReader(cu)
	if err != nil || lr == nil {
		return nil, err
	}
	var rows []lineRow
	var e dwarf.LineEntry
	for {
		if err := lr.Next(&e); err != nil {
			if errors.Is(err, io.EOF) {
				return rows, nil
			}
			return rows, err
		}
		name := ""
		if e.File != nil {
			name = e.File.Name
		}
		rows = append(rows, lineRow{addr: e.Address, file: name, line: e.Line, stmt: e.IsStmt, end: e.EndSequence})
	}
}

// srcPos is where an instruction comes from.
type srcPos struct {
	file string
	line int
}

// lineMap answers "which source line is this address" for one function.
type lineMap struct {
	rows []lineRow // rows of the sequences covering the function, by address
}

// linesFor loads the line rows of the compilation unit holding [lo, hi).
// A unit without line info gives an empty map, not an error: listings
// simply go without source.
func linesFor(d *dwarf.Data, lo, hi uint64) *lineMap {
	r := d.Reader()
	cu, err := r.SeekPC(lo)
	if err != nil {
		return &lineMap{}
	}
	rows, _ := cuRows(d, cu)
	var keep []lineRow
	start := 0
	for i, row := range rows {
		if !row.end {
			continue
		}
		seq := rows[start : i+1]
		start = i + 1
		if len(seq) > 0 && seq[0].addr < hi && row.addr > lo {
			keep = append(keep, seq...)
		}
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].addr < keep[j].addr })
	return &lineMap{rows: keep}
}

// at is the source position of addr: the last row at or before it that is
// not an end of sequence.
func (m *lineMap) at(addr uint64) (srcPos, bool) {
	i := sort.Search(len(m.rows), func(i int) bool { return m.rows[i].addr > addr })
	for i--; i >= 0; i-- {
		row := m.rows[i]
		if row.end {
			if row.addr <= addr {
				return srcPos{}, false
			}
			continue
		}
		return srcPos{row.file, row.line}, true
	}
	return srcPos{}, false
}

// addrRange is [lo, hi) of code generated for one source line.
type addrRange struct{ lo, hi uint64 }

// lineRanges finds the code of FILE:LINE: every is_stmt row of that line
// (several when the line was inlined, unrolled or split), each up to the
// next row of its sequence, adjacent ranges merged. FILE matches a table's
// file name exactly or as a trailing path ("fixture.c", "net/core/dev.c").
// Units whose file table lacks FILE are skipped unread. It wraps ErrNotFound
// (with the nearest lines that have code) and ErrAmbiguous (several files
// end in FILE).
func lineRanges(d *dwarf.Data, file string, line int) ([]addrRange, string, error) {
	r := d.Reader()
	var ranges []addrRange
	names := map[string]bool{}
	var near []int
	for {
		cu, err := r.Next()
		if err != nil {
			return nil, "", fmt.Errorf("read DWARF: %w", err)
		}
		if cu == nil {
			break
		}
		if cu.Tag != dwarf.TagCompileUnit && cu.Tag != dwarf.TagPartialUnit {
			r.SkipChildren()
			continue
		}
		r.SkipChildren()
		lr, err := d.LineReader(cu)
		if err != nil || lr == nil || !anyFileMatches(lr.Files(), file) {
			continue
		}
		rows, err := cuRows(d, cu)
		if err != nil {
			return nil, "", fmt.Errorf("read line table: %w", err)
		}
		for i, row := range rows {
			if row.end || !fileMatches(row.file, file) {
				continue
			}
			if row.line != line {
				if row.stmt {
					near = append(near, row.line)
				}
				continue
			}
			if !row.stmt {
				continue
			}
			names[row.file] = true
			// The range runs to the next row with a different address.
			hi := row.addr
			for j := i + 1; j < len(rows); j++ {
				if rows[j].addr > row.addr {
					hi = rows[j].addr
					break
				}
			}
			if hi > row.addr {
				ranges = append(ranges, addrRange{row.addr, hi})
			}
		}
	}
	if len(names) > 1 {
		var list []string
		for n := range names {
			list = append(list, n)
		}
		sort.Strings(list)
		return nil, "", fmt.Errorf("%s:%d: %w: %d files match: %s", file, line, ErrAmbiguous, len(list), strings.Join(list, ", "))
	}
	if len(ranges) == 0 {
		return nil, "", fmt.Errorf("%s:%d: no code for this line%s: %w", file, line, nearLines(near, line), ErrNotFound)
	}
	var full string
	for n := range names {
		full = n
	}
	return mergeRanges(ranges), full, nil
}

func mergeRanges(rs []addrRange) []addrRange {
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi {
			last.hi = max(last.hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// nearLines names the closest lines before and after line that have code.
func nearLines(lines []int, line int) string {
	before, after := -1, -1
	for _, l := range lines {
		if l < line && l > before {
			before = l
		}
		if l > line && (after < 0 || l < after) {
			after = l
		}
	}
	var s []string
	if before >= 0 {
		s = append(s, itoa(uint64(before)))
	}
	if after >= 0 {
		s = append(s, itoa(uint64(after)))
	}
	if len(s) == 0 {
		return " (the file has no code in this object)"
	}
	return " (nearest lines with code: " + strings.Join(s, ", ") + ")"
}

func anyFileMatches(files []*dwarf.LineFile, want string) bool {
	for _, f := range files {
		if f != nil && fileMatches(f.Name, want) {
			return true
		}
	}
	return false
}

// fileMatches compares a line table's file name with the user's: equal, or
// ending in "/"+want, after cleaning both.
func fileMatches(name, want string) bool {
	if name == "" {
		return false
	}
	name, want = filepath.Clean(name), filepath.Clean(want)
	return name == want || strings.HasSuffix(name, "/"+strings.TrimPrefix(want, "./"))
}
