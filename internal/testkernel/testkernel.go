// Package testkernel finds the bundled test kernel (the Debian 6.1 kernel
// in ../shared/kernels, with its BTF, kallsyms, blacklist and function
// lists) for tests that check against a real kernel without booting one.
// Only tests import it.
package testkernel

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Name is the bundled kernel's directory name.
const Name = "debian-6.1.0-56-amd64"

// Dir finds the kernel by walking up from the working directory to a
// shared/kernels/NAME ($SURFTRACE_KERNELS names the kernels directory
// instead); "" when it is not there.
var Dir = sync.OnceValue(func() string {
	if d := os.Getenv("SURFTRACE_KERNELS"); d != "" {
		return filepath.Join(d, Name)
	}
	wd, _ := os.Getwd()
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		k := filepath.Join(d, "shared", "kernels", Name)
		if _, err := os.Stat(filepath.Join(k, "vmlinux.btf.gz")); err == nil {
			return k
		}
	}
	return ""
})

// Need returns the kernel's directory, or skips the test saying where it
// was looked for.
func Need(tb testing.TB) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		tb.Skipf("test kernel %s not found (../shared/kernels from the repository root, or $SURFTRACE_KERNELS)", Name)
	}
	return d
}

// Gunzip unpacks src (one of the kernel's .gz files) to dst.
func Gunzip(tb testing.TB, src, dst string) {
	tb.Helper()
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, zr); err != nil {
		tb.Fatal(err)
	}
}
