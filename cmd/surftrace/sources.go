package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/disasm"
	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/uobj"
)

// hostArch maps GOARCH to the names -a takes.
func hostArch() string {
	switch runtime.GOARCH {
	case "arm64":
		return "aarch64"
	case "386":
		return "x86"
	}
	return "x86_64"
}

// kernelTypes opens the kernel type source the flags ask for: DWARF from
// -v, BTF from --btf, else the running kernel's BTF.
func kernelTypes(cfg *config, arch *compile.Arch) (btfdwarf.Source, error) {
	switch cfg.mode {
	case "", "btf", "dwarf", "gdb", "remote", "local":
	default:
		return nil, fmt.Errorf("%w: unknown mode %q (btf, or dwarf with -v VMLINUX; the original's gdb, remote and local are accepted)", errUsage, cfg.mode)
	}
	if cfg.mode == "dwarf" && cfg.vmlinux == "" {
		return nil, fmt.Errorf("%w: -m dwarf needs -v VMLINUX", errUsage)
	}
	if cfg.vmlinux != "" {
		defer slowNote(cfg.notes, "kernel types from the DWARF of "+cfg.vmlinux)()
		return loadKernelDWARF(cfg, cfg.vmlinux, arch)
	}
	path := cfg.btf
	if path == "" {
		var u unameBuf
		found, isDWARF, err := defaultKernelTypes(u.release(), fileExists)
		if err != nil {
			return nil, err
		}
		if isDWARF {
			return loadKernelDWARF(cfg, found, arch)
		}
		path = found
	}
	defer slowNote(cfg.notes, "kernel types from "+path)()
	b, err := btfdwarf.LoadBTF(path, arch.PtrSize)
	if err != nil {
		return nil, err
	}
	list, loaded := moduleBTF(cfg)
	return btfdwarf.NewKernel(b, list, loaded), nil
}

// loadKernelDWARF opens a debug vmlinux, with the type cache unless
// --no-cache.
func loadKernelDWARF(cfg *config, path string, arch *compile.Arch) (btfdwarf.Source, error) {
	d, err := btfdwarf.LoadDWARF(path, arch.PtrSize)
	if err != nil {
		return nil, err
	}
	if !cfg.noCache {
		d.UseCache(btfdwarf.DefaultCacheDir())
	}
	list, loaded := moduleDWARF(cfg)
	return btfdwarf.NewDWARFKernel(d, list, loaded), nil
}

