package btfdwarf

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/surftrace/surftrace/internal/compressed"
)

// Bounds on what a type file may be. The largest kernels' BTF is ~10 MB
// and a debug vmlinux ~1 GB, so anything beyond is not what the user
// meant to give (a device, a disk image, a sparse file) and reading it
// would only fill memory.
const (
	// MaxBTFSize bounds raw BTF, and what a compressed file unpacks to.
	MaxBTFSize = 64 << 20
	// MaxELFSize bounds an ELF file, which is mapped, not read.
	MaxELFSize = 4 << 30
)

// Sentinel errors of opening a type file.
var (
	// ErrNotRegular: the path is a device, FIFO, socket or directory.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file, or what it unpacks to, exceeds the bounds.
	ErrTooLarge = errors.New("too large for a type file")
	// ErrNotBTF: the content is none of the forms a BTF file comes in.
	ErrNotBTF = errors.New("not a BTF file")
)

// blobForms lists the accepted forms, for messages.
const blobForms = "raw BTF (as the running kernel exposes it), gzip, xz or .tar.xz holding a .btf file (as BTFHub publishes), or an ELF with a .BTF section"

// readBlob returns the BTF in path: mapped when the file is raw BTF or an
// ELF (sysfs BTF supports mmap on recent kernels, which spares copying
// 5 MB), unpacked otherwise. The file's type and size are checked before
// a byte is read: opening a FIFO would block and /dev/zero never ends.
func readBlob(path string) ([]byte, func(), error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if err := checkTypeFile(st); err != nil {
		if errors.Is(err, ErrNotRegular) {
			err = fmt.Errorf("%w; give %s", err, blobForms)
		}
		return nil, nil, err
	}
	// O_NONBLOCK: should the path be swapped for a FIFO after the check,
	// open must not hang.
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, nil, err
	}
	if err := checkTypeFile(st); err != nil {
		return nil, nil, err
	}
	data, release, err := mapFile(f, st)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case isBTF(data):
		if len(data) > MaxBTFSize {
			release()
			return nil, nil, fmt.Errorf("%s of BTF: %w (at most %s)", humanSize(int64(len(data))), ErrTooLarge, humanSize(MaxBTFSize))
		}
		return data, release, nil
	case isELF(data):
		sec, err := elfSection(data, ".BTF")
		if err != nil {
			release()
			return nil, nil, err
		}
		return sec, release, nil
	}
	out, err := unpack(bytes.NewReader(data), 0)
	release()
	if err != nil {
		return nil, nil, err
	}
	return out, func() {}, nil
}

// checkTypeFile refuses what cannot be a type file before it is opened.
func checkTypeFile(st os.FileInfo) error {
	m := st.Mode()
	if !m.IsRegular() {
		what := "special file"
		switch {
		case m.IsDir():
			what = "directory"
		case m&os.ModeNamedPipe != 0:
			what = "FIFO"
		case m&os.ModeCharDevice != 0:
			what = "character device"
		case m&os.ModeDevice != 0:
			what = "block device"
		case m&os.ModeSocket != 0:
			what = "socket"
		}
		return fmt.Errorf("a %s: %w", what, ErrNotRegular)
	}
	if st.Size() > MaxELFSize {
		return fmt.Errorf("%s: %w (at most %s)", humanSize(st.Size()), ErrTooLarge, humanSize(MaxELFSize))
	}
	return nil
}

// mapFile maps f, or reads it where mapping is refused; its size was
// checked. Only a regular file is mapped: a device or pseudo-file may
// change under the mapping or fault past its stat size. A file whose stat
// size is 0 (some pseudo-files) is read up to MaxBTFSize.
func mapFile(f *os.File, st os.FileInfo) ([]byte, func(), error) {
	size := st.Size()
	if size > 0 && st.Mode().IsRegular() {
		if m, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_PRIVATE); err == nil {
			return m, func() { _ = unix.Munmap(m) }, nil
		}
		if size > MaxBTFSize {
			return nil, nil, fmt.Errorf("cannot map %s and it is %w to read (at most %s)", humanSize(size), ErrTooLarge, humanSize(MaxBTFSize))
		}
	}
	data, err := readBounded(f, MaxBTFSize)
	if err != nil {
		return nil, nil, err
	}
	if len(data) == 0 {
		return nil, nil, fmt.Errorf("empty file: %w", ErrNotBTF)
	}
	return data, func() {}, nil
}

// readBounded reads r to its end, refusing more than limit bytes.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("unpacks to more than %s: %w", humanSize(limit), ErrTooLarge)
	}
	return data, nil
}

// unpack reads BTF out of a compressed stream or archive; depth bounds
// nesting (a .tar.xz is two levels).
func unpack(r io.Reader, depth int) ([]byte, error) {
	if depth > 3 {
		return nil, fmt.Errorf("archives nested too deep: %w", ErrNotBTF)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	if ur, format, err := compressed.Reader(br); err != nil {
		return nil, err
	} else if format != "" {
		return unpack(ur, depth+1)
	}
	head, _ := br.Peek(512)
	if len(head) >= 262 && string(head[257:262]) == "ustar" {
		return fromTar(br, depth)
	}
	switch {
	case isBTF(head):
		// The header says how long the blob is: read that much, so a
		// small file that unpacks to gigabytes costs nothing.
		n, ok := btfLen(head)
		if !ok {
			return nil, errors.New("too short for a BTF header")
		}
		if n > MaxBTFSize {
			return nil, fmt.Errorf("BTF header claims %s: %w (at most %s)", humanSize(n), ErrTooLarge, humanSize(MaxBTFSize))
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(br, data); err != nil {
			return nil, fmt.Errorf("BTF shorter than its header says: %w", err)
		}
		return data, nil
	case isELF(head):
		data, err := readBounded(br, MaxBTFSize)
		if err != nil {
			return nil, err
		}
		return elfSection(data, ".BTF")
	}
	return nil, fmt.Errorf("%w: expected %s", ErrNotBTF, blobForms)
}

// btfLen is the length of the BTF blob whose header starts head.
func btfLen(head []byte) (int64, bool) {
	if len(head) < 24 {
		return 0, false
	}
	bo := binary.LittleEndian
	hdr := int64(bo.Uint32(head[4:]))
	types := int64(bo.Uint32(head[8:])) + int64(bo.Uint32(head[12:]))
	strs := int64(bo.Uint32(head[16:])) + int64(bo.Uint32(head[20:]))
	return hdr + max(types, strs), true
}

// fromTar takes the BTF out of a tar: the member named *.btf, else the
// only regular member.
func fromTar(r io.Reader, depth int) ([]byte, error) {
	tr := tar.NewReader(r)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tar: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		names = append(names, h.Name)
		if !strings.HasSuffix(h.Name, ".btf") {
			continue
		}
		if h.Size > MaxBTFSize {
			return nil, fmt.Errorf("tar member %s is %s: %w", h.Name, humanSize(h.Size), ErrTooLarge)
		}
		data, err := unpack(tr, depth+1)
		if err != nil {
			return nil, fmt.Errorf("tar member %s: %w", h.Name, err)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%w: the archive holds no *.btf file (it has %s)", ErrNotBTF, orNone(names))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "no files"
	}
	if len(names) > 5 {
		names = append(names[:5:5], "…")
	}
	return strings.Join(names, ", ")
}

func isBTF(b []byte) bool { return len(b) >= 2 && b[0] == 0x9f && b[1] == 0xeb }

func isELF(b []byte) bool { return len(b) >= 4 && string(b[:4]) == "\x7fELF" }

// humanSize spells a byte count for messages.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
