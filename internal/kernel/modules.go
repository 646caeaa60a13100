package kernel

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// moduleBTF says where modules' BTF comes from and which modules are
// loaded. The running kernel: its BTF directory for loaded modules,
// the .ko files under /lib/modules/$(uname -r) and --module FILE.ko for
// the others. A saved
// kernel (BTF): --btf-dir DIR, else a btf/ or modules/ directory
// beside FILE (or modules/ beside --kallsyms), and every --module
// FILE.ko; a module is loaded when the saved kallsyms (--kallsyms) lists
// it, or always without one.
func (k *Kernel) moduleBTF() (list func() map[string]string, loaded func(string) bool) {
	if k.opts.BTF == "" {
		list = func() map[string]string {
			files, _ := moduleFiles(btfDir)
			if files == nil {
				files = map[string]string{}
			}
			if rel := Release(); rel != "" {
				for name, path := range installedModules(filepath.Join("/lib/modules", rel)) {
					if _, ok := files[name]; !ok {
						files[name] = path
					}
				}
			}
			for _, ko := range k.opts.Modules {
				if name := btfdwarf.ModuleName(ko); files[name] == "" {
					files[name] = ko
				}
			}
			return files
		}
		return list, k.loadedModules(true)
	}
	list = func() map[string]string {
		files := map[string]string{}
		dirs := []string{k.opts.BTFDir}
		if k.opts.BTFDir == "" {
			dirs = []string{filepath.Join(filepath.Dir(k.opts.BTF), "btf"), filepath.Join(filepath.Dir(k.opts.BTF), "modules")}
			if k.opts.Kallsyms != "" {
				dirs = append(dirs, filepath.Join(filepath.Dir(k.opts.Kallsyms), "modules"))
			}
		}
		for _, d := range dirs {
			if fs, err := moduleFiles(d); err == nil {
				for name, path := range fs {
					files[name] = path
				}
			}
		}
		for _, ko := range k.opts.Modules {
			files[btfdwarf.ModuleName(ko)] = ko
		}
		return files
	}
	if k.opts.Kallsyms != "" {
		loaded = k.loadedModules(false)
	}
	return list, loaded
}

// moduleFiles lists the module BTF files in dir: split BTF named after
// the module (as the running kernel's BTF directory has them, or
// MODULE.btf) or a module object MODULE.ko / MODULE.ko.xz / MODULE.ko.gz
// whose .BTF section is taken. vmlinux itself is skipped.
func moduleFiles(dir string) (map[string]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("module BTF directory: %w", err)
	}
	out := map[string]string{}
	for _, e := range ents {
		n := e.Name()
		if n == "vmlinux" || strings.HasPrefix(n, "vmlinux.") || e.IsDir() || strings.HasSuffix(n, ".zst") {
			continue
		}
		out[btfdwarf.ModuleName(n)] = filepath.Join(dir, n)
	}
	return out, nil
}

// loadedModules says whether a module is loaded: on the running kernel
// by /sys/module, on a saved one by the modules its kallsyms has symbols
// of (read on first use).
func (k *Kernel) loadedModules(live bool) func(mod string) bool {
	if live {
		return func(mod string) bool {
			_, err := os.Stat(filepath.Join("/sys/module", mod))
			return err == nil
		}
	}
	var mods map[string]bool
	return func(mod string) bool {
		if mods == nil {
			mods = kallsymsModules(k.opts.Kallsyms)
		}
		return mods[mod]
	}
}

// debugByBuildID finds loaded modules' debug files by build-id: the
// note under sysModule/MODULE/notes names .build-id/xx/rest.debug.
func debugByBuildID(sysModule, buildIDDir string) map[string]string {
	out := map[string]string{}
	ents, err := os.ReadDir(sysModule)
	if err != nil {
		return out
	}
	for _, e := range ents {
		note, err := os.ReadFile(filepath.Join(sysModule, e.Name(), "notes", ".note.gnu.build-id"))
		if err != nil {
			continue
		}
		id := btfdwarf.NoteBuildID(note)
		if len(id) < 3 {
			continue
		}
		if p := filepath.Join(buildIDDir, id[:2], id[2:]+".debug"); fileExists(p) {
			out[e.Name()] = p
		}
	}
	return out
}

// installedModules maps module names to their files under dir (a
// /lib/modules/RELEASE) as modules.dep lists them.
func installedModules(dir string) map[string]string {
	r, closeFn, err := OpenFile(filepath.Join(dir, "modules.dep"))
	if err != nil {
		return nil
	}
	defer closeFn()
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		path := line[:i]
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		out[btfdwarf.ModuleName(path)] = path
	}
	return out
}

// kallsymsModules lists the modules a saved kallsyms has symbols of.
func kallsymsModules(path string) map[string]bool {
	out := map[string]bool{}
	r, closeFn, err := OpenFile(path)
	if err != nil {
		return out
	}
	defer closeFn()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasSuffix(line, "]") {
			continue
		}
		if i := strings.LastIndexByte(line, '['); i >= 0 {
			out[line[i+1:len(line)-1]] = true
		}
	}
	return out
}

// moduleDWARF says where modules' debug info comes from under -v: every
// --module FILE.ko, and for the running kernel the debug package's
// modules under /usr/lib/debug/lib/modules/$(uname -r) (Debian's
// layout) or, by the loaded module's build-id, under
// /usr/lib/debug/.build-id; a module is loaded when /sys/module lists it, or for a saved
// kernel when --kallsyms has its symbols (always without one).
func (k *Kernel) moduleDWARF() (list func() map[string]string, loaded func(string) bool) {
	live := k.opts.Kallsyms == ""
	list = func() map[string]string {
		files := map[string]string{}
		if live {
			if rel := Release(); rel != "" {
				installed := installedModules(filepath.Join("/lib/modules", rel))
				for name, path := range installed {
					dbg := filepath.Join("/usr/lib/debug", strings.TrimSuffix(strings.TrimSuffix(path, ".xz"), ".zst"))
					if fileExists(dbg) {
						files[name] = dbg
					}
				}
			}
		}
		if live {
			for name, path := range debugByBuildID("/sys/module", "/usr/lib/debug/.build-id") {
				if _, ok := files[name]; !ok {
					files[name] = path
				}
			}
		}
		for _, ko := range k.opts.Modules {
			files[btfdwarf.ModuleName(ko)] = ko
		}
		return files
	}
	return list, k.loadedModules(live)
}
