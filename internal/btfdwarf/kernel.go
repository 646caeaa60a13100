package btfdwarf

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// ErrModuleNotLoaded: the function or type is a module's, and that module
// is not loaded, so nothing of it can be probed.
var ErrModuleNotLoaded = errors.New("module not loaded")

// ModuleNotLoadedError names the function and its module; it wraps
// ErrModuleNotLoaded.
type ModuleNotLoadedError struct {
	Func, Module string
}

// Error says how to load the module.
func (e *ModuleNotLoadedError) Error() string {
	return fmt.Sprintf("%s is in module %s, which is not loaded (modprobe %s)", e.Func, e.Module, e.Module)
}

// Unwrap lets errors.Is find ErrModuleNotLoaded.
func (e *ModuleNotLoadedError) Unwrap() error { return ErrModuleNotLoaded }

// Kernel is the kernel's types together with its modules': vmlinux's BTF
// and, loaded on first use, each module's split BTF on top of it.
//
// A function is looked up in vmlinux, then in the loaded modules, then in
// the modules that are known but not loaded (which is an error that says
// so). A type is looked up in the function's module first (ForFunc), so
// when vmlinux and a module, or two modules, define the same name, the
// function's module wins; without a function, vmlinux wins, then the
// modules in name order.
type Kernel struct {
	base *BTF
	// list finds the module BTF files (module name → path) on first
	// need, so that a vmlinux function costs no directory walk.
	list  func() map[string]string
	files map[string]string
	// loaded reports whether a module is loaded; nil: all are.
	loaded func(module string) bool
	split  map[string]*BTF
	errs   map[string]error
	// funcMod remembers which module answered a function.
	funcMod map[string]string
}

// NewKernel joins vmlinux's BTF with the modules' BTF files, which list
// returns (module name → path: split BTF, or a module object whose .BTF
// section is taken) when first needed; nil means none. loaded tells the
// loaded modules apart; nil means all listed modules are loaded, as the
// running kernel's BTF directory lists them.
func NewKernel(base *BTF, list func() map[string]string, loaded func(module string) bool) *Kernel {
	return &Kernel{base: base, list: list, loaded: loaded,
		split: map[string]*BTF{}, errs: map[string]error{}, funcMod: map[string]string{}}
}

// moduleFiles lists the module BTF files once.
func (k *Kernel) moduleFiles() map[string]string {
	if k.files == nil {
		if k.list != nil {
			k.files = k.list()
		}
		if k.files == nil {
			k.files = map[string]string{}
		}
	}
	return k.files
}

// ModuleName spells a module as the kernel does: file names may use '-'
// where the module's name has '_'.
func ModuleName(file string) string {
	name := filepath.Base(file)
	for _, ext := range []string{".xz", ".gz", ".zst", ".ko", ".btf"} {
		name = strings.TrimSuffix(name, ext)
	}
	return strings.ReplaceAll(name, "-", "_")
}

// Base is vmlinux's BTF.
func (k *Kernel) Base() *BTF { return k.base }

