package kernel

import (
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
)

// Options names the target kernel. All empty is the running kernel with
// the host's architecture.
type Options struct {
	BTF      string    // kernel types: a BTF file, raw, gzip or .tar.xz
	BTFDir   string    // a saved kernel's module BTF files
	Modules  []string  // MODULE.ko files whose BTF or DWARF types are used
	Kallsyms string    // a saved kernel's kallsyms; empty: the running kernel
	Vmlinux  string    // a debug vmlinux: types from its DWARF
	Arch     string    // the target's architecture as -a names it; empty: the host's
	Mode     string    // btf or dwarf (the original's gdb, remote and local are accepted)
	NoCache  bool      // do not read or write the DWARF type cache
	Notes    io.Writer // where slow loading is announced; nil: nowhere
}

// Kernel is the target kernel. Its parts are read on first use; a
// Kernel is safe for use by one goroutine at a time.
type Kernel struct {
	opts Options

	types func() (btfdwarf.Source, error)
}

// New names the target kernel; nothing is read yet.
func New(opts Options) *Kernel {
	k := &Kernel{opts: opts}
	k.types = sync.OnceValues(k.loadTypes)
	return k
}

// Options returns the options the kernel was named with.
func (k *Kernel) Options() Options { return k.opts }

// Live reports whether the target is the running kernel: no saved
// kallsyms names another.
func (k *Kernel) Live() bool { return k.opts.Kallsyms == "" }

// Arch resolves the architecture (default: the host's).
func (k *Kernel) Arch() (*compile.Arch, error) {
	name := k.opts.Arch
	if name == "" {
		name = HostArch()
	}
	a, err := compile.LookupArch(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return a, nil
}

// HostArch maps GOARCH to the names -a takes.
func HostArch() string {
	switch runtime.GOARCH {
	case "arm64":
		return "aarch64"
	case "386":
		return "x86"
	}
	return "x86_64"
}
