package uobj

import (
	"debug/elf"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Object is an opened user-space ELF file and its function symbols.
type Object struct {
	Path   string // absolute file name, as Resolve gave it
	Symtab string // ".symtab" or ".dynsym": where the symbols came from

	f     *elf.File
	file  *os.File
	funcs []Func // by address, then name
}

// Func is one function symbol. Several aliases may share an address.
type Func struct {
	Name    string // without a symbol version
	Version string // "GLIBC_2.2.5" for a versioned .dynsym symbol, else ""
	Addr    uint64 // virtual address in the file (the symbol's value)
	Size    uint64 // bytes; see Open for symbols of size 0
	Offset  uint64 // file offset of Addr: the PATH:OFFSET of uprobe_events
	IFUNC   bool   // STT_GNU_IFUNC: the symbol is the resolver

	hidden bool // a non-default version (name@VER, not name@@VER)
	global bool
}

// Open resolves spec (see Resolve) and reads its function symbols from
// .symtab, else .dynsym. A symbol of size 0 (hand-written assembly) is given
// the distance to the next function in its section, so that offsets inside
// it can be checked and its code read. It wraps ErrNotFound, and
// ErrNotRegular for a FIFO or device, which it refuses without waiting.
func Open(spec string) (*Object, error) {
	path, err := Resolve(spec)
	if err != nil {
		return nil, err
	}
	file, err := openRegular(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f, err := elf.NewFile(file)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("open %s: not an ELF object: %w", path, err)
	}
	o := &Object{Path: path, f: f, file: file}
	if err := o.loadFuncs(); err != nil {
		o.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return o, nil
}

// Close releases the file.
func (o *Object) Close() error {
	if o.file == nil {
		return nil
	}
	err := o.file.Close()
	o.file = nil
	return err
}

// ELF gives the parsed file, for DWARF and section access.
func (o *Object) ELF() *elf.File { return o.f }

// Machine is the object's architecture (elf.EM_X86_64, elf.EM_AARCH64, …).
func (o *Object) Machine() elf.Machine { return o.f.Machine }

// Funcs lists every function symbol (aliases included, IFUNC resolvers
// marked), by address.
func (o *Object) Funcs() []Func {
	return append([]Func(nil), o.funcs...)
}

// Func finds a function by its exact name; "getpid" also matches a versioned
// "getpid@@GLIBC_2.2.5", and "name@VER"/"name@@VER" picks one version. When
// a name has an old version beside the default one (libc's realpath), the
// default one, the one new programs bind to, wins. It wraps ErrNotFound (with
// the closest names suggested), ErrIFUNC and ErrAmbiguous.
func (o *Object) Func(name string) (Func, error) {
	base, ver, hasVer := splitVersion(name)
	var funcs, ifuncs []Func
	for _, fn := range o.funcs {
		if fn.Name != base {
			continue
		}
		if hasVer && (fn.Version != strings.TrimPrefix(ver, "@") || fn.hidden != !strings.HasPrefix(ver, "@")) {
			continue
		}
		if fn.IFUNC {
			ifuncs = append(ifuncs, fn)
		} else {
			funcs = append(funcs, fn)
		}
	}
	funcs = dropHidden(funcs)
	switch {
	case len(funcs) == 0 && len(ifuncs) > 0:
		return Func{}, fmt.Errorf("%s in %s: %w: a probe there would only see the resolver that picks the implementation%s",
			name, o.Path, ErrIFUNC, o.ifuncHint(base))
	case len(funcs) == 0:
		return Func{}, fmt.Errorf("function %s in %s: %w%s", name, o.Path, ErrNotFound, suggestion(base, o.names()))
	}
	addrs := map[uint64]bool{}
	for _, fn := range funcs {
		addrs[fn.Addr] = true
	}
	if len(addrs) > 1 {
		var list []string
		for _, fn := range funcs {
			list = append(list, fmt.Sprintf("%#x", fn.Addr))
		}
		return Func{}, fmt.Errorf("function %s in %s: %w: %d functions at %s", name, o.Path, ErrAmbiguous, len(list), strings.Join(list, ", "))
	}
	return funcs[0], nil
}

// dropHidden keeps only default-version symbols when there are any.
func dropHidden(funcs []Func) []Func {
	var visible []Func
	for _, fn := range funcs {
		if !fn.hidden {
			visible = append(visible, fn)
		}
	}
	if len(visible) == 0 {
		return funcs
	}
	return visible
}

// ifuncHint names the implementations an IFUNC may select when the symbol
// table lists them (glibc's __strlen_avx2 style).
func (o *Object) ifuncHint(base string) string {
	var impls []string
	seen := map[string]bool{}
	for _, fn := range o.funcs {
		if !fn.IFUNC && strings.HasPrefix(fn.Name, "__"+base+"_") && !seen[fn.Name] {
			seen[fn.Name] = true
			impls = append(impls, fn.Name)
		}
	}
	if len(impls) == 0 {
		return "; probe the implementation it selects instead (its symbol is in the debug symbols, named like __" + base + "_avx2)"
	}
	return "; probe one of its implementations instead: " + strings.Join(impls, ", ")
}

// At checks that off lies inside the function and returns the file offset of
// Addr+off for uprobe_events. It wraps ErrOutOfRange.
func (fn Func) At(off uint64) (uint64, error) {
	if off >= fn.Size {
		return 0, fmt.Errorf("%s+%d: %w (the function is %d bytes)", fn.Name, off, ErrOutOfRange, fn.Size)
	}
	return fn.Offset + off, nil
}

// FuncAt finds the function name+off and returns the file offset of that
// spot (`P OBJ:FUNC+OFF`). It wraps the errors of Func and ErrOutOfRange.
func (o *Object) FuncAt(name string, off uint64) (Func, uint64, error) {
	fn, err := o.Func(name)
	if err != nil {
		return Func{}, 0, err
	}
	at, err := fn.At(off)
	if err != nil {
		return Func{}, 0, fmt.Errorf("%s: %w", o.Path, err)
	}
	return fn, at, nil
}

// Containing finds the function whose [Addr, Addr+Size) holds addr, and the
// offset into it; for naming call targets. Among aliases at one address the
// global one with the shortest name wins (`getpid` over `__getpid`).
func (o *Object) Containing(addr uint64) (Func, uint64, bool) {
	i := sort.Search(len(o.funcs), func(i int) bool { return o.funcs[i].Addr > addr })
	var best Func
	found := false
	for j := i - 1; j >= 0 && o.funcs[j].Addr == o.funcs[i-1].Addr; j-- {
		fn := o.funcs[j]
		if addr < fn.Addr+fn.Size && (!found || betterAlias(fn, best)) {
			best, found = fn, true
		}
	}
	if !found {
		return Func{}, 0, false
	}
	return best, addr - best.Addr, true
}

func betterAlias(a, b Func) bool {
	if a.global != b.global {
		return a.global
	}
	if a.hidden != b.hidden {
		return !a.hidden
	}
	if len(a.Name) != len(b.Name) {
		return len(a.Name) < len(b.Name)
	}
	return a.Name < b.Name
}

// Offset maps a virtual address to its file offset through the PT_LOAD
// segment holding it: p_offset + vaddr − p_vaddr, the same for ET_EXEC and
// ET_DYN (PIE, shared library). It wraps ErrNotMapped.
func (o *Object) Offset(vaddr uint64) (uint64, error) {
	for _, p := range o.f.Progs {
		if p.Type == elf.PT_LOAD && vaddr >= p.Vaddr && vaddr < p.Vaddr+p.Filesz {
			return p.Off + vaddr - p.Vaddr, nil
		}
	}
	return 0, fmt.Errorf("%#x in %s: %w", vaddr, o.Path, ErrNotMapped)
}

// Code reads the function's bytes from the file.
func (o *Object) Code(fn Func) ([]byte, error) {
	if o.file == nil {
		return nil, fmt.Errorf("read %s in %s: object closed", fn.Name, o.Path)
	}
	end, err := o.Offset(fn.Addr + fn.Size - 1)
	if err != nil || end != fn.Offset+fn.Size-1 {
		return nil, fmt.Errorf("read %s in %s: code crosses a segment end: %w", fn.Name, o.Path, ErrNotMapped)
	}
	// The symbol's size and the segment's length are the file's word: a
	// damaged object may claim far more bytes than it holds, and the
	// buffer must not be sized by that claim.
	st, err := o.file.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", fn.Name, o.Path, err)
	}
	if size := uint64(st.Size()); fn.Offset > size || fn.Size > size-fn.Offset {
		return nil, fmt.Errorf("read %s in %s: its %d bytes at file offset %#x run past the end of the %d-byte file: %w",
			fn.Name, o.Path, fn.Size, fn.Offset, size, ErrNotMapped)
	}
	buf := make([]byte, fn.Size)
	if _, err := o.file.ReadAt(buf, int64(fn.Offset)); err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", fn.Name, o.Path, err)
	}
	return buf, nil
}

// names lists the distinct names of probeable functions, for suggestions.
func (o *Object) names() []string {
	seen := map[string]bool{}
	var out []string
	for _, fn := range o.funcs {
		if !fn.IFUNC && !seen[fn.Name] {
			seen[fn.Name] = true
			out = append(out, fn.Name)
		}
	}
	return out
}
