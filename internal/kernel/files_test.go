package kernel

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ulikunitz/xz"
)

// A missing list is fs.ErrNotExist and a broken gzip file fails: callers
// tell "not saved" from "damaged".
func TestLoadErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if _, err := LoadKallsyms(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadKallsyms(missing) = %v", err)
	}
	if _, err := LoadBlacklist(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadBlacklist(missing) = %v", err)
	}
	badgz := filepath.Join(t.TempDir(), "bad.gz")
	if err := os.WriteFile(badgz, []byte{0x1f, 0x8b, 0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKallsyms(badgz); err == nil {
		t.Error("a broken gzip file loaded")
	}
}

// OpenFile reads raw, gzip and xz alike.
func TestOpenFileForms(t *testing.T) {
	const text = "ffffffff81000000 T _stext\nffffffff81000100 t f\t[m]\n"
	var gz, xzb bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(text))
	zw.Close()
	xw, err := xz.NewWriter(&xzb)
	if err != nil {
		t.Fatal(err)
	}
	xw.Write([]byte(text))
	xw.Close()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"raw": []byte(text), "gz": gz.Bytes(), "xz": xzb.Bytes()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, closeFn, err := OpenFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(r)
		closeFn()
		if err != nil || string(got) != text {
			t.Errorf("%s: read %q, %v", name, got, err)
		}
		tab, err := LoadKallsyms(path)
		if err != nil || len(tab.Lookup("f")) != 1 {
			t.Errorf("%s: LoadKallsyms: %v", name, err)
		}
	}
}
