package kernel

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/surftrace/surftrace/internal/compressed"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/ksyms"
)

// The kernel's own files, read when the target is the running kernel.
const (
	kallsymsPath  = "/proc/kallsyms"
	blacklistPath = "/sys/kernel/debug/kprobes/blacklist" // needs debugfs mounted
	btfDir        = "/sys/kernel/btf"                     // vmlinux and one split BTF per loaded module
)

// BTFPath is where the running kernel exposes its BTF.
const BTFPath = btfDir + "/vmlinux"

// OpenFile opens one of the kernel's lists, raw, gzip or xz as saved
// copies often are (package compressed tells them apart); closeFn closes
// it.
func OpenFile(path string) (r io.Reader, closeFn func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, _, err = compressed.Reader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, func() { f.Close() }, nil
}

// LoadKallsyms reads a symbol table in kallsyms form from path (the
// running kernel's, or a saved one, raw or compressed).
func LoadKallsyms(path string) (*ksyms.Table, error) {
	r, closeFn, err := OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("kallsyms: %w", err)
	}
	defer closeFn()
	t, err := ksyms.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("kallsyms %s: %w", path, err)
	}
	return t, nil
}

// LoadBlacklist reads a kprobes blacklist from path (the running
// kernel's, or a saved one, raw or compressed).
func LoadBlacklist(path string) (*ksyms.Blacklist, error) {
	r, closeFn, err := OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("kprobes blacklist: %w", err)
	}
	defer closeFn()
	b, err := ksyms.ParseBlacklist(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// Sibling finds NAME or NAME.gz in dir: a saved kernel's lists may be
// compressed.
func Sibling(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return p + ".gz"
}

// ReadNames reads available_filter_functions (or available_events):
// "name [module]" per line. An empty list is an error: the kernel has
// always some, so the file is not what it should be.
func ReadNames(path string) (map[string]bool, error) {
	list, err := ReadNameList(path)
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(list))
	for _, n := range list {
		names[n] = true
	}
	return names, nil
}

// ReadNameList reads a list as ReadNames does, keeping the file's order
// and duplicates (a function of several modules). The lines are parsed
// as every function list is (discover.ReadFilterFunctions).
func ReadNameList(path string) ([]string, error) {
	r, closeFn, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	syms, err := discover.ReadFilterFunctions(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(syms) == 0 {
		return nil, errors.New("empty function list")
	}
	names := make([]string, len(syms))
	for i, s := range syms {
		names[i] = s.Name
	}
	return names, nil
}

// ResolveClone finds fn among names: fn itself, else its one compiler
// copy (fn.isra.0, fn.constprop.0, …; see ksyms.CloneBase). copies lists
// the copies when there is no exact name, so that a caller can say
// which exist; name is "" when fn is absent or has several copies.
func ResolveClone(fn string, names []string) (name string, copies []string) {
	for _, n := range names {
		if n == fn {
			return fn, nil
		}
		if base, ok := ksyms.CloneBase(n); ok && base == fn && !slices.Contains(copies, n) {
			copies = append(copies, n)
		}
	}
	if len(copies) == 1 {
		return copies[0], copies
	}
	return "", copies
}

// configHas reports whether a kernel config file sets opt=y.
func configHas(path, opt string) bool {
	r, closeFn, err := OpenFile(path)
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

// Config reports whether the kernel's config sets opt=y: the config
// beside a saved kallsyms, or the running kernel's /proc/config.gz or
// /boot/config-RELEASE. An unreadable config sets nothing.
func (k *Kernel) Config(opt string) bool {
	if !k.Live() {
		return configHas(Sibling(filepath.Dir(k.opts.Kallsyms), "config"), opt)
	}
	if configHas("/proc/config.gz", opt) {
		return true
	}
	if rel := Release(); rel != "" {
		return configHas("/boot/config-"+rel, opt)
	}
	return false
}

// Release is the running kernel's release (uname -r), "" when unknown.
func Release() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}