// defaultKernelTypes finds the running kernel's types when no flag names
// them: its BTF, else a debug vmlinux where distributions install one.
// The error lists what was tried and the ways out.
func defaultKernelTypes(release string, exists func(string) bool) (path string, isDWARF bool, err error) {
	if exists(btfdwarf.KernelBTFPath) {
		return btfdwarf.KernelBTFPath, false, nil
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
	fmt.Fprintf(&b, "  %s (absent: the kernel was built without CONFIG_DEBUG_INFO_BTF)\n", btfdwarf.KernelBTFPath)
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

// kernelSymbols describes where symbol tables come from: --kallsyms FILE
// (with the blacklist, available_filter_functions and config found beside
// it, as the bundled test kernel has them) or the running kernel.
func kernelSymbols(cfg *config, live bool, tracefs string) *compile.Kernel {
	if cfg.kallsyms != "" {
		dir := filepath.Dir(cfg.kallsyms)
		return &compile.Kernel{
			LoadSyms:      func() (*ksyms.Table, error) { return ksyms.Load(cfg.kallsyms) },
			LoadBlacklist: func() (*ksyms.Blacklist, error) { return ksyms.LoadBlacklist(sibling(dir, "kprobes-blacklist")) },
			LoadTraceable: func() (map[string]bool, error) { return loadNames(sibling(dir, "available_filter_functions")) },
			NotraceOK:     func() bool { return configHas(sibling(dir, "config"), "CONFIG_KPROBE_EVENTS_ON_NOTRACE") },
			Eager:         true,
			CheckOffset:   offsetChecker(cfg),
		}
	}
	k := &compile.Kernel{
		LoadSyms: func() (*ksyms.Table, error) { return ksyms.Load("/proc/kallsyms") },
		LoadBlacklist: func() (*ksyms.Blacklist, error) {
			return ksyms.LoadBlacklist("/sys/kernel/debug/kprobes/blacklist")
		},
		NotraceOK: runningKernelNotraceOK,
		Eager:     live,
	}
	if live || cfg.vmlinux != "" {
		k.CheckOffset = offsetChecker(cfg)
	}
	if tracefs != "" {
		k.LoadTraceable = func() (map[string]bool, error) {
			return loadNames(filepath.Join(tracefs, "available_filter_functions"))
		}
	}
	return k
}

// kernelFeatures says where the target's tracefs README comes from: a
// saved tracing-README[.gz] beside --kallsyms, or the live tracefs. Nil
// (no README known) leaves the compiler to assume the 6.1 baseline.
func kernelFeatures(cfg *config, tracefs string) func() (*ftrace.Features, error) {
	if cfg.kallsyms != "" {
		path := sibling(filepath.Dir(cfg.kallsyms), ftrace.ReadmeFile)
		return func() (*ftrace.Features, error) {
			r, closeFn, err := openMaybeGzip(path)
			if err != nil {
				return nil, err
			}
			defer closeFn()
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			return ftrace.ParseFeatures(b, path), nil
		}
	}
	if tracefs == "" {
		return nil
	}
	return func() (*ftrace.Features, error) { return ftrace.LoadFeatures(tracefs) }
}

// sibling finds NAME or NAME.gz in dir.
func sibling(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return p + ".gz"
}

// loadNames reads available_filter_functions: "name [module]" per line.
func loadNames(path string) (map[string]bool, error) {
	r, closeFn, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	names := make(map[string]bool, 1<<16)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			line = line[:i]
		}
		if line != "" {
			names[line] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(names) == 0 {
		return nil, errors.New("empty function list")
	}
	return names, nil
}

func openMaybeGzip(path string) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return zr, func() { f.Close() }, nil
	}
	return br, func() { f.Close() }, nil
}

// configHas reports whether a kernel config file sets opt=y.
func configHas(path, opt string) bool {
	r, closeFn, err := openMaybeGzip(path)
	if err != nil {
		return false
	}
	defer closeFn()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if sc.Text() == opt+"=y" {
			return true
		}
	}
	return false
}

// runningKernelNotraceOK reads the running kernel's config where it can.
func runningKernelNotraceOK() bool {
	const opt = "CONFIG_KPROBE_EVENTS_ON_NOTRACE"
	if configHas("/proc/config.gz", opt) {
		return true
	}
	var u unameBuf
	if rel := u.release(); rel != "" {
		return configHas("/boot/config-"+rel, opt)
	}
	return false
}

// offsetChecker refuses func+OFF that is not an instruction boundary,
// reading the code from /proc/kcore or -v VMLINUX. When no code can be
// read (no root, no kcore, a saved kallsyms without an image) the check is
// left to the kernel.
func offsetChecker(cfg *config) func(ksyms.Symbol, uint64) error {
	var k *disasm.Kernel
	var openErr error
	opened := false
	return func(s ksyms.Symbol, off uint64) error {
		if !opened {
			opened = true
			k, openErr = disasm.OpenKernel(disasm.KernelOptions{Vmlinux: cfg.vmlinux, Kallsyms: cfg.kallsyms})
		}
		if openErr != nil || k == nil {
			return nil
		}
		err := k.CheckOffset(s.String(), off)
		if errors.Is(err, disasm.ErrNotBoundary) || errors.Is(err, uobj.ErrOutOfRange) {
			return err
		}
		return nil
	}
}
