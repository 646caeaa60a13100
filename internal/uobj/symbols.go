package uobj

import (
	"debug/elf"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// loadFuncs fills o.funcs from .symtab, else .dynsym.
func (o *Object) loadFuncs() error {
	syms, err := o.f.Symbols()
	o.Symtab = ".symtab"
	if errors.Is(err, elf.ErrNoSymbols) || (err == nil && !hasFuncs(syms)) {
		syms, err = o.f.DynamicSymbols()
		o.Symtab = ".dynsym"
	}
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return fmt.Errorf("read %s: %w", o.Symtab, err)
	}
	for _, s := range syms {
		typ := elf.ST_TYPE(s.Info)
		if (typ != elf.STT_FUNC && typ != elf.STT_GNU_IFUNC) || s.Section == elf.SHN_UNDEF || s.Value == 0 {
			continue
		}
		fn := Func{
			Addr:   s.Value,
			Size:   s.Size,
			IFUNC:  typ == elf.STT_GNU_IFUNC,
			global: elf.ST_BIND(s.Info) != elf.STB_LOCAL,
		}
		if s.HasVersion {
			fn.Name, fn.Version = s.Name, s.Version
			fn.hidden = s.VersionIndex.IsHidden()
		} else {
			// .symtab spells versions into the name: foo@@V default, foo@V hidden.
			base, ver, _ := splitVersion(s.Name)
			fn.Name, fn.Version = base, strings.TrimPrefix(ver, "@")
			fn.hidden = ver != "" && !strings.HasPrefix(ver, "@")
		}
		o.funcs = append(o.funcs, fn)
	}
	sort.SliceStable(o.funcs, func(i, j int) bool {
		a, b := o.funcs[i], o.funcs[j]
		if a.Addr != b.Addr {
			return a.Addr < b.Addr
		}
		return a.Name < b.Name
	})
	o.fillSizes()
	// A symbol no PT_LOAD segment backs (a section the loader never maps)
	// cannot be probed; dropping it keeps the rest of the object usable.
	kept := o.funcs[:0]
	for _, fn := range o.funcs {
		if off, err := o.Offset(fn.Addr); err == nil {
			fn.Offset = off
			kept = append(kept, fn)
		}
	}
	o.funcs = kept
	return nil
}

func hasFuncs(syms []elf.Symbol) bool {
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Section != elf.SHN_UNDEF {
			return true
		}
	}
	return false
}

// fillSizes gives size-0 symbols the distance to the next higher function
// address in their section, or to the section's end.
func (o *Object) fillSizes() {
	for i := range o.funcs {
		fn := &o.funcs[i]
		if fn.Size != 0 {
			continue
		}
		end := o.sectionEnd(fn.Addr)
		for j := i + 1; j < len(o.funcs); j++ {
			if next := o.funcs[j].Addr; next > fn.Addr {
				end = min(end, next)
				break
			}
		}
		if end > fn.Addr {
			fn.Size = end - fn.Addr
		}
	}
}

func (o *Object) sectionEnd(addr uint64) uint64 {
	for _, s := range o.f.Sections {
		if s.Flags&elf.SHF_ALLOC != 0 && addr >= s.Addr && addr < s.Addr+s.Size {
			return s.Addr + s.Size
		}
	}
	return addr
}

// splitVersion splits "name@@VER" into ("name", "@VER", true) and "name@VER"
// into ("name", "VER", true): a leading "@" in the version marks the default.
func splitVersion(s string) (base, ver string, ok bool) {
	i := strings.IndexByte(s, '@')
	if i <= 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}
