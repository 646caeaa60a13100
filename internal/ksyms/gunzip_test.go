package ksyms

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"testing"
)

// maybeGunzip unpacks gzip the way the kernel package's opener does, so
// the parsers are tested on saved tables as they are shipped.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// openFile opens path for a parser, unpacking gzip; the file is closed
// when the test ends.
func openFile(tb testing.TB, path string) io.Reader {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	r, err := maybeGunzip(f)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}
