// Package ksyms parses the kernel's symbol table (kallsyms, the running
// kernel's or a saved copy of another kernel's) and the kprobes blacklist.
// It reads what it is handed: opening the kernel's files, and unpacking
// saved copies, is internal/kernel's. The table and the blacklist together
// decide what a kprobe
// can be attached to: kprobes need a kernel text symbol, not an
// ftrace-traceable one, and a name may exist only as a compiler clone
// (name.constprop.0, name.isra.0, name.part.0).
//
// The kernel's view of these files is described in
// Documentation/trace/kprobetrace.rst and Documentation/staging/kprobes.rst.
package ksyms

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Sentinel errors; callers branch on them with errors.Is.
var (
	// ErrNotFound: no symbol of that name (nor a clone of it).
	ErrNotFound = errors.New("no such kernel symbol")
	// ErrAmbiguous: several symbols share the name; a MODULE:name or an
	// address is needed.
	ErrAmbiguous = errors.New("several kernel symbols have this name")
)

// Symbol is one line of kallsyms.
type Symbol struct {
	Addr   uint64
	Type   byte // 'T', 't', 'D', 'd', …
	Name   string
	Module string // "" for vmlinux
}

// IsText reports whether the symbol is code.
func (s Symbol) IsText() bool {
	return s.Type == 'T' || s.Type == 't' || s.Type == 'W' || s.Type == 'w'
}

// String prints it the way kallsyms and users say it.
func (s Symbol) String() string {
	if s.Module != "" {
		return s.Module + ":" + s.Name
	}
	return s.Name
}

// Table is a loaded symbol table. Names are indexed exactly; lookups are
// by full name, never by prefix (the original matched vfs_read to
// vfs_readlink).
type Table struct {
	syms   []Symbol         // sorted by address
	byName map[string][]int // index into syms
	// base maps a clone's base name (before the first '.') to its clones.
	clones map[string][]int

	dataOnce sync.Once
	hasData  bool
}

// Parse reads kallsyms text: "ADDR TYPE NAME [MODULE]" per line.
func Parse(r io.Reader) (*Table, error) {
	t := &Table{byName: make(map[string][]int, 1<<17), clones: make(map[string][]int)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		f := bytes.Fields(line)
		if len(f) < 3 || len(f[1]) != 1 {
			continue
		}
		addr, err := strconv.ParseUint(string(f[0]), 16, 64)
		if err != nil {
			continue
		}
		s := Symbol{Addr: addr, Type: f[1][0], Name: string(f[2])}
		if len(f) >= 4 {
			s.Module = strings.Trim(string(f[3]), "[]")
		}
		t.syms = append(t.syms, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(t.syms, func(i, j int) bool { return t.syms[i].Addr < t.syms[j].Addr })
	for i, s := range t.syms {
		t.byName[s.Name] = append(t.byName[s.Name], i)
		if base, ok := CloneBase(s.Name); ok && s.IsText() {
			t.clones[base] = append(t.clones[base], i)
		}
	}
	return t, nil
}

// Len is the number of symbols.
func (t *Table) Len() int { return len(t.syms) }

// Lookup returns every symbol with exactly this name ("MODULE:name" limits
// it to one module).
func (t *Table) Lookup(name string) []Symbol {
	mod := ""
	if i := strings.IndexByte(name, ':'); i > 0 {
		mod, name = name[:i], name[i+1:]
	}
	var out []Symbol
	for _, i := range t.byName[name] {
		if mod == "" || t.syms[i].Module == mod {
			out = append(out, t.syms[i])
		}
	}
	return out
}

// CloneBase returns the function a compiler clone was made of: the name
// before the first '.' (name.constprop.0, name.isra.0, name.part.0); ok
// is false for a name that is no clone.
func CloneBase(name string) (base string, ok bool) {
	dot := strings.IndexByte(name, '.')
	if dot <= 0 {
		return "", false
	}
	return name[:dot], true
}

// Clones returns the compiler clones of a function (name.constprop.0,
// name.isra.0, name.part.0, …), text symbols only.
func (t *Table) Clones(name string) []Symbol {
	var out []Symbol
	for _, i := range t.clones[name] {
		out = append(out, t.syms[i])
	}
	return out
}

// Bounds returns the address range of a symbol: from its address to the
// next higher symbol's. kallsyms has no sizes; this is how the kernel's own
// kallsyms_lookup_size_offset estimates them.
func (t *Table) Bounds(s Symbol) (start, end uint64) {
	i := sort.Search(len(t.syms), func(i int) bool { return t.syms[i].Addr > s.Addr })
	for ; i < len(t.syms); i++ {
		if t.syms[i].Module == s.Module || s.Module == "" {
			return s.Addr, t.syms[i].Addr
		}
	}
	return s.Addr, s.Addr
}

// Symbolize returns the symbol containing addr and the offset into it.
func (t *Table) Symbolize(addr uint64) (Symbol, uint64, bool) {
	i := sort.Search(len(t.syms), func(i int) bool { return t.syms[i].Addr > addr })
	if i == 0 {
		return Symbol{}, 0, false
	}
	s := t.syms[i-1]
	if s.Addr == 0 {
		return Symbol{}, 0, false
	}
	// Several names may share an address (a function and a section
	// marker such as __static_call_text_end): prefer a function that is
	// not a marker.
	for j := i - 1; j >= 0 && t.syms[j].Addr == s.Addr; j-- {
		c := t.syms[j]
		if c.IsText() && !isMarker(c.Name) {
			s = c
			break
		}
	}
	return s, addr - s.Addr, true
}

// Names calls fn for every text symbol name (for suggestions and listing).
func (t *Table) Names(fn func(Symbol)) {
	for _, s := range t.syms {
		if s.IsText() {
			fn(s)
		}
	}
}

// HasData reports whether the table lists data symbols (kernels with
// CONFIG_KALLSYMS_ALL, or a saved table of one).
func (t *Table) HasData() bool {
	t.dataOnce.Do(func() {
		for _, s := range t.syms {
			switch s.Type {
			case 'd', 'D', 'b', 'B':
				t.hasData = true
				return
			}
		}
	})
	return t.hasData
}

// isMarker reports linker-made boundary symbols.
func isMarker(name string) bool {
	return strings.HasSuffix(name, "_end") || strings.HasSuffix(name, "_start") || strings.HasPrefix(name, "__start_") || strings.HasPrefix(name, "__stop_")
}
