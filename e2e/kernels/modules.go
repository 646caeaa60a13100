package kernels

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// copyModules copies the named modules of a kernel's module tree, and the
// modules they depend on, uncompressed into dst, and writes dst's
// modules.dep (depmod's format) and modules.order (the load order:
// dependencies first). Built-in drivers have no module: a name found
// nowhere is left out (the guest needs nothing to load).
func copyModules(ctx context.Context, tree, dst string, names []string) error {
	index := map[string]string{} // module name → path in the tree
	filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		base := d.Name()
		for _, ext := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
			if strings.HasSuffix(base, ext) {
				index[modName(strings.TrimSuffix(base, ext))] = p
			}
		}
		return nil
	})
	deps := map[string][]string{}
	var order []string
	var visit func(name string, stack []string) error
	visit = func(name string, stack []string) error {
		name = modName(name)
		if _, done := deps[name]; done {
			return nil
		}
		for _, s := range stack {
			if s == name {
				return fmt.Errorf("module dependency cycle: %s", strings.Join(append(stack, name), " → "))
			}
		}
		src, ok := index[name]
		if !ok {
			deps[name] = nil
			return nil
		}
		data, err := readModule(ctx, src)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, name+".ko")
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return err
		}
		ds, err := moduleDepends(data)
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		deps[name] = ds
		for _, d := range ds {
			if err := visit(d, append(stack, name)); err != nil {
				return err
			}
		}
		order = append(order, name+".ko")
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return err
		}
	}
	var dep strings.Builder
	for _, m := range order {
		fmt.Fprintf(&dep, "%s:", m)
		for _, d := range deps[strings.TrimSuffix(m, ".ko")] {
			if _, ok := index[modName(d)]; ok {
				fmt.Fprintf(&dep, " %s.ko", modName(d))
			}
		}
		dep.WriteString("\n")
	}
	if err := os.WriteFile(filepath.Join(dst, "modules.dep"), []byte(dep.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "modules.order"), []byte(strings.Join(order, "\n")+"\n"), 0o644)
}

// modName spells a module name as the kernel does (dashes are underscores).
func modName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// readModule returns a module file's ELF bytes, uncompressing with the
// host's xz, zstd or gzip.
func readModule(ctx context.Context, path string) ([]byte, error) {
	var tool string
	switch {
	case strings.HasSuffix(path, ".xz"):
		tool = "xz"
	case strings.HasSuffix(path, ".zst"):
		tool = "zstd"
	case strings.HasSuffix(path, ".gz"):
		tool = "gzip"
	default:
		return os.ReadFile(path)
	}
	out, err := exec.CommandContext(ctx, tool, "-dc", path).Output()
	if err != nil {
		return nil, fmt.Errorf("%s -dc %s: %w", tool, path, err)
	}
	return out, nil
}

// moduleDepends reads the depends= entry of a module's .modinfo.
func moduleDepends(ko []byte) ([]string, error) {
	f, err := elf.NewFile(bytes.NewReader(ko))
	if err != nil {
		return nil, err
	}
	sec := f.Section(".modinfo")
	if sec == nil {
		return nil, fmt.Errorf("no .modinfo section")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range bytes.Split(data, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte("depends=")); ok {
			var out []string
			for _, d := range strings.Split(string(v), ",") {
				if d != "" {
					out = append(out, d)
				}
			}
			return out, nil
		}
	}
	return nil, nil
}
