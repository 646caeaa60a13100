// Package testkernel finds the fixed test kernel data committed under
// testdata/kernels: the Debian 6.1 kernel's BTF (vmlinux and modules),
// kallsyms, kprobes blacklist, function and event lists, tracefs README,
// config and three modules. Tests that check against a real kernel
// without booting one read it; it is part of the repository, so they never
// skip for want of it. The kernel image itself is not committed: Vmlinuz
// fetches it into the kernel cache. Only tests import this package.
package testkernel

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/e2e/kernels"
)

// Name is the committed kernel's directory name.
const Name = "debian-6.1.0-56-amd64"

// MatrixName is the same kernel's name in the VM suite's kernel matrix.
const MatrixName = "6.1"

// Dir is the committed kernel's directory, found by walking up from the
// working directory to the repository's go.mod; "" outside the repository.
var Dir = sync.OnceValue(func() string {
	wd, _ := os.Getwd()
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		mod, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module github.com/surftrace/surftrace\n")) {
			return filepath.Join(d, "testdata", "kernels", Name)
		}
	}
	return ""
})

// Need returns the kernel's directory; it fails the test when the
// directory is missing (a broken checkout).
func Need(tb testing.TB) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		tb.Fatalf("test kernel %s: no testdata/kernels in the repository above the working directory", Name)
	}
	if _, err := os.Stat(filepath.Join(d, "vmlinux.btf.gz")); err != nil {
		tb.Fatalf("test kernel %s: %v", Name, err)
	}
	return d
}

var vmlinuz = sync.OnceValues(func() (string, error) {
	m, err := kernels.Load()
	if err != nil {
		return "", err
	}
	k, err := m.Kernel(MatrixName)
	if err != nil {
		return "", err
	}
	t, err := kernels.NewFetcher(m, kernels.CacheDir()).Fetch(context.Background(), k)
	if err != nil {
		return "", err
	}
	return t.Image, nil
})

// Vmlinuz returns the kernel's bzImage, fetched into the kernel cache on
// first use (about 70 MB). Without network or apt it skips, saying why;
// with CI=true it fails instead.
func Vmlinuz(tb testing.TB) string {
	tb.Helper()
	p, err := vmlinuz()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("test kernel image: %v", err)
		}
		tb.Skipf("test kernel image: %v", err)
	}
	return p
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
