// Package kernels gives the VM suite its own test kernels: stock Debian
// kernel packages named and pinned in matrix.txt, fetched with
// `apt-get download` through a private apt configuration under the cache
// (the system's sources and lists are never changed), checked against the
// pinned sha256, and unpacked into the cache: the boot image, the config,
// and the modules the guest loads with a modules.dep. A guest whose
// architecture is not the host's also gets its own busybox and tools from
// the same archive.
//
// The cache is $SURFTRACE_KERNEL_CACHE, else $XDG_CACHE_HOME/surftrace/kernels,
// else ~/.cache/surftrace/kernels. Each kernel takes 10–20 MB there once
// unpacked (plus the extracted vmlinux the x86 boots use, 40–70 MB); the
// .deb files (55–110 MB each) are removed after unpacking.
package kernels

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

//go:embed matrix.txt
var matrixText []byte

// MatrixFile is where the matrix lives in the repository, for messages.
const MatrixFile = "e2e/kernels/matrix.txt"

// ErrUnknown says a kernel name is not in the matrix.
var ErrUnknown = errors.New("not in the kernel matrix")

// Kernel is one pinned kernel package of the matrix.
type Kernel struct {
	Name    string // the suite's name for it: "6.1", "6.12-arm64"
	Arch    string // Debian architecture: amd64, arm64
	Suite   string // the archive suite that has the version
	Package string
	Version string
	SHA256  string
}

// QemuArch is the architecture as uname -m and qemu spell it.
func (k Kernel) QemuArch() string {
	if k.Arch == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

// Guest lists the packages a foreign-architecture guest is built from.
type Guest struct {
	Arch     string
	Suite    string
	Packages []string
}

// Matrix is matrix.txt, parsed.
type Matrix struct {
	Kernels []Kernel
	// Modules are loaded in every guest, with their dependencies.
	Modules []string
	Guests  map[string]Guest
	Default string
}

// Load parses the matrix compiled into the package.
func Load() (*Matrix, error) { return Parse(matrixText) }

// Parse reads a matrix file's text.
func Parse(text []byte) (*Matrix, error) {
	m := &Matrix{Guests: map[string]Guest{}}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		bad := func(want string) error {
			return fmt.Errorf("%s:%d: %q: want %s", MatrixFile, n, sc.Text(), want)
		}
		switch f[0] {
		case "kernel":
			if len(f) != 7 || len(f[6]) != 64 {
				return nil, bad("kernel NAME ARCH SUITE PACKAGE VERSION SHA256")
			}
			m.Kernels = append(m.Kernels, Kernel{f[1], f[2], f[3], f[4], f[5], strings.ToLower(f[6])})
		case "modules":
			m.Modules = append(m.Modules, f[1:]...)
		case "guest":
			if len(f) < 4 {
				return nil, bad("guest ARCH SUITE PACKAGE...")
			}
			m.Guests[f[1]] = Guest{Arch: f[1], Suite: f[2], Packages: f[3:]}
		case "default":
			if len(f) != 2 {
				return nil, bad("default NAME")
			}
			m.Default = f[1]
		default:
			return nil, bad("a line starting with kernel, modules, guest or default")
		}
	}
	if len(m.Kernels) == 0 {
		return nil, fmt.Errorf("%s: no kernels", MatrixFile)
	}
	if m.Default == "" {
		m.Default = m.Kernels[0].Name
	}
	if _, err := m.Kernel(m.Default); err != nil {
		return nil, err
	}
	return m, nil
}

// Kernel returns the kernel of that name.
func (m *Matrix) Kernel(name string) (Kernel, error) {
	for _, k := range m.Kernels {
		if k.Name == name {
			return k, nil
		}
	}
	var names []string
	for _, k := range m.Kernels {
		names = append(names, k.Name)
	}
	return Kernel{}, fmt.Errorf("kernel %q: %w (%s has %s)", name, ErrUnknown, MatrixFile, strings.Join(names, ", "))
}

// Select picks kernels by a list of names as KERNELS spells it
// ("5.10,6.12-arm64", "all", or "" for all).
func (m *Matrix) Select(list string) ([]Kernel, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "all" {
		return m.Kernels, nil
	}
	var out []Kernel
	for _, n := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		k, err := m.Kernel(n)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// CacheDir is where fetched kernels are kept: $SURFTRACE_KERNEL_CACHE,
// else $XDG_CACHE_HOME/surftrace/kernels, else ~/.cache/surftrace/kernels.
func CacheDir() string {
	if d := os.Getenv("SURFTRACE_KERNEL_CACHE"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "surftrace", "kernels")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".cache", "surftrace", "kernels")
	}
	return filepath.Join(os.TempDir(), "surftrace-kernels")
}
