package uobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
)

// buildNewCache writes entries in the glibc-ld.so.cache1.1 layout; strings
// are counted from the start of its header.
func buildNewCache(entries []CacheEntry) []byte {
	var hdr, tab, strs bytes.Buffer
	strBase := newHeader + newEntrySize*len(entries)
	add := func(s string) uint32 {
		off := uint32(strBase + strs.Len())
		strs.WriteString(s)
		strs.WriteByte(0)
		return off
	}
	for _, e := range entries {
		binary.Write(&tab, binary.LittleEndian, e.Flags)
		binary.Write(&tab, binary.LittleEndian, add(e.Key))
		binary.Write(&tab, binary.LittleEndian, add(e.Value))
		binary.Write(&tab, binary.LittleEndian, uint32(0))
		binary.Write(&tab, binary.LittleEndian, e.HWCap)
	}
	hdr.WriteString(newMagic)
	binary.Write(&hdr, binary.LittleEndian, uint32(len(entries)))
	binary.Write(&hdr, binary.LittleEndian, uint32(strs.Len()))
	hdr.Write([]byte{2, 0, 0, 0})         // little endian
	hdr.Write(make([]byte, newHeader-32)) // extension offset, unused
	return append(append(hdr.Bytes(), tab.Bytes()...), strs.Bytes()...)
}

// buildOldCache writes the ld.so-1.7.0 layout, whose strings are counted
// from the end of its table, optionally followed by a new-format cache.
func buildOldCache(entries []CacheEntry, tail []byte) []byte {
	var b, strs bytes.Buffer
	b.WriteString(oldMagic)
	b.WriteByte(0)
	binary.Write(&b, binary.LittleEndian, uint32(len(entries)))
	add := func(s string) uint32 {
		off := uint32(strs.Len())
		strs.WriteString(s)
		strs.WriteByte(0)
		return off
	}
	for _, e := range entries {
		binary.Write(&b, binary.LittleEndian, e.Flags)
		binary.Write(&b, binary.LittleEndian, add(e.Key))
		binary.Write(&b, binary.LittleEndian, add(e.Value))
	}
	if tail != nil {
		// ldconfig puts the new cache right after the old table, 8-aligned,
		// and the old entries' strings live in the new one's string area.
		for b.Len()%8 != 0 {
			b.WriteByte(0)
		}
		return append(b.Bytes(), tail...)
	}
	return append(b.Bytes(), strs.Bytes()...)
}

var cacheEntries = []CacheEntry{
	{Key: "libc.so.6", Value: "/lib/x86_64-linux-gnu/libc.so.6", Flags: 0x0303},
	{Key: "libc.so.6", Value: "/lib32/libc.so.6", Flags: 0x0003},
	{Key: "libssl.so.3", Value: "/usr/lib/x86_64-linux-gnu/libssl.so.3", Flags: 0x0303},
	{Key: "libssl.so.1.1", Value: "/usr/lib/x86_64-linux-gnu/libssl.so.1.1", Flags: 0x0303},
	{Key: "libfoo.so", Value: "/opt/lib/libfoo.so", Flags: 0x0303},
	{Key: "libbar.so.2", Value: "/usr/lib/glibc-hwcaps/x86-64-v3/libbar.so.2", Flags: 0x0303, HWCap: 1 << 62},
	{Key: "libbar.so.2", Value: "/usr/lib/libbar.so.2", Flags: 0x0303},
	{Key: "libarm.so.1", Value: "/usr/lib/aarch64-linux-gnu/libarm.so.1", Flags: 0x0a03},
}

func TestParseLDCache(t *testing.T) {
	newOnly := buildNewCache(cacheEntries)
	oldEntries := []CacheEntry{{Key: "libold.so.1", Value: "/lib/libold.so.1", Flags: 0x0001}}
	for _, tc := range []struct {
		name string
		data []byte
		want []CacheEntry
		err  error
	}{
		{"new format", newOnly, cacheEntries, nil},
		{"old then new", buildOldCache(oldEntries, newOnly), cacheEntries, nil},
		{"old only", buildOldCache(oldEntries, nil), oldEntries, nil},
		{"bad magic", []byte("not a cache at all, not at all"), nil, ErrBadCache},
		{"truncated new", newOnly[:newHeader+10], nil, ErrBadCache},
		{"truncated strings", newOnly[:len(newOnly)-5], nil, ErrBadCache},
		{"short old", []byte(oldMagic), nil, ErrBadCache},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLDCache(tc.data)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d entries, want %d: %+v", len(got), len(tc.want), got)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("entry %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestParseHostLDCache(t *testing.T) {
	data, err := os.ReadFile(LDCachePath)
	if err != nil {
		t.Skipf("no %s on this host: %v", LDCachePath, err)
	}
	entries, err := ParseLDCache(data)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Key == "libc.so.6" && forHost(e.Flags, hostCacheFlags()) {
			found = true
			if _, err := os.Stat(e.Value); err != nil {
				t.Errorf("libc.so.6 → %s: %v", e.Value, err)
			}
		}
	}
	if !found {
		t.Errorf("no libc.so.6 for this host among %d entries", len(entries))
	}
	t.Logf("%d entries", len(entries))
}

func TestLookupLibrary(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		flags      int32
	}{
		{"libc", "/lib/x86_64-linux-gnu/libc.so.6", 0x0303},
		{"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 0x0303},
		{"libc", "/lib32/libc.so.6", 0x0003},
		{"libssl", "/usr/lib/x86_64-linux-gnu/libssl.so.3", 0x0303},
		{"libssl.so.1.1", "/usr/lib/x86_64-linux-gnu/libssl.so.1.1", 0x0303},
		{"libfoo", "/opt/lib/libfoo.so", 0x0303},
		{"libbar", "/usr/lib/libbar.so.2", 0x0303},
		{"libarm", "", 0x0303},
		{"libarm", "/usr/lib/aarch64-linux-gnu/libarm.so.1", 0x0a03},
		{"lib", "", 0x0303},
		{"libc.so", "", 0x0303},
	} {
		got, ok := lookupLibrary(cacheEntries, tc.name, tc.flags)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("lookupLibrary(%q, %#x) = %q, %v; want %q", tc.name, tc.flags, got, ok, tc.want)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		sign int
	}{
		{"libssl.so.3", "libssl.so.1.1", 1},
		{"libfoo.so.10", "libfoo.so.9", 1},
		{"libfoo.so.1.2", "libfoo.so.1.10", -1},
		{"libfoo.so.1", "libfoo.so.1", 0},
		{"libfoo.so.1", "libfoo.so.1.0", -1},
		{"libfoo.so.010", "libfoo.so.9", 1},
	} {
		got := versionCompare(tc.a, tc.b)
		if (got > 0) != (tc.sign > 0) || (got < 0) != (tc.sign < 0) {
			t.Errorf("versionCompare(%q, %q) = %d, want sign %d", tc.a, tc.b, got, tc.sign)
		}
	}
}
