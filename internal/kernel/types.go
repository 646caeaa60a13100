package kernel

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
)

// Types returns the kernel's types, modules included, loaded once: DWARF
// from Vmlinux, BTF from BTF, else the running kernel's BTF (or a debug
// vmlinux where distributions install one).
func (k *Kernel) Types() (btfdwarf.Source, error) { return k.types() }

func (k *Kernel) loadTypes() (btfdwarf.Source, error) {
	arch, err := k.Arch()
	if err != nil {
		return nil, err
	}
	o := &k.opts
	switch o.Mode {
	case "", "btf", "dwarf", "gdb", "remote", "local":
	default:
		return nil, fmt.Errorf("%w: unknown mode %q (btf, or dwarf with -v VMLINUX; the original's gdb, remote and local are accepted)", ErrUsage, o.Mode)
	}
	if o.Mode == "dwarf" && o.Vmlinux == "" {
		return nil, fmt.Errorf("%w: -m dwarf needs -v VMLINUX", ErrUsage)
	}
	if o.Vmlinux != "" {
		defer SlowNote(o.Notes, "kernel types from the DWARF of "+o.Vmlinux)()
		return k.loadDWARF(o.Vmlinux, arch)
	}
	path := o.BTF
	if path == "" {
		found, isDWARF, err := defaultTypes(Release(), fileExists)
		if err != nil {
			return nil, err
		}
		if isDWARF {
			return k.loadDWARF(found, arch)
		}
		path = found
	}
	defer SlowNote(o.Notes, "kernel types from "+path)()
	b, err := btfdwarf.LoadBTF(path, arch.PtrSize)
	if err != nil {
		return nil, err
	}
	list, loaded := k.moduleBTF()
	return btfdwarf.NewKernel(b, list, loaded), nil
}

// loadDWARF opens a debug vmlinux, with the type cache unless NoCache.
func (k *Kernel) loadDWARF(path string, arch *compile.Arch) (btfdwarf.Source, error) {
	d, err := btfdwarf.LoadDWARF(path, arch.PtrSize)
	if err != nil {
		return nil, err
	}
	if !k.opts.NoCache {
		d.UseCache(btfdwarf.DefaultCacheDir())
	}
	list, loaded := k.moduleDWARF()
	return btfdwarf.NewDWARFKernel(d, list, loaded), nil
}

// ModuleTypes gives a module's split BTF on top of the kernel's (see
// moduleBTF for where it is found). Nil when the kernel types are not
// BTF.
func (k *Kernel) ModuleTypes() func(string) btfdwarf.Source {
	if k.opts.Vmlinux != "" {
		return nil
	}
	return func(mod string) btfdwarf.Source {
		src, err := k.Types()
		kern, ok := src.(*btfdwarf.Kernel)
		if err != nil || !ok {
			return nil
		}
		b, err := kern.Module(mod)
		if err != nil {
			return nil
		}
		return b
	}
}

// defaultTypes finds the running kernel's types when no option names
// them: its BTF, else a debug vmlinux where distributions install one.
// The error lists what was tried and the ways out.
func defaultTypes(release string, exists func(string) bool) (path string, isDWARF bool, err error) {
	if exists(BTFPath) {
		return BTFPath, false, nil
	}
	rel := release
	if rel == "" {
		rel = "$(uname -r)"
	}
	debug := []string{
		"/usr/lib/debug/boot/vmlinux-" + rel,             // Debian, Ubuntu
		"/usr/lib/debug/lib/modules/" + rel + "/vmlinux", // RHEL, Fedora, SUSE
	}
	if release != "" {
		for _, p := range debug {
			if exists(p) {
				return p, true, nil
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no kernel types found for kernel %s; tried:\n", rel)
	fmt.Fprintf(&b, "  %s (absent: the kernel was built without CONFIG_DEBUG_INFO_BTF)\n", BTFPath)
	for _, p := range debug {
		fmt.Fprintf(&b, "  %s (absent)\n", p)
	}
	b.WriteString("ways out:\n")
	b.WriteString("  -v VMLINUX   the kernel image with debug info (DWARF); it usually ships as\n")
	fmt.Fprintf(&b, "               Debian: linux-image-%s-dbg, Ubuntu: linux-image-unsigned-%s-dbgsym,\n", rel, rel)
	b.WriteString("               RHEL/Fedora: kernel-debuginfo (dnf debuginfo-install kernel)\n")
	b.WriteString("  --btf FILE   a BTF file for this kernel: raw, gzip or .tar.xz as BTFHub publishes them\n")
	b.WriteString("               (github.com/aquasecurity/btfhub-archive, under DISTRO/VERSION/ARCH/RELEASE.btf.tar.xz),\n")
	b.WriteString("               or one made with pahole --btf_encode_detached from a debug vmlinux")
	return "", false, errors.New(b.String())
}

// fileExists reports a regular file at path.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
