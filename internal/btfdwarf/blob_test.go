package btfdwarf

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ulikunitz/xz"
)

// tinyBTF is a BTF blob with an int and a typedef myint of it.
func tinyBTF() []byte {
	bo := binary.LittleEndian
	var types []byte
	u32 := func(v uint32) { types = bo.AppendUint32(types, v) }
	u32(1)             // "int"
	u32(kindInt << 24) // info
	u32(4)             // size
	u32(1<<24 | 32)    // signed, 32 bits
	u32(5)             // "myint"
	u32(kindTypedef << 24)
	u32(1)
	strs := []byte("\x00int\x00myint\x00")
	hdr := make([]byte, 24)
	bo.PutUint16(hdr, btfMagic)
	hdr[2] = 1
	bo.PutUint32(hdr[4:], 24)
	bo.PutUint32(hdr[8:], 0)
	bo.PutUint32(hdr[12:], uint32(len(types)))
	bo.PutUint32(hdr[16:], uint32(len(types)))
	bo.PutUint32(hdr[20:], uint32(len(strs)))
	return append(append(hdr, types...), strs...)
}

func tarOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xzOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every form BTF is shipped in loads to the same types.
func TestLoadBTFForms(t *testing.T) {
	raw := tinyBTF()
	forms := map[string][]byte{
		"raw":           raw,
		"gz":            gzipOf(t, raw),
		"xz":            xzOf(t, raw),
		"btfhub.tar.xz": xzOf(t, tarOf(t, map[string][]byte{"6.1.0-56-amd64.btf": raw})),
		"tar.gz":        gzipOf(t, tarOf(t, map[string][]byte{"README": []byte("x"), "k.btf": raw})),
		"tar":           tarOf(t, map[string][]byte{"k.btf": raw}),
	}
	dir := t.TempDir()
	for name, data := range forms {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := LoadBTF(p, 8)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ty, err := b.TypeByName("myint")
		if err != nil || ty.Kind != Int || ty.Size != 4 || !ty.Signed || ty.Name != "myint" {
			t.Errorf("%s: myint = %+v, %v", name, ty, err)
		}
		b.Close()
	}
	// A tar without a .btf member says what it holds instead.
	p := filepath.Join(dir, "nobtf.tar.xz")
	if err := os.WriteFile(p, xzOf(t, tarOf(t, map[string][]byte{"vmlinux.txt": raw})), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBTF(p, 8); !errors.Is(err, ErrNotBTF) || !strings.Contains(err.Error(), "vmlinux.txt") {
		t.Errorf("tar without .btf: %v", err)
	}
}

// What cannot be a type file is refused before it is read, and quickly:
// /dev/zero never ends, a FIFO blocks its reader, a sparse file is
// mostly holes.
func TestLoadBTFRefusesBeforeReading(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(5 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Small files that unpack to far more than any BTF: zeros, and a BTF
	// header claiming 1 GB.
	zeros := filepath.Join(dir, "zeros.gz")
	if err := os.WriteFile(zeros, gzipOf(t, make([]byte, 8<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	claim := tinyBTF()
	binary.LittleEndian.PutUint32(claim[20:], 1<<30)
	huge := filepath.Join(dir, "huge.xz")
	if err := os.WriteFile(huge, xzOf(t, claim), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want error
	}{
		{"/dev/zero", ErrNotRegular},
		{fifo, ErrNotRegular},
		{dir, ErrNotRegular},
		{sparse, ErrTooLarge},
		{zeros, ErrNotBTF},
		{huge, ErrTooLarge},
	}
	for _, c := range cases {
		start := time.Now()
		_, err := LoadBTF(c.path, 8)
		took := time.Since(start)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.path, err, c.want)
		}
		t.Logf("%s refused in %v: %v", filepath.Base(c.path), took, err)
	}
}
