package vm

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// A compressed payload format found inside a bzImage, and the host command
// that unpacks it from stdin, ignoring whatever follows the stream (the
// bzImage appends its own trailer).
type payload struct {
	magic []byte
	cmd   []string
}

// The kernel's compressions, in the order scripts/extract-vmlinux tries
// them; Debian uses xz.
var payloads = []payload{
	{[]byte("\xfd7zXZ\x00"), []string{"xz", "-dc", "--single-stream"}},
	{[]byte("\x1f\x8b\x08"), []string{"gzip", "-dc"}},
	{[]byte("\x28\xb5\x2f\xfd"), []string{"zstd", "-dc"}},
	{[]byte("\x02\x21\x4c\x18"), []string{"lz4", "-dc"}},
}

// xenPhys32Entry is the ELF note (in the "Xen" namespace) that marks a
// PVH entry point: qemu boots an ELF kernel with -kernel only through it.
const xenPhys32Entry = 18

// BootImage returns the image to give qemu's -kernel: the uncompressed
// vmlinux extracted from the bzImage (cached under cacheDir by the image's
// hash), which boots through its PVH entry without running the
// decompressor, about 3 s faster under emulation; or the image itself when
// no bootable vmlinux can be extracted (pvh is then false, and err says why;
// path is usable either way).
func BootImage(image, cacheDir string) (path string, pvh bool, err error) {
	if hasPVH(image) {
		return image, true, nil
	}
	vmlinux, err := ExtractVmlinux(image, cacheDir)
	if err != nil {
		return image, false, err
	}
	return vmlinux, true, nil
}

// ExtractVmlinux unpacks the ELF kernel inside a bzImage into cacheDir and
// returns its path; a previous extraction of the same image is reused. The
// error wraps ErrNoELF when no payload yields an ELF with a PVH entry.
func ExtractVmlinux(image, cacheDir string) (string, error) {
	data, err := os.ReadFile(image)
	if err != nil {
		return "", fmt.Errorf("read kernel image: %w", err)
	}
	sum := sha256.Sum256(data)
	out := filepath.Join(cacheDir, "vmlinux-"+hex.EncodeToString(sum[:8]))
	if hasPVH(out) {
		return out, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("extract vmlinux: %w", err)
	}
	for _, p := range payloads {
		if _, err := exec.LookPath(p.cmd[0]); err != nil {
			continue
		}
		// A magic can occur by chance before the real stream: try a few.
		for off, tries := 0, 0; tries < 4; tries++ {
			i := bytes.Index(data[off:], p.magic)
			if i < 0 {
				break
			}
			off += i
			if err := unpack(p.cmd, data[off:], out); err == nil {
				return out, nil
			}
			off++
		}
	}
	return "", fmt.Errorf("extract vmlinux from %s: %w", image, ErrNoELF)
}

// unpack runs cmd on the stream and keeps the result at out if it is an ELF
// kernel with a PVH entry. Decompressors complain about the bytes after the
// stream, so their exit status is not trusted: the ELF check decides.
func unpack(cmd []string, stream []byte, out string) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".vmlinux-*")
	if err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	defer os.Remove(tmp.Name())
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Stdin = bytes.NewReader(stream)
	c.Stdout = tmp
	runErr := c.Run()
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	if !hasPVH(tmp.Name()) {
		return fmt.Errorf("unpack with %s: no PVH ELF (%v)", cmd[0], runErr)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	// Rename is atomic: concurrent runs see either no file or a whole one.
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	return nil
}

// hasPVH reports whether path is an x86_64 ELF with a Xen PVH entry note.
func hasPVH(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		return false
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		notes, err := io.ReadAll(p.Open())
		if err != nil {
			continue
		}
		if noteHas(notes, "Xen", xenPhys32Entry) {
			return true
		}
	}
	return false
}

// noteHas walks ELF notes (namesz, descsz, type, name, desc; 4-byte aligned).
func noteHas(notes []byte, name string, typ uint32) bool {
	align := func(n uint32) uint32 { return (n + 3) &^ 3 }
	for len(notes) >= 12 {
		nsz := binary.LittleEndian.Uint32(notes[0:])
		dsz := binary.LittleEndian.Uint32(notes[4:])
		t := binary.LittleEndian.Uint32(notes[8:])
		end := 12 + uint64(align(nsz)) + uint64(align(dsz))
		if end > uint64(len(notes)) {
			return false
		}
		n := bytes.TrimRight(notes[12:12+nsz], "\x00")
		if t == typ && string(n) == name {
			return true
		}
		notes = notes[end:]
	}
	return false
}
