package ftrace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Features is what a kernel's tracefs README says kprobe_events and
// uprobe_events accept. The README is the only description of the
// fetch-argument syntax a kernel carries, and kernels differ: 5.10 has no
// symstr, 6.1 no char type and no $arg<N> in return probes, 6.12 has all
// of them and parameters by name (BTF). A
// definition using a form its kernel does not list is refused by the
// kernel with a bare "Invalid argument", so the compiler checks first.
type Features struct {
	// Known says the values come from a README rather than the baseline.
	Known bool
	// Source names where they come from, for messages.
	Source string

	ArgN      bool // $arg<N> at function entry
	RetArgN   bool // $arg<N> in kernel return probes (read at entry, kept to return)
	BTFArgs   bool // parameters by name and $arg* (CONFIG_PROBE_EVENTS_BTF_ARGS)
	Retval    bool // $retval
	Comm      bool // $comm
	StackN    bool // $stack<index>
	Symbol    bool // @<symbol>[+|-<offset>]
	UserDeref bool // +u<offset>(…), a dereference of user memory in a kprobe
	Imm       bool // \imm-value and \"imm-string"

	// Types are the fetch types listed, expanded ("s8", "u16", "x64",
	// "char", "string", "ustring", "symbol", "symstr", "%pd", "%pD");
	// Bitfield and Array stand for the b…@…/… and TYPE[N] forms.
	Types    map[string]bool
	Bitfield bool
	Array    bool
}

// Baseline61 is what the stock Debian 6.1 kernel's README lists (x86_64),
// assumed when no README is known, e.g. for -S with --btf alone: no char
// type, no %pd, and no $arg<N> in return probes.
func Baseline61() *Features {
	f := &Features{Source: "Linux 6.1 (assumed: no tracefs README known)",
		ArgN: true, Retval: true, Comm: true, StackN: true, Symbol: true, UserDeref: true, Imm: true,
		Bitfield: true, Array: true, Types: map[string]bool{}}
	for _, t := range []string{"string", "ustring", "symbol", "symstr"} {
		f.Types[t] = true
	}
	for _, l := range "sux" {
		for _, w := range []string{"8", "16", "32", "64"} {
			f.Types[string(l)+w] = true
		}
	}
	return f
}

// ParseFeatures reads the text of tracefs README. It looks only at the
// fetch-argument description that kprobe_events and uprobe_events share
// ("fetcharg:", "type:" and the "return probes support:" note), so other
// sections cannot switch a feature on.
func ParseFeatures(readme []byte, source string) *Features {
	f := &Features{Known: true, Source: source, Types: map[string]bool{}}
	var fetch, types, ret []string
	var cur *[]string
	for _, raw := range strings.Split(string(readme), "\n") {
		line := strings.TrimSpace(raw)
		label, rest, hasLabel := cutLabel(line)
		switch {
		case hasLabel && label == "fetcharg":
			cur = &fetch
			line = rest
		case hasLabel && label == "type":
			cur = &types
			line = rest
		case hasLabel && strings.HasSuffix(label, "return probes support"):
			if strings.HasPrefix(label, "kernel") || label == "return probes support" {
				ret = append(ret, rest)
			}
			cur = nil
			continue
		case hasLabel || line == "" || !strings.HasPrefix(raw, "\t") && !strings.HasPrefix(raw, "   "):
			// Another label, or a new top-level entry, ends a block.
			cur = nil
			continue
		}
		if cur != nil {
			*cur = append(*cur, line)
		}
	}
	fs := strings.Join(fetch, " ")
	f.ArgN = strings.Contains(fs, "$arg<N>")
	f.BTFArgs = strings.Contains(fs, "<argname>") || strings.Contains(fs, "$arg*")
	f.Retval = strings.Contains(fs, "$retval")
	f.Comm = strings.Contains(fs, "$comm")
	f.StackN = strings.Contains(fs, "$stack<index>")
	f.Symbol = strings.Contains(fs, "@<symbol>")
	f.UserDeref = strings.Contains(fs, "[u]<offset>")
	f.Imm = strings.Contains(fs, `\imm-value`)
	f.RetArgN = strings.Contains(strings.Join(ret, " "), "$arg<N>")
	for _, tok := range strings.FieldsFunc(strings.Join(types, " "), func(r rune) bool { return r == ',' || r == ' ' }) {
		switch {
		case strings.HasPrefix(tok, "b<bit-width>@"):
			f.Bitfield = true
		case strings.HasPrefix(tok, "<type>"):
			f.Array = true
		case strings.HasPrefix(tok, "%pd"):
			for _, p := range strings.Split(tok, "/") {
				f.Types[p] = true
			}
		case len(tok) > 1 && strings.ContainsRune("sux", rune(tok[0])) && strings.Contains(tok, "/"):
			// "s8/16/32/64"
			for _, w := range strings.Split(tok[1:], "/") {
				f.Types[tok[:1]+w] = true
			}
		default:
			f.Types[tok] = true
		}
	}
	return f
}

// cutLabel splits "fetcharg: …" into its label and the rest; a label is
// words and dashes, as the README writes them ("kernel return probes
// support", "place (uprobe)" is not one).
func cutLabel(line string) (string, string, bool) {
	i := strings.Index(line, ":")
	if i <= 0 {
		return "", "", false
	}
	for _, c := range line[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ' ' || c == '-' || c == '_') {
			return "", "", false
		}
	}
	return line[:i], strings.TrimSpace(line[i+1:]), true
}

// HasType reports whether a fetch type ("u8", "string", "b3@0/8",
// "x8[16]") is listed.
func (f *Features) HasType(t string) bool {
	if i := strings.IndexByte(t, '['); i >= 0 {
		if !f.Array {
			return false
		}
		t = t[:i]
	}
	if len(t) > 1 && t[0] == 'b' && strings.Contains(t, "@") {
		return f.Bitfield
	}
	return f.Types[t]
}

// ReadmeFile is the name of a saved copy of tracefs README kept beside
// another kernel's kallsyms (optionally gzipped, like the rest).
const ReadmeFile = "tracing-README"

// LoadFeatures reads tracefs README at dir (a tracefs mount point).
func LoadFeatures(dir string) (*Features, error) {
	path := filepath.Join(dir, "README")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tracefs README: %w", err)
	}
	if !bytes.Contains(b, []byte("fetcharg:")) {
		return nil, fmt.Errorf("%s lists no fetch arguments: this kernel has neither kprobe_events nor uprobe_events", path)
	}
	return ParseFeatures(b, path), nil
}
