package discover

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// Candidate is one completion: the whole shell word to put in place of
// the word being completed (an expression is one word, spaces and all),
// and a description shells may show beside it.
type Candidate struct {
	Word string
	Desc string
}

// Lists is what completing a kernel word asks of the target kernel. Each
// is loaded only when a word needs it: completion runs the program on
// every key press.
type Lists interface {
	// ProbeableFuncs lists the functions kprobes can be put on.
	ProbeableFuncs() ([]Symbol, error)
	// Types gives the kernel's prototypes and types.
	Types() (btfdwarf.Source, error)
	// EventNames lists trace events as "subsys/event".
	EventNames() ([]string, error)
	// EventFieldNames lists an event's own fields, for its filter.
	EventFieldNames(sys, ev string) ([]string, error)
}

// Completer completes one expression word. Kernel and UserObject may be
// nil: words that need them then get no candidates.
type Completer struct {
	Arch   *compile.Arch
	Kernel Lists
	// UserObject opens OBJ of a P/R expression: its function names and
	// types (nil when it has no DWARF).
	UserObject func(obj string) ([]string, btfdwarf.Source, error)
}

// maxDescribed bounds the candidates given descriptions that cost a
// lookup each (function prototypes).
const maxDescribed = 64

// kindCandidates are the probe kinds with what shells show beside them.
func kindCandidates() []Candidate {
	out := make([]Candidate, len(vocab.Kinds()))
	for i, k := range vocab.Kinds() {
		out[i] = Candidate{k.Letter() + " ", k.Help}
	}
	return out
}

// Complete returns the candidates for word, an expression as typed so
// far without shell quoting ("p tcp_sendm", "p tcp_sendmsg x=%0->sk_").
// Every candidate extends the expression and the shell must add no space
// after it: the expression goes on in the same word.
func (c *Completer) Complete(word string) []Candidate {
	if c.Arch == nil {
		c.Arch, _ = compile.LookupArch("x86_64")
	}
	if at := filterStart(word); at >= 0 {
		// Everything after " f:" is the filter, spaces included.
		toks := splitTop(word[:at])
		if len(toks) >= 2 {
			x := &exprCtx{c: c, kind: vocab.LookupKind(toks[0]), symbol: toks[1], args: toks[2:]}
			return prepend(word[:at+3], x.filter(word[at+3:]))
		}
	}
	toks := splitTop(word)
	last := toks[len(toks)-1]
	prefix := word[:len(word)-len(last)]
	var out []Candidate
	switch {
	case len(toks) == 1:
		out = filterPrefix(kindCandidates(), last)
	case len(toks) == 2:
		out = c.symbol(toks[0], last)
	default:
		x := &exprCtx{c: c, kind: vocab.LookupKind(toks[0]), symbol: toks[1], args: toks[2 : len(toks)-1]}
		out = x.arg(last)
	}
	return prepend(prefix, out)
}

// prepend puts the unchanged start of the word before each candidate.
func prepend(prefix string, cs []Candidate) []Candidate {
	for i := range cs {
		cs[i].Word = prefix + cs[i].Word
	}
	return cs
}

// splitTop splits an expression into words at spaces outside
// parentheses; a trailing space starts an empty word.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth = max(0, depth-1)
		case ' ':
			if depth == 0 {
				if i > start {
					out = append(out, s[start:i])
				}
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// filterStart finds the " f:" that starts the filter, outside
// parentheses and quotes, or -1.
func filterStart(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '(':
			depth++
		case ch == ')':
			depth = max(0, depth-1)
		case ch == ' ' && depth == 0 && strings.HasPrefix(s[i:], " f:"):
			return i
		}
	}
	return -1
}

func filterPrefix(cs []Candidate, p string) []Candidate {
	var out []Candidate
	for _, c := range cs {
		if strings.HasPrefix(c.Word, p) {
			out = append(out, c)
		}
	}
	return out
}

// symbol completes the probe point after the type letter.
func (c *Completer) symbol(kind, partial string) []Candidate {
	k := vocab.LookupKind(kind)
	switch {
	case k == nil:
		return nil
	case k.Kind == probe.Event:
		return c.event(partial)
	case k.User:
		return c.userSymbol(partial)
	}
	return c.kernelFunc(partial)
}

