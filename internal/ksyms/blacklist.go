package ksyms

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Blacklist is the kernel's list of address ranges where kprobes are
// refused (debugfs's kprobes/blacklist: "0xSTART-0xEND\tname").
type Blacklist struct {
	r []blRange // sorted by start
}

type blRange struct {
	start, end uint64
	name       string
}

// ParseBlacklist reads the blacklist's text: "0xSTART-0xEND NAME" per
// line; other lines are skipped.
func ParseBlacklist(r io.Reader) (*Blacklist, error) {
	b := &Blacklist{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		s, err1 := strconv.ParseUint(strings.TrimPrefix(lo, "0x"), 16, 64)
		e, err2 := strconv.ParseUint(strings.TrimPrefix(hi, "0x"), 16, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		b.r = append(b.r, blRange{s, e, f[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("kprobes blacklist: %w", err)
	}
	sort.Slice(b.r, func(i, j int) bool { return b.r[i].start < b.r[j].start })
	return b, nil
}

// Contains reports whether addr lies in a blacklisted range, and its name.
func (b *Blacklist) Contains(addr uint64) (string, bool) {
	if b == nil {
		return "", false
	}
	i := sort.Search(len(b.r), func(i int) bool { return b.r[i].start > addr })
	// Ranges may overlap (a function and its section); check a few back.
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		if addr >= b.r[j].start && addr < b.r[j].end {
			return b.r[j].name, true
		}
	}
	return "", false
}

// Len is the number of ranges.
func (b *Blacklist) Len() int { return len(b.r) }
