// Package compressed recognizes the compressions kernel files are saved
// in, gzip and xz, by their first bytes, so that every reader of such a
// file (saved kallsyms and function lists, BTF blobs, BTFHub archives)
// takes the same forms: the user need not say which.
package compressed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0}
)

// Reader returns what br holds, unpacked when it starts as a gzip or xz
// stream, and the format it found ("gzip", "xz", or "" for br itself).
func Reader(br *bufio.Reader) (io.Reader, string, error) {
	head, _ := br.Peek(len(xzMagic))
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "gzip", fmt.Errorf("gzip: %w", err)
		}
		return zr, "gzip", nil
	case bytes.HasPrefix(head, xzMagic):
		zr, err := xz.NewReader(br)
		if err != nil {
			return nil, "xz", fmt.Errorf("xz: %w", err)
		}
		return zr, "xz", nil
	}
	return br, "", nil
}
