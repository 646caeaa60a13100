package discover

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Symbol is one probeable kernel function as available_filter_functions
// lists it: "name" or "name [module]".
type Symbol struct {
	Name   string
	Module string // "" for vmlinux
}

// ReadFilterFunctions parses available_filter_functions (or its
// _addrs variant, whose lines start with an address).
func ReadFilterFunctions(r io.Reader) ([]Symbol, error) {
	var out []Symbol
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && isHexAddr(f[0]) && !strings.HasPrefix(f[1], "[") {
			f = f[1:]
		}
		if len(f) == 0 {
			continue
		}
		s := Symbol{Name: f[0]}
		if len(f) > 1 {
			s.Module = strings.Trim(f[1], "[]")
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read function list: %w", err)
	}
	return out, nil
}

func isHexAddr(s string) bool {
	if len(s) < 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ReadKallsymsFuncs reads the text symbols of kallsyms ("ADDR TYPE NAME
// [MODULE]"), for when no available_filter_functions can be read. It
// lists more than ftrace can trace (notrace functions, inline copies):
// callers say so. A plain scan, cheaper than loading a ksyms.Table,
// because completion runs it on every TAB.
func ReadKallsymsFuncs(r io.Reader) ([]Symbol, error) {
	var out []Symbol
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 || sp+3 > len(line) || line[sp+2] != ' ' {
			continue
		}
		switch line[sp+1] {
		case 't', 'T', 'w', 'W':
		default:
			continue
		}
		rest := line[sp+3:]
		s := Symbol{}
		if i := bytes.IndexAny(rest, " \t"); i >= 0 {
			s.Name = string(rest[:i])
			s.Module = strings.Trim(strings.TrimSpace(string(rest[i:])), "[]")
		} else {
			s.Name = string(rest)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read kallsyms: %w", err)
	}
	return out, nil
}

// ReadEventNames parses available_events ("subsys:event" per line) into
// "subsys/event" names, sorted.
func ReadEventNames(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if sys, ev, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":"); ok {
			out = append(out, sys+"/"+ev)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read event list: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

// Match reports whether name matches the glob pattern (*, ?, [...]), as
// `list 'tcp_*'` means it. A malformed pattern matches nothing; check it
// with ValidPattern first.
func Match(pattern, name string) bool {
	ok, _ := path.Match(pattern, name)
	return ok
}

// ValidPattern reports a malformed glob.
func ValidPattern(pattern string) error {
	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Errorf("pattern %q: %w", pattern, err)
	}
	return nil
}

// unglob strips a pattern's glob metacharacters, so that a pattern that
// matches nothing ("tcp_sndmsg*") still gets a "did you mean".
func unglob(pattern string) string {
	if i := strings.IndexByte(pattern, '['); i >= 0 {
		pattern = pattern[:i]
	}
	return strings.NewReplacer("*", "", "?", "").Replace(pattern)
}

// baseName strips a compiler clone's suffix: tcp_foo.isra.0 → tcp_foo.
func baseName(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}
