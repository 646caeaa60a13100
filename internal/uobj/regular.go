package uobj

import (
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens path for reading without blocking and refuses anything
// but a regular file. O_NONBLOCK makes opening a FIFO return at once
// instead of waiting for a writer; fstat on the opened file (not a stat
// of the name before) says what was really opened.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("it is %s, %w; a uprobe attaches to an ELF file on disk", kindOf(st.Mode()), ErrNotRegular)
	}
	return f, nil
}

// kindOf names a non-regular file type as a user would.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return "not a file"
}

// openELF is elf.Open through openRegular; closing the returned file
// closes the descriptor too.
func openELF(path string) (*elfFile, error) {
	fh, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	f, err := elf.NewFile(fh)
	if err != nil {
		fh.Close()
		return nil, err
	}
	return &elfFile{File: f, fh: fh}, nil
}

// elfFile is an *elf.File that owns its descriptor (elf.NewFile does not).
type elfFile struct {
	*elf.File
	fh *os.File
}

// Close closes the descriptor.
func (f *elfFile) Close() error { return f.fh.Close() }