func (c *Completer) kernelFunc(partial string) []Candidate {
	if c.Kernel == nil || strings.ContainsAny(partial, ":+") {
		return nil
	}
	syms, err := c.Kernel.ProbeableFuncs()
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var names []string
	for _, s := range syms {
		n := s.Name
		if !strings.Contains(partial, ".") {
			// Clones are probed by their base name.
			n = baseName(n)
		}
		if strings.HasPrefix(n, partial) && !seen[n] && !strings.HasPrefix(n, ftraceInvalid) {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]Candidate, len(names))
	for i, n := range names {
		out[i] = Candidate{Word: n}
	}
	if len(out) <= maxDescribed {
		c.describeFuncs(out)
	}
	return out
}

// describeFuncs gives each function candidate its prototype.
func (c *Completer) describeFuncs(cs []Candidate) {
	src := c.types()
	if src == nil || len(cs) == 0 {
		return
	}
	es := make([]*FuncEntry, len(cs))
	for i, cand := range cs {
		es[i] = &FuncEntry{Name: cand.Word}
	}
	_ = lookupFuncs(src, es, func(e *FuncEntry, f *btfdwarf.Func) { e.Prototype = Signature(f) })
	for _, e := range es {
		// The bulk scan reads vmlinux's types; a module's function is
		// found by name, in its module's.
		if e.Prototype == "" {
			if f, err := src.Func(e.Name); err == nil {
				e.Prototype = Signature(f)
			}
		}
	}
	for i := range cs {
		cs[i].Desc = es[i].Prototype
	}
}

func (c *Completer) types() btfdwarf.Source {
	if c.Kernel == nil {
		return nil
	}
	src, err := c.Kernel.Types()
	if err != nil {
		return nil
	}
	return src
}

// event completes SUBSYS/ first, then the events in it.
func (c *Completer) event(partial string) []Candidate {
	if c.Kernel == nil {
		return nil
	}
	evs, err := c.Kernel.EventNames()
	if err != nil {
		return nil
	}
	var out []Candidate
	seen := map[string]bool{}
	for _, e := range evs {
		if !strings.HasPrefix(e, partial) {
			continue
		}
		if !strings.Contains(partial, "/") {
			sys := e[:strings.IndexByte(e, '/')+1]
			if !seen[sys] {
				seen[sys] = true
				out = append(out, Candidate{Word: sys})
			}
			continue
		}
		out = append(out, Candidate{Word: e})
	}
	if len(out) == 1 && strings.HasSuffix(out[0].Word, "/") {
		// One subsystem: go straight on to its events.
		return c.event(out[0].Word)
	}
	return out
}

// userSymbol completes OBJ (a path, directories first) and then FUNC
// after the colon.
func (c *Completer) userSymbol(partial string) []Candidate {
	obj, fn, ok := strings.Cut(partial, ":")
	if !ok {
		return completePath(partial)
	}
	if c.UserObject == nil || strings.Contains(fn, "+") {
		return nil
	}
	names, types, err := c.UserObject(obj)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []Candidate
	for _, n := range names {
		if strings.HasPrefix(n, fn) && !seen[n] {
			seen[n] = true
			out = append(out, Candidate{Word: obj + ":" + n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Word < out[j].Word })
	if types != nil && len(out) <= maxDescribed {
		for i := range out {
			if f, err := types.Func(out[i].Word[len(obj)+1:]); err == nil {
				out[i].Desc = Signature(f)
			}
		}
	}
	return out
}

// completePath lists directories (ending in '/') and files (ending in
// ':', ready for the function) that extend partial.
func completePath(partial string) []Candidate {
	if partial == "" || !strings.Contains(partial, "/") {
		return nil
	}
	dir, base := filepath.Split(partial)
	ents, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return nil
	}
	var out []Candidate
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), base) || strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		w := dir + e.Name()
		if e.IsDir() || e.Type()&os.ModeSymlink != 0 && isDir(w) {
			out = append(out, Candidate{Word: w + "/"})
		} else {
			out = append(out, Candidate{Word: w + ":"})
		}
	}
	return out
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