// Modules lists the modules whose BTF is known, sorted.
func (k *Kernel) Modules() []string {
	files := k.moduleFiles()
	out := make([]string, 0, len(files))
	for m := range files {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// Loaded reports whether module is loaded.
func (k *Kernel) Loaded(module string) bool {
	return k.loaded == nil || k.loaded(module)
}

// Module returns a module's split BTF; ErrNotFound when it has none.
func (k *Kernel) Module(name string) (*BTF, error) {
	if b, ok := k.split[name]; ok {
		return b, nil
	}
	if err, ok := k.errs[name]; ok {
		return nil, err
	}
	path, ok := k.moduleFiles()[name]
	if !ok {
		err := fmt.Errorf("BTF of module %s: %w", name, ErrNotFound)
		k.errs[name] = err
		return nil, err
	}
	b, err := LoadSplitBTF(path, k.base)
	if err != nil {
		k.errs[name] = err
		return nil, err
	}
	b.module = name
	k.split[name] = b
	return b, nil
}

// PointerSize implements Source.
func (k *Kernel) PointerSize() int { return k.base.ptrSize }

// Describe implements Source.
func (k *Kernel) Describe() string {
	if len(k.files) == 0 {
		return k.base.Describe()
	}
	return fmt.Sprintf("%s and its modules' BTF", k.base.Describe())
}

// Func implements Source: vmlinux's function, else a loaded module's. A
// function found only in a module that is not loaded wraps
// ErrModuleNotLoaded; else ErrNotFound, ErrNoPrototype.
func (k *Kernel) Func(name string) (*Func, error) {
	_, f, err := k.FuncModule(name)
	return f, err
}

// FuncModule is Func that also names the function's module ("" for
// vmlinux).
func (k *Kernel) FuncModule(name string) (string, *Func, error) {
	if mod, ok := k.funcMod[name]; ok {
		if mod == "" {
			f, err := k.base.Func(name)
			return "", f, err
		}
		b, err := k.Module(mod)
		if err != nil {
			return "", nil, err
		}
		f, err := b.Func(name)
		return mod, f, err
	}
	f, err := k.base.Func(name)
	if !errors.Is(err, ErrNotFound) {
		if err == nil {
			k.funcMod[name] = ""
		}
		return "", f, err
	}
	var notLoaded string
	for _, mod := range k.candidates(name) {
		b, merr := k.Module(mod)
		if merr != nil || !b.ownsFunc(name) {
			continue
		}
		if !k.Loaded(mod) {
			if notLoaded == "" {
				notLoaded = mod
			}
			continue
		}
		k.funcMod[name] = mod
		f, err := b.Func(name)
		return mod, f, err
	}
	if notLoaded != "" {
		return notLoaded, nil, &ModuleNotLoadedError{Func: name, Module: notLoaded}
	}
	return "", nil, err
}

// FuncIn looks a function up in one module (a probe on MODULE:name): the
// module's own function even when vmlinux has one of that name. It wraps
// ErrModuleNotLoaded and ErrNotFound.
func (k *Kernel) FuncIn(module, name string) (*Func, error) {
	b, err := k.Module(module)
	if err != nil {
		return nil, err
	}
	if !b.ownsFunc(name) {
		return nil, fmt.Errorf("function %s in module %s: %w", name, module, ErrNotFound)
	}
	if !k.Loaded(module) {
		return nil, &ModuleNotLoadedError{Func: name, Module: module}
	}
	k.funcMod[name] = module
	return b.Func(name)
}

// maxScan bounds how many modules that are not loaded a function is
// searched in by reading their BTF (a distribution installs thousands,
// compressed); beyond it only those whose name shares a word with the
// function's are read (htb_enqueue: sch_htb; veth_xmit: veth). Loaded
// modules are all searched: their BTF is small and uncompressed.
const maxScan = 64

// candidates orders the modules to search for a function.
func (k *Kernel) candidates(fn string) []string {
	return orderCandidates(k.Modules(), k.Loaded, fn)
}

// orderCandidates orders modules to search for a function: loaded ones
// first, and within each group those whose name shares a word with it.
func orderCandidates(mods []string, isLoaded func(string) bool, fn string) []string {
	words := strings.FieldsFunc(fn, func(r rune) bool { return r == '_' })
	shares := func(mod string) bool {
		for _, w := range words {
			if len(w) >= 3 && strings.Contains(mod, w) {
				return true
			}
		}
		return false
	}
	var loadedFirst, loadedRest, otherFirst, otherRest []string
	for _, m := range mods {
		switch loaded, near := isLoaded(m), shares(m); {
		case loaded && near:
			loadedFirst = append(loadedFirst, m)
		case loaded:
			loadedRest = append(loadedRest, m)
		case near:
			otherFirst = append(otherFirst, m)
		default:
			otherRest = append(otherRest, m)
		}
	}
	out := append(append(loadedFirst, loadedRest...), otherFirst...)
	if len(otherFirst)+len(otherRest) <= maxScan {
		out = append(out, otherRest...)
	}
	return out
}

// ForFunc returns the source to resolve a function's casts in: its
// module's BTF (own types first, then vmlinux's) when it is a module's.
func (k *Kernel) ForFunc(name string) Source {
	mod, _, err := k.FuncModule(name)
	if err != nil || mod == "" {
		return k
	}
	b, err := k.Module(mod)
	if err != nil {
		return k
	}
	return b
}

// TypeByName implements Source: vmlinux's type, else the first loaded
// module's that defines it. It wraps ErrNotFound.
func (k *Kernel) TypeByName(name string) (*Type, error) {
	t, err := k.base.TypeByName(name)
	if !errors.Is(err, ErrNotFound) {
		return t, err
	}
	for _, mod := range k.Modules() {
		if !k.Loaded(mod) {
			continue
		}
		b, merr := k.Module(mod)
		if merr != nil {
			continue
		}
		if mt, merr := b.ownType(name); merr == nil {
			return mt, nil
		}
	}
	return nil, err
}

// TypeNames lists vmlinux's type names and the loaded modules', as
// (*BTF).TypeNames.
func (k *Kernel) TypeNames(match func(name string) bool) []string {
	seen := map[string]bool{}
	var out []string
	add := func(names []string) {
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	add(k.base.TypeNames(match))
	for _, mod := range k.Modules() {
		if b, err := k.Module(mod); err == nil && k.Loaded(mod) {
			add(b.ownTypeNames(match))
		}
	}
	return out
}

// Funcs lists vmlinux's functions, as (*BTF).Funcs; modules' functions
// are listed through their own BTF (Module).
func (k *Kernel) Funcs(match func(name string) bool) ([]*Func, error) {
	return k.base.Funcs(match)
}

// Close releases every BTF.
func (k *Kernel) Close() error {
	for _, b := range k.split {
		b.Close()
	}
	return k.base.Close()
}
