package btfdwarf

import (
	"os"
	"path/filepath"
	"strings"
)

// moduleFiles lists a saved kernel's module BTF files in dir, as
// internal/kernel does for --btf-dir.
func moduleFiles(dir string) (map[string]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range ents {
		n := e.Name()
		if n == "vmlinux" || strings.HasPrefix(n, "vmlinux.") || e.IsDir() || strings.HasSuffix(n, ".zst") {
			continue
		}
		out[ModuleName(n)] = filepath.Join(dir, n)
	}
	return out, nil
}
