package ksyms

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text, plain or gzip, to the kallsyms reader: a
// saved table of another kernel is a file the user hands us, and a damaged
// one must load what it can or fail, never panic, and answer lookups only
// with symbols it lists.
func FuzzParse(f *testing.F) {
	f.Add([]byte("ffffffff81000000 T _stext\nffffffff81000010 t f.isra.0\nffffffff81000020 T f\n"))
	f.Add([]byte("0 A x\nffffffffc0000000 t g\t[mod]\nffffffffc0000000 T g_end\t[mod]\nzz T bad\n1 TT two\n"))
	f.Add(gz([]byte("ffffffff81000000 T _stext\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := maybeGunzip(bytes.NewReader(data))
		if err != nil {
			return
		}
		tab, err := Parse(r)
		if err != nil {
			return
		}
		if !isGzip(data) {
			if n := bytes.Count(data, []byte("\n")) + 1; tab.Len() > n {
				t.Fatalf("%d symbols from %d lines", tab.Len(), n)
			}
		}
		tab.HasData()
		tab.Names(func(s Symbol) {
			if !s.IsText() {
				t.Fatalf("Names gave %+v, not text", s)
			}
			if s.Name == "" {
				t.Fatal("a symbol without a name")
			}
			if !strings.Contains(s.Name, ":") {
				if !hasSym(tab.Lookup(s.Name), s) {
					t.Fatalf("Lookup(%q) misses %+v", s.Name, s)
				}
				if s.Module != "" && !strings.Contains(s.Module, ":") && !hasSym(tab.Lookup(s.Module+":"+s.Name), s) {
					t.Fatalf("Lookup(%q) misses %+v", s.Module+":"+s.Name, s)
				}
			}
			for _, c := range tab.Lookup(s.Name) {
				if c.Name != s.Name {
					t.Fatalf("Lookup(%q) gave %q", s.Name, c.Name)
				}
			}
			if base, _, ok := strings.Cut(s.Name, "."); ok && base != "" {
				for _, c := range tab.Clones(base) {
					if !strings.HasPrefix(c.Name, base+".") || !c.IsText() {
						t.Fatalf("Clones(%q) gave %+v", base, c)
					}
				}
			}
			start, end := tab.Bounds(s)
			if start != s.Addr || end < start {
				t.Fatalf("Bounds(%+v) = %#x-%#x", s, start, end)
			}
			if s.Addr != 0 {
				got, off, ok := tab.Symbolize(s.Addr)
				if !ok || off != 0 || got.Addr != s.Addr {
					t.Fatalf("Symbolize(%#x) = %+v+%d, %v", s.Addr, got, off, ok)
				}
			}
		})
	})
}

// FuzzLoadBlacklist feeds an arbitrary blacklist file, plain or gzip, and
// an address to the kprobes blacklist reader: a range it reports must be
// one the file lists and must hold the address.
func FuzzLoadBlacklist(f *testing.F) {
	f.Add([]byte("0xffffffff81c00990-0xffffffff81c009b0\tasm_exc_divide_error\n"), uint64(0xffffffff81c009a0), false)
	f.Add([]byte("0x10-0x5\tbackwards\n0x0-0xffffffffffffffff\tall\nnot-a-range x\n0x1-\ty\n"), uint64(7), true)
	f.Fuzz(func(t *testing.T, data []byte, addr uint64, compress bool) {
		if compress {
			data = gz(data)
		}
		r, err := maybeGunzip(bytes.NewReader(data))
		if err != nil {
			return
		}
		b, err := ParseBlacklist(r)
		if err != nil {
			return
		}
		if !compress && !isGzip(data) {
			if n := bytes.Count(data, []byte("\n")) + 1; b.Len() > n {
				t.Fatalf("%d ranges from %d lines", b.Len(), n)
			}
		}
		for _, a := range []uint64{addr, addr - 1, addr + 1, 0, ^uint64(0)} {
			name, ok := b.Contains(a)
			if !ok {
				if name != "" {
					t.Fatalf("Contains(%#x) = %q without a hit", a, name)
				}
				continue
			}
			held := false
			for _, r := range b.r {
				if r.name == name && r.start <= a && a < r.end {
					held = true
				}
			}
			if !held {
				t.Fatalf("Contains(%#x) = %q, which no listed range holds", a, name)
			}
		}
	})
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

func hasSym(syms []Symbol, s Symbol) bool {
	for _, c := range syms {
		if c == s {
			return true
		}
	}
	return false
}
