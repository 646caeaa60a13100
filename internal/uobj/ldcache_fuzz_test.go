package uobj

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseLDCache feeds arbitrary bytes to the ld.so.cache decoder: the
// file is root-owned but its layout is trusted by nothing else in the tool,
// and a truncated or foreign-endian cache must give ErrBadCache, never a
// panic or an allocation larger than the file.
func FuzzParseLDCache(f *testing.F) {
	f.Add(buildNewCache(cacheEntries))
	f.Add(buildOldCache([]CacheEntry{{Key: "libold.so.1", Value: "/lib/libold.so.1", Flags: 1}}, nil))
	f.Add(buildOldCache([]CacheEntry{{Key: "libold.so.1", Value: "/lib/libold.so.1", Flags: 1}}, buildNewCache(cacheEntries[:3])))
	f.Add([]byte(newMagic))
	f.Add([]byte(oldMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ParseLDCache(data)
		if err != nil {
			if !errors.Is(err, ErrBadCache) {
				t.Fatalf("error %v does not wrap ErrBadCache", err)
			}
			if entries != nil {
				t.Fatalf("error %v with %d entries", err, len(entries))
			}
			return
		}
		// Every entry owns a table slot in the input, so the entry count
		// is bounded by the input size whichever layout was read.
		if max := len(data) / oldEntrySize; len(entries) > max {
			t.Fatalf("%d entries from %d bytes", len(entries), len(data))
		}
		for _, e := range entries {
			if len(e.Key) >= len(data) || len(e.Value) >= len(data) {
				t.Fatalf("entry %q=%q longer than the %d-byte input", e.Key, e.Value, len(data))
			}
			if strings.IndexByte(e.Key, 0) >= 0 || strings.IndexByte(e.Value, 0) >= 0 {
				t.Fatalf("entry %q=%q holds a NUL", e.Key, e.Value)
			}
		}
		// The lookup over decoded entries must not panic either, whatever
		// the keys hold; the name is taken from the input so it matches.
		for _, e := range entries {
			name, _, _ := strings.Cut(e.Key, ".so")
			if v, ok := lookupLibrary(entries, name, -1); ok && !hasValue(entries, v) {
				t.Fatalf("lookup %q gave %q, not an entry's file", name, v)
			}
			break
		}
	})
}

// hasValue reports whether some entry names file v.
func hasValue(entries []CacheEntry, v string) bool {
	for _, e := range entries {
		if e.Value == v {
			return true
		}
	}
	return false
}
