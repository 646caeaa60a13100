package kernel

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// OpenFile opens one of the kernel's lists, raw or gzip as saved copies
// often are; closeFn closes it.
func OpenFile(path string) (r io.Reader, closeFn func(), err error) {
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
	r, closeFn, err := OpenFile(path)
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
