package vm

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
)

// The mode bits of a newc header (they are the Unix S_IF* values).
const (
	modeDir     = 0o040000
	modeRegular = 0o100000
	modeSymlink = 0o120000
	modeCharDev = 0o020000
)

// cpioWriter writes a "newc" cpio archive, the format the kernel unpacks
// into its initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
// The kernel creates no missing parent directories, so the writer emits
// them itself, each once.
type cpioWriter struct {
	w    *bufio.Writer
	ino  uint32
	dirs map[string]bool
	err  error
}

func newCpioWriter(w io.Writer) *cpioWriter {
	return &cpioWriter{w: bufio.NewWriterSize(w, 1<<20), ino: 1, dirs: map[string]bool{".": true, "/": true, "": true}}
}

// header writes one entry's header and name; the body follows.
func (c *cpioWriter) header(name string, mode uint32, size int, rmaj, rmin uint32) {
	if c.err != nil {
		return
	}
	c.ino++
	nameSize := len(name) + 1
	_, c.err = fmt.Fprintf(c.w, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		c.ino, mode, 0, 0, 1, 0, size, 0, 0, rmaj, rmin, nameSize, 0)
	if c.err != nil {
		return
	}
	c.write([]byte(name + "\x00"))
	c.pad(110 + nameSize)
}

func (c *cpioWriter) write(b []byte) {
	if c.err == nil {
		_, c.err = c.w.Write(b)
	}
}

// pad aligns the stream to 4 bytes after n bytes of header or body.
func (c *cpioWriter) pad(n int) {
	if r := n % 4; r != 0 {
		c.write(make([]byte, 4-r))
	}
}

// clean turns an absolute guest path into the archive's relative form.
func clean(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

// Dir adds a directory and its missing parents.
func (c *cpioWriter) Dir(name string) {
	name = clean(name)
	if c.dirs[name] {
		return
	}
	c.Dir(path.Dir(name))
	c.dirs[name] = true
	c.header(name, modeDir|0o755, 0, 0, 0)
}

// File adds a regular file with the given permission bits.
func (c *cpioWriter) File(name string, data []byte, perm uint32) {
	name = clean(name)
	c.Dir(path.Dir(name))
	c.header(name, modeRegular|perm, len(data), 0, 0)
	c.write(data)
	c.pad(len(data))
}

// Symlink adds a symbolic link at name pointing to target.
func (c *cpioWriter) Symlink(name, target string) {
	name = clean(name)
	c.Dir(path.Dir(name))
	c.header(name, modeSymlink|0o777, len(target), 0, 0)
	c.write([]byte(target))
	c.pad(len(target))
}

// CharDev adds a character device node.
func (c *cpioWriter) CharDev(name string, major, minor uint32) {
	name = clean(name)
	c.Dir(path.Dir(name))
	c.header(name, modeCharDev|0o600, 0, major, minor)
}

// Close writes the trailer and flushes; it reports the first error met.
func (c *cpioWriter) Close() error {
	c.header("TRAILER!!!", 0, 0, 0, 0)
	if c.err == nil {
		c.err = c.w.Flush()
	}
	if c.err != nil {
		return fmt.Errorf("write cpio: %w", c.err)
	}
	return nil
}
