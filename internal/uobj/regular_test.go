package uobj

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenRefusesNonRegular: a FIFO without a writer, a device and a
// directory are refused at once with the kind named, instead of a hang in
// open(2) or a read that never ends.
func TestOpenRefusesNonRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, kind string }{
		{fifo, "a FIFO"},
		{"/dev/zero", "a character device"},
		{t.TempDir(), "a directory"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				o, err := Open(tc.path)
				if err == nil {
					o.Close()
				}
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("Open(%s) still blocks after 10s", tc.path)
			}
			if !errors.Is(err, ErrNotRegular) {
				t.Fatalf("Open(%s) = %v, want ErrNotRegular", tc.path, err)
			}
			if !strings.Contains(err.Error(), "it is "+tc.kind+", not a regular file") {
				t.Errorf("error %q does not name %s", err, tc.kind)
			}
		})
	}
	// A debug file candidate that is a FIFO is skipped, not waited on.
	if fileHasDWARF(fifo) || crcMatches(fifo, 0) {
		t.Error("a FIFO was taken for a debug file")
	}
}
