package discover

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/testkernel"
)

var bundledBTF = sync.OnceValues(func() (*btfdwarf.BTF, error) {
	return btfdwarf.LoadBTF(filepath.Join(testkernel.Dir(), "vmlinux.btf.gz"), 8)
})

var bundledFuncs = sync.OnceValues(func() ([]Symbol, error) {
	r, closeFn, err := openGz(filepath.Join(testkernel.Dir(), "available_filter_functions.gz"))
	if err != nil {
		return nil, err
	}
	defer closeFn()
	return ReadFilterFunctions(r)
})

var bundledEvents = sync.OnceValues(func() ([]string, error) {
	r, closeFn, err := openGz(filepath.Join(testkernel.Dir(), "available_events.gz"))
	if err != nil {
		return nil, err
	}
	defer closeFn()
	return ReadEventNames(r)
})

func openGz(path string) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return zr, func() { f.Close() }, nil
}

// kernel returns the bundled kernel's BTF and function list.
func kernel(tb testing.TB) (*btfdwarf.BTF, []Symbol) {
	tb.Helper()
	testkernel.Need(tb)
	b, err := bundledBTF()
	if err != nil {
		tb.Fatal(err)
	}
	syms, err := bundledFuncs()
	if err != nil {
		tb.Fatal(err)
	}
	return b, syms
}

// gunzipTo unpacks a gzip file, for tools (pahole) and for loading BTF
// as the kernel exposes it (raw).
