package compile

import (
	"compress/gzip"
	"io"
	"os"

	"github.com/surftrace/surftrace/internal/ksyms"
)

// symFuncs is a KernelSymbols made of functions, each optional, for
// tests that wire a kernel's lists by hand.
type symFuncs struct {
	kallsyms    func() (*ksyms.Table, error)
	blacklist   func() (*ksyms.Blacklist, error)
	traceable   func() (map[string]bool, error)
	notraceOK   func() bool
	checkOffset func(ksyms.Symbol, uint64) error
}

func (f symFuncs) Kallsyms() (*ksyms.Table, error) {
	if f.kallsyms == nil {
		return nil, os.ErrNotExist
	}
	return f.kallsyms()
}

func (f symFuncs) Blacklist() (*ksyms.Blacklist, error) {
	if f.blacklist == nil {
		return nil, os.ErrNotExist
	}
	return f.blacklist()
}

func (f symFuncs) Traceable() (map[string]bool, error) {
	if f.traceable == nil {
		return nil, nil
	}
	return f.traceable()
}

func (f symFuncs) NotraceOK() bool { return f.notraceOK != nil && f.notraceOK() }

func (f symFuncs) CheckOffset(s ksyms.Symbol, off uint64) error {
	if f.checkOffset == nil {
		return nil
	}
	return f.checkOffset(s, off)
}

// parseGz parses a gzip file of the bundled kernel.
func parseGz[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return zero, err
	}
	return parse(zr)
}
