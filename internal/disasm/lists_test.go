package disasm

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"strings"

	"github.com/surftrace/surftrace/internal/ksyms"
)

// The tests read the saved test kernel's lists as internal/kernel would
// hand them over: raw or gzip.

func openList(path string, parse func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		r = zr
	}
	return parse(r)
}

func kallsymsFile(path string) func() (*ksyms.Table, error) {
	return func() (t *ksyms.Table, err error) {
		err = openList(path, func(r io.Reader) (err error) { t, err = ksyms.Parse(r); return err })
		return t, err
	}
}

func blacklistFile(path string) func() (*ksyms.Blacklist, error) {
	return func() (b *ksyms.Blacklist, err error) {
		err = openList(path, func(r io.Reader) (err error) { b, err = ksyms.ParseBlacklist(r); return err })
		return b, err
	}
}

func namesFile(path string) func() (map[string]bool, error) {
	return func() (map[string]bool, error) {
		out := map[string]bool{}
		err := openList(path, func(r io.Reader) error {
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				if name, _, _ := strings.Cut(sc.Text(), " "); name != "" {
					out[name] = true
				}
			}
			return sc.Err()
		})
		return out, err
	}
}
