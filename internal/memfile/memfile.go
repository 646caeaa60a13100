// Package memfile gives tests files whose data lives in memory only
// (memfd_create): a fuzz run that wrote and removed a disk file per input
// would be bound by the disk, not by the code under test. Only tests
// import it.
package memfile

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// New returns an open file holding data, closed when the test ends; the
// test skips where memfd_create is missing.
func New(tb testing.TB, data []byte) *os.File {
	tb.Helper()
	fd, err := unix.MemfdCreate("memfile", unix.MFD_CLOEXEC)
	if err != nil {
		tb.Skipf("memfd_create: %v", err)
	}
	file := os.NewFile(uintptr(fd), "memfile")
	tb.Cleanup(func() { file.Close() })
	if _, err := file.Write(data); err != nil {
		tb.Fatal(err)
	}
	return file
}

// Path is a path naming a New file, for code that opens by name.
func Path(tb testing.TB, data []byte) string {
	tb.Helper()
	return fmt.Sprintf("/proc/self/fd/%d", New(tb, data).Fd())
}
