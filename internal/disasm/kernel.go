package disasm

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/suggest"
)

// ProcKcore is the running kernel's memory as an ELF core image.
const ProcKcore = "/proc/kcore"

// geteuid is a variable so tests can play an unprivileged user.
var geteuid = os.Geteuid

// Lists are the running kernel's symbol lists. internal/kernel opens
// them: this package reads code, not the kernel's files.
type Lists interface {
	// Kallsyms is the running kernel's symbol table.
	Kallsyms() (*ksyms.Table, error)
	// Blacklist is its kprobes blacklist.
	Blacklist() (*ksyms.Blacklist, error)
	// Traceable is the set of functions ftrace can trace
	// (available_filter_functions).
	Traceable() (map[string]bool, error)
}

// KernelOptions says where kernel code and symbols come from. Code comes
// from Vmlinux, else /proc/kcore (root); symbols from Kallsyms, else the
// vmlinux's .symtab, else the running kernel's (Live).
type KernelOptions struct {
	// Vmlinux is an ELF image to read code from instead of /proc/kcore; its
	// .symtab (when it has one) gives the symbols and its DWARF the source
	// lines.
	Vmlinux string
	// Kallsyms loads a symbol table in kallsyms form to use instead of the
	// ELF's or the running kernel's: for a stripped vmlinux, such as the
	// one inside a bzImage. Nil: none is given.
	Kallsyms func() (*ksyms.Table, error)
	// Kcore replaces /proc/kcore (tests).
	Kcore string
	// Blacklist loads a kprobes blacklist; nil: the running kernel's when
	// the symbols are its.
	Blacklist func() (*ksyms.Blacklist, error)
	// FilterFunctions loads the ftrace-traceable functions; nil: the
	// running kernel's when the symbols are its.
	FilterFunctions func() (map[string]bool, error)
	// Live reads the running kernel's lists; nil: they cannot be read.
	Live Lists
}

// Kernel reads functions of a kernel.
type Kernel struct {
	syms      *ksyms.Table
	img       *image
	a         Arch
	slide     uint64 // symbol address − image address (KASLR)
	live      bool   // symbols from the running kernel's kallsyms
	fromELF   bool   // code from a vmlinux, not kcore
	bl        *ksyms.Blacklist
	blMissing string          // why the blacklist could not be checked
	traceable map[string]bool // nil when unknown
	vmlinux   string
	// thunks names retpoline thunk addresses: kallsyms lists section
	// markers (__static_call_text_end, __indirect_thunk_start) at the same
	// address, and Symbolize may pick one of those.
	thunks map[uint64]string
}

// OpenKernel opens the code image and symbol table opts names. It wraps
// ErrNeedRoot, ErrNoKcore and ErrNoSymbols.
func OpenKernel(opts KernelOptions) (*Kernel, error) {
	k := &Kernel{vmlinux: opts.Vmlinux}
	codePath := opts.Vmlinux
	if codePath == "" {
		codePath = opts.Kcore
		if codePath == "" {
			codePath = ProcKcore
		}
		if geteuid() != 0 && opts.Kcore == "" {
			return nil, ErrNeedRoot
		}
		if _, err := os.Stat(codePath); errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNoKcore
		}
	} else {
		k.fromELF = true
	}
	img, err := openImage(codePath)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("open %s: %w", codePath, ErrNeedRoot)
		}
		return nil, fmt.Errorf("open kernel image: %w", err)
	}
	k.img = img
	if k.a, err = ArchOf(img.elf); err != nil {
		img.Close()
		return nil, fmt.Errorf("%s: %w", codePath, err)
	}
	if err := k.loadSymbols(opts); err != nil {
		img.Close()
		return nil, err
	}
	k.loadProbeLists(opts)
	k.findThunks()
	return k, nil
}

func (k *Kernel) findThunks() {
	k.thunks = map[uint64]string{}
	regs := []string{"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"}
	for _, p := range append(thunkPrefixes, "__x86_return_thunk") {
		if !strings.HasSuffix(p, "_") {
			for _, s := range k.syms.Lookup(p) {
				k.thunks[s.Addr] = s.Name
			}
			continue
		}
		for _, r := range regs {
			for _, s := range k.syms.Lookup(p + r) {
				k.thunks[s.Addr] = s.Name
			}
		}
	}
}

// Close releases the image.
func (k *Kernel) Close() error { return k.img.Close() }

