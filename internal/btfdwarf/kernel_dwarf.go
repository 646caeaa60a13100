package btfdwarf

import (
	"errors"
	"fmt"
	"sort"
)

// DWARFKernel is a debug vmlinux's types together with its modules':
// each module's DWARF (a .ko built with debug info, as a distribution's
// debug package ships it) opened on first use. Lookups follow Kernel's
// rules: vmlinux first, then the loaded modules, a function's casts in
// its module first, and a function found only in a module that is not
// loaded is an error naming the module.
type DWARFKernel struct {
	base    *DWARF
	list    func() map[string]string
	loaded  func(string) bool
	files   map[string]string
	mods    map[string]*DWARF
	errs    map[string]error
	funcMod map[string]string
}

// NewDWARFKernel joins a debug vmlinux with its modules' debug files,
// which list returns (module name → path) when first needed; loaded nil
// means all are loaded.
func NewDWARFKernel(base *DWARF, list func() map[string]string, loaded func(string) bool) *DWARFKernel {
	return &DWARFKernel{base: base, list: list, loaded: loaded,
		mods: map[string]*DWARF{}, errs: map[string]error{}, funcMod: map[string]string{}}
}

func (k *DWARFKernel) modules() []string {
	if k.files == nil {
		if k.list != nil {
			k.files = k.list()
		}
		if k.files == nil {
			k.files = map[string]string{}
		}
	}
	out := make([]string, 0, len(k.files))
	for m := range k.files {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func (k *DWARFKernel) isLoaded(m string) bool { return k.loaded == nil || k.loaded(m) }

// Module returns a module's DWARF; ErrNotFound when none is known.
func (k *DWARFKernel) Module(name string) (*DWARF, error) {
	if d, ok := k.mods[name]; ok {
		return d, nil
	}
	if err, ok := k.errs[name]; ok {
		return nil, err
	}
	k.modules()
	path, ok := k.files[name]
	if !ok {
		return nil, fmt.Errorf("debug info of module %s: %w", name, ErrNotFound)
	}
	d, err := LoadDWARF(path, k.base.ptrSize)
	if err != nil {
		k.errs[name] = err
		return nil, err
	}
	k.mods[name] = d
	return d, nil
}

// Func implements Source.
func (k *DWARFKernel) Func(name string) (*Func, error) {
	if mod, ok := k.funcMod[name]; ok && mod != "" {
		if d, err := k.Module(mod); err == nil {
			return d.Func(name)
		}
	}
	f, err := k.base.Func(name)
	if !errors.Is(err, ErrNotFound) {
		return f, err
	}
	notLoaded := ""
	for _, mod := range orderCandidates(k.modules(), k.isLoaded, name) {
		d, merr := k.Module(mod)
		if merr != nil {
			continue
		}
		mf, merr := d.Func(name)
		if merr != nil {
			continue
		}
		if !k.isLoaded(mod) {
			if notLoaded == "" {
				notLoaded = mod
			}
			continue
		}
		k.funcMod[name] = mod
		return mf, nil
	}
	if notLoaded != "" {
		return nil, &ModuleNotLoadedError{Func: name, Module: notLoaded}
	}
	return nil, err
}

// FuncIn looks a function up in one module's DWARF (MODULE:name).
func (k *DWARFKernel) FuncIn(module, name string) (*Func, error) {
	d, err := k.Module(module)
	if err != nil {
		return nil, err
	}
	f, err := d.Func(name)
	if err != nil {
		return nil, err
	}
	if !k.isLoaded(module) {
		return nil, &ModuleNotLoadedError{Func: name, Module: module}
	}
	k.funcMod[name] = module
	return f, nil
}

// ForFunc returns the source for a function's casts: its module's DWARF
// (in the function's unit first) when it is a module's.
func (k *DWARFKernel) ForFunc(name string) Source {
	if mod := k.funcMod[name]; mod != "" {
		if d, err := k.Module(mod); err == nil {
			return &chainSource{first: d.ForFunc(name), then: k}
		}
	}
	return &chainSource{first: k.base.ForFunc(name), then: k}
}

// TypeByName implements Source: vmlinux's, else the first loaded
// module's that defines it.
func (k *DWARFKernel) TypeByName(name string) (*Type, error) {
	t, err := k.base.TypeByName(name)
	if !errors.Is(err, ErrNotFound) {
		return t, err
	}
	for _, mod := range k.modules() {
		if !k.isLoaded(mod) {
			continue
		}
		if d, merr := k.Module(mod); merr == nil {
			if mt, merr := d.TypeByName(name); merr == nil {
				return mt, nil
			}
		}
	}
	return nil, err
}

// PointerSize implements Source.
func (k *DWARFKernel) PointerSize() int { return k.base.ptrSize }

// Describe implements Source.
func (k *DWARFKernel) Describe() string { return k.base.Describe() }

// UseCache passes the type cache to vmlinux's DWARF.
func (k *DWARFKernel) UseCache(dir string) { k.base.UseCache(dir) }

// Close releases every file.
func (k *DWARFKernel) Close() error {
	for _, d := range k.mods {
		d.Close()
	}
	return k.base.Close()
}

// chainSource asks first, then falls back to then for types first does
// not know.
type chainSource struct {
	first, then Source
}

func (c *chainSource) Func(name string) (*Func, error) { return c.then.Func(name) }
func (c *chainSource) TypeByName(name string) (*Type, error) {
	t, err := c.first.TypeByName(name)
	if errors.Is(err, ErrNotFound) {
		return c.then.TypeByName(name)
	}
	return t, err
}
func (c *chainSource) PointerSize() int { return c.first.PointerSize() }
func (c *chainSource) Describe() string { return c.first.Describe() }
