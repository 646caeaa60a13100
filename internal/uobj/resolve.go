package uobj

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ldCachePath is a variable so tests can feed a cache of their own.
var ldCachePath = LDCachePath

// Resolve turns the OBJ of `P OBJ:FUNC` into an absolute file name. In
// order: a name with a slash is a path (absolute or relative to the current
// directory); a bare name is a file in the current directory, then a program
// on $PATH (`bash`), then a library in the dynamic linker cache (`libc`,
// `libc.so.6`; see lookupLibrary for which entry wins). Paths are made
// absolute but symlinks are kept: the kernel resolves them when the probe is
// registered, and the user recognises the name they gave. It wraps
// ErrNotFound.
func Resolve(spec string) (string, error) {
	if spec == "" {
		return "", fmt.Errorf("resolve object: empty name: %w", ErrNotFound)
	}
	if strings.ContainsRune(spec, '/') {
		abs, err := filepath.Abs(spec)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", spec, err)
		}
		if _, err := os.Stat(abs); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("resolve %s: no such file: %w", spec, ErrNotFound)
			}
			return "", fmt.Errorf("resolve %s: %w", spec, err)
		}
		return abs, nil
	}
	// The original resolved `P tuprobe:func` to ./tuprobe, so the current
	// directory comes before $PATH (unlike a shell).
	if st, err := os.Stat(spec); err == nil && st.Mode().IsRegular() {
		return filepath.Abs(spec)
	}
	if p, err := exec.LookPath(spec); err == nil {
		return filepath.Abs(p)
	}
	data, err := os.ReadFile(ldCachePath)
	if err != nil {
		return "", fmt.Errorf("resolve %s: not a file or a program on $PATH, and no linker cache (%w): %w", spec, err, ErrNotFound)
	}
	entries, err := ParseLDCache(data)
	if err != nil {
		return "", fmt.Errorf("resolve %s: read %s: %w", spec, ldCachePath, err)
	}
	if p, ok := lookupLibrary(entries, spec, hostCacheFlags()); ok {
		return p, nil
	}
	return "", fmt.Errorf("resolve %s: no such file, program on $PATH, or library in %s: %w", spec, ldCachePath, ErrNotFound)
}

// lookupLibrary picks the cache entry for a library name, among entries
// built for this host (want, see hostCacheFlags). A key equal to the name
// wins ("libc.so.6"), then NAME.so, then NAME.so.VERSION with the highest
// version ("libssl" → libssl.so.3 over libssl.so.1.1): the newest ABI is the
// one programs being written today link against. Entries for glibc-hwcaps
// subdirectories (HWCap ≠ 0) are used only when no baseline entry exists,
// since which one ld.so loads depends on the CPU of the traced process.
func lookupLibrary(entries []CacheEntry, name string, want int32) (string, bool) {
	type cand struct {
		rank int // 0 exact, 1 NAME.so, 2 NAME.so.VER
		e    CacheEntry
	}
	var cands []cand
	for _, e := range entries {
		if !forHost(e.Flags, want) {
			continue
		}
		switch {
		case e.Key == name:
			cands = append(cands, cand{0, e})
		case e.Key == name+".so":
			cands = append(cands, cand{1, e})
		case strings.HasPrefix(e.Key, name+".so."):
			cands = append(cands, cand{2, e})
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if (a.e.HWCap == 0) != (b.e.HWCap == 0) {
			return a.e.HWCap == 0
		}
		return versionCompare(a.e.Key, b.e.Key) > 0
	})
	return cands[0].e.Value, true
}

// versionCompare orders sonames as ld.so's _dl_cache_libcmp does: runs of
// digits compare as numbers, so libfoo.so.10 > libfoo.so.9.
func versionCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		switch {
		case da > 0 && db > 0:
			na := strings.TrimLeft(a[:da], "0")
			nb := strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
		case da > 0:
			return 1
		case db > 0:
			return -1
		default:
			if a[0] != b[0] {
				return int(a[0]) - int(b[0])
			}
			a, b = a[1:], b[1:]
		}
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