func (k *Kernel) loadSymbols(opts KernelOptions) error {
	var err error
	switch {
	case opts.Kallsyms != nil:
		k.syms, err = opts.Kallsyms()
	case k.fromELF && hasSymtab(k.img):
		k.syms, err = elfSymbols(k.img)
	default:
		if k.fromELF && geteuid() != 0 {
			return fmt.Errorf("%s: %w: give --kallsyms FILE with that kernel's kallsyms", opts.Vmlinux, ErrNoSymbols)
		}
		if opts.Live == nil {
			return fmt.Errorf("%w: the running kernel's kallsyms is not at hand", ErrNoSymbols)
		}
		k.live = true
		k.syms, err = opts.Live.Kallsyms()
	}
	if err != nil {
		return fmt.Errorf("kernel symbols: %w", err)
	}
	if k.live && !k.hasAddresses() {
		return fmt.Errorf("the running kernel's kallsyms shows no addresses (kernel.kptr_restrict): %w", ErrNeedRoot)
	}
	if k.fromELF && !hasSymtab(k.img) {
		k.slide = k.textSlide()
	}
	return nil
}

// hasAddresses tells a readable kallsyms from the all-zero one non-root
// users see.
func (k *Kernel) hasAddresses() bool {
	for _, name := range []string{"_text", "_stext", "startup_64", "stext"} {
		for _, s := range k.syms.Lookup(name) {
			if s.Addr != 0 {
				return true
			}
		}
	}
	return false
}

// textSlide is how far the symbols' kernel text is from the image's: the
// KASLR offset when a stripped vmlinux is read with the running kernel's
// kallsyms, 0 with a kallsyms saved from a boot without KASLR.
func (k *Kernel) textSlide() uint64 {
	var text uint64
	if s := k.img.elf.Section(".text"); s != nil {
		text = s.Addr
	}
	for _, name := range []string{"_text", "_stext", "stext"} {
		if syms := k.syms.Lookup(name); len(syms) > 0 && text != 0 {
			return syms[0].Addr - text
		}
	}
	return 0
}

// loadProbeLists reads the kprobes blacklist and the ftrace-traceable
// functions, quietly doing without when they are not readable.
func (k *Kernel) loadProbeLists(opts KernelOptions) {
	bl, ff := opts.Blacklist, opts.FilterFunctions
	if k.live && opts.Live != nil {
		if bl == nil {
			bl = opts.Live.Blacklist
		}
		if ff == nil {
			ff = opts.Live.Traceable
		}
	}
	if bl != nil {
		b, err := bl()
		if err != nil {
			k.blMissing = fmt.Sprintf("kprobes blacklist not checked (%v; mount debugfs)", err)
		}
		k.bl = b
	}
	if ff != nil {
		k.traceable, _ = ff()
	}
}

// Func disassembles a kernel function: NAME, MODULE:NAME, or an address in
// it (0x…). A name that only exists as a compiler clone (NAME.constprop.0)
// resolves to it. It wraps ErrNotFound (with close names suggested) and
// ErrAmbiguous.
func (k *Kernel) Func(name string) (*Listing, error) {
	sym, notes, err := k.lookup(name)
	if err != nil {
		return nil, err
	}
	start, end := k.syms.Bounds(sym)
	if end <= start || end-start > maxFuncSize {
		return nil, fmt.Errorf("%s: cannot tell where it ends (next symbol at %#x)", sym.Name, end)
	}
	l, err := buildListing(k, k.lineData(), k.slide, sym.Name, start, end)
	if errors.Is(err, ErrNotMapped) && sym.Module != "" && k.fromELF {
		return nil, fmt.Errorf("%s: module code is not in %s; read it from the running kernel (no -v, as root): %w", sym, k.vmlinux, err)
	}
	if err != nil {
		return nil, err
	}
	l.Module = sym.Module
	l.Notes = append(notes, l.Notes...)
	return l, nil
}

// maxFuncSize bounds a function whose end is only known as the next symbol:
// past it the "function" is really a gap in the symbol table.
const maxFuncSize = 1 << 20

func (k *Kernel) lookup(name string) (ksyms.Symbol, []string, error) {
	if hex, ok := strings.CutPrefix(name, "0x"); ok {
		addr, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return ksyms.Symbol{}, nil, fmt.Errorf("address %s: %w", name, err)
		}
		s, _, ok := k.syms.Symbolize(addr)
		if !ok || !s.IsText() {
			return ksyms.Symbol{}, nil, fmt.Errorf("no kernel function at %s: %w", name, ErrNotFound)
		}
		return s, nil, nil
	}
	syms := distinctText(k.syms.Lookup(name))
	var notes []string
	if len(syms) == 0 {
		syms = distinctText(k.syms.Clones(name))
		if len(syms) == 1 {
			notes = append(notes, fmt.Sprintf("%s exists only as the compiler's copy %s: probe that name", name, syms[0].Name))
		}
	}
	switch {
	case len(syms) == 0:
		var names []string
		k.syms.Names(func(s ksyms.Symbol) { names = append(names, s.Name) })
		hint := ""
		if near := suggest.Typos(name, names, 3); len(near) > 0 {
			hint = "; did you mean " + strings.Join(near, ", ") + "?"
		}
		return ksyms.Symbol{}, nil, fmt.Errorf("kernel function %s: %w%s", name, ErrNotFound, hint)
	case len(syms) > 1:
		var list []string
		for _, s := range syms {
			list = append(list, fmt.Sprintf("%s at %#x", s, s.Addr))
		}
		return ksyms.Symbol{}, nil, fmt.Errorf("kernel function %s: %w: %s; give MODULE:NAME or the address",
			name, ErrAmbiguous, strings.Join(list, ", "))
	}
	return syms[0], notes, nil
}

// distinctText keeps text symbols, one per address.
func distinctText(in []ksyms.Symbol) []ksyms.Symbol {
	seen := map[uint64]bool{}
	var out []ksyms.Symbol
	for _, s := range in {
		if s.IsText() && !seen[s.Addr] {
			seen[s.Addr] = true
			out = append(out, s)
		}
	}
	return out
}

// Line disassembles the code of a kernel source line; it needs a vmlinux
// with DWARF. It wraps ErrNoDebugInfo, ErrNotFound and ErrAmbiguous.
func (k *Kernel) Line(file string, line int) (*LineListing, error) {
	d := k.lineData()
	if d == nil {
		if k.vmlinux == "" {
			return nil, fmt.Errorf("%w: give -v VMLINUX with DWARF (a debug build of the running kernel)", ErrNoDebugInfo)
		}
		return nil, fmt.Errorf("%s has no DWARF (.debug_info): %w", k.vmlinux, ErrNoDebugInfo)
	}
	return buildLineListing(k, d, k.slide, file, line)
}

func (k *Kernel) lineData() *dwarf.Data {
	if !k.fromELF || !hasDWARFSection(k.img) {
		return nil
	}
	d, err := k.img.elf.DWARF()
	if err != nil {
		return nil
	}
	return d
}

// codeSource.

func (k *Kernel) arch() Arch { return k.a }

func (k *Kernel) read(addr, n uint64) ([]byte, error) {
	if k.fromELF {
		addr -= k.slide
	}
	return k.img.Read(addr, n)
}

func (k *Kernel) symbolizer() Symbolizer {
	return SymbolizerFunc(func(addr uint64) (string, uint64, bool) {
		if name, ok := k.thunks[addr]; ok {
			return name, 0, true
		}
		s, off, ok := k.syms.Symbolize(addr)
		return s.Name, off, ok
	})
}

func (k *Kernel) funcAt(addr uint64) (string, uint64, uint64, bool) {
	s, _, ok := k.syms.Symbolize(addr)
	if !ok || !s.IsText() {
		return "", 0, 0, false
	}
	start, end := k.syms.Bounds(s)
	return s.Name, start, end, end > start
}

func (k *Kernel) notes(name string, start uint64) ([]string, bool) {
	var notes []string
	blocked := false
	if bl, ok := k.bl.Contains(start); ok {
		blocked = true
		notes = append(notes, fmt.Sprintf("not probeable: %s is in the kprobes blacklist (%s), kprobe_events refuses it", name, bl))
	} else if k.blMissing != "" {
		notes = append(notes, k.blMissing)
	}
	if k.traceable != nil && !k.traceable[name] {
		notes = append(notes, fmt.Sprintf("%s is not in available_filter_functions (notrace, or ftrace cannot attach): "+
			"kprobes use a breakpoint there instead, unless it is blacklisted", name))
	}
	return notes, blocked
}
