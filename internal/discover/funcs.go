package discover

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/suggest"
)

// Sentinel errors of discovery; each function's doc names those it wraps.
var (
	// ErrNoMatch: the pattern matches nothing (the message suggests names).
	ErrNoMatch = errors.New("nothing matches")
	// ErrUnknownType: no struct, union or typedef of that name.
	ErrUnknownType = errors.New("unknown type")
	// ErrUnknownMember: a member path names a member the type lacks.
	ErrUnknownMember = errors.New("unknown member")
)

// FuncEntry is one function of a listing: a name probeable by itself or
// only through its compiler clones, with its prototype when known.
type FuncEntry struct {
	Name   string `json:"name"`
	Module string `json:"module,omitempty"`
	// Prototype is the C prototype from the type source; empty when
	// unknown (Note says why).
	Prototype string  `json:"prototype,omitempty"`
	Return    string  `json:"return,omitempty"`
	Params    []Param `json:"params,omitempty"`
	Variadic  bool    `json:"variadic,omitempty"`
	// Probeable says the name itself can carry a probe; false when only
	// its clones are listed (then the prototype is the source's, and the
	// clone's registers may not follow it).
	Probeable bool `json:"probeable"`
	// Copies counts the functions listed under this exact name; more than
	// one means a probe must name MODULE:name or an address.
	Copies int `json:"copies,omitempty"`
	// Clones are the compiler's copies (name.isra.0, name.constprop.0,
	// name.part.0): probeable, with no prototype of their own.
	Clones []string `json:"clones,omitempty"`
	Note   string   `json:"note,omitempty"`
	// Skb lists the parameters that are a struct sk_buff * (or **).
	Skb []SkbArg `json:"skb_args,omitempty"`
	// IFUNC marks a user object's resolver symbol (-x): a probe there
	// only sees the resolver.
	IFUNC bool `json:"ifunc,omitempty"`
	// NotLoaded marks a function of a module the kernel has not loaded,
	// known from the module's BTF: probeable once the module is loaded.
	NotLoaded bool `json:"not_loaded,omitempty"`
}

// NotLoadedEntries lists the functions of a module that is not loaded,
// with their prototypes; with skb only those taking a struct sk_buff *.
func NotLoadedEntries(module string, fs []*btfdwarf.Func, skb bool) []*FuncEntry {
	var out []*FuncEntry
	for _, f := range fs {
		// Probeable by its name, once the module is loaded.
		e := &FuncEntry{Name: f.Name, Module: module, NotLoaded: true, Probeable: true}
		setPrototype(e, f)
		if skb && len(e.Skb) == 0 {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Param is one parameter of a prototype.
type Param struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// ftraceInvalid prefixes the placeholders available_filter_functions
// shows for weak functions the linker dropped (5.18+): nothing to probe.
const ftraceInvalid = "__ftrace_invalid_address__"

// CloneNote is how a clone is marked in listings.
const CloneNote = "no prototype: compiler clone"

// ListOptions select and describe the functions of a listing.
type ListOptions struct {
	// Pattern is a glob matched against a function's name and its
	// clones' names; "" means all.
	Pattern string
	// Types gives vmlinux prototypes; nil lists names only.
	Types btfdwarf.Source
	// ModuleTypes gives a module's types (its split BTF); nil or a nil
	// result leaves the module's functions without prototypes.
	ModuleTypes func(module string) btfdwarf.Source
	// Skb keeps only functions taking a struct sk_buff * (pwru's
	// candidates), with the argument index.
	Skb bool
}

// ListFuncs groups syms by base name and module, keeps those the pattern
// matches and attaches prototypes. It wraps ErrNoMatch, suggesting the
// closest names when the pattern is a plain name.
func ListFuncs(syms []Symbol, opt ListOptions) ([]*FuncEntry, error) {
	pattern := opt.Pattern
	if pattern == "" {
		pattern = "*"
	}
	if err := ValidPattern(pattern); err != nil {
		return nil, err
	}
	type key struct{ mod, base string }
	groups := map[key]*FuncEntry{}
	var order []key
	all := pattern == "*"
	for _, s := range syms {
		if strings.HasPrefix(s.Name, ftraceInvalid) {
			continue
		}
		b := baseName(s.Name)
		k := key{s.Module, b}
		e := groups[k]
		if e == nil {
			e = &FuncEntry{Name: b, Module: s.Module}
			groups[k] = e
			order = append(order, k)
		}
		if s.Name == b {
			e.Probeable = true
			e.Copies++
		} else {
			e.Clones = append(e.Clones, s.Name)
		}
	}
	var out []*FuncEntry
	for _, k := range order {
		e := groups[k]
		if all || Match(pattern, e.Name) || anyMatch(pattern, e.Clones) {
			if e.Copies == 1 {
				e.Copies = 0
			}
			sort.Strings(e.Clones)
			e.Clones = dedupe(e.Clones)
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, noMatch(pattern, syms)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Module < out[j].Module
	})
	if err := attachPrototypes(out, opt); err != nil {
		return nil, err
	}
	if opt.Skb {
		kept := out[:0]
		for _, e := range out {
			if len(e.Skb) > 0 {
				kept = append(kept, e)
			}
		}
		out = kept
		if len(out) == 0 {
			return nil, errorf(ErrNoMatch, "no function matching %q takes a struct sk_buff *", pattern)
		}
	}
	return out, nil
}

func anyMatch(pattern string, names []string) bool {
	for _, n := range names {
		if Match(pattern, n) {
			return true
		}
	}
	return false
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func noMatch(pattern string, syms []Symbol) error {
	hint := ""
	if name := unglob(pattern); name == pattern || len(name) >= 3 {
		names := make([]string, 0, len(syms))
		for _, s := range syms {
			names = append(names, baseName(s.Name))
		}
		hint = suggest.DidYouMeanTail(suggest.Closest(name, names, 4))
	}
	return errorf(ErrNoMatch, "no probeable kernel function matches %q%s", pattern, hint)
}

// bulkFuncs is the fast path of *btfdwarf.BTF: one scan for all names.
type bulkFuncs interface {
	Funcs(match func(name string) bool) ([]*btfdwarf.Func, error)
}

// attachPrototypes looks every entry's name up in its type source.
func attachPrototypes(entries []*FuncEntry, opt ListOptions) error {
	bySrc := map[btfdwarf.Source][]*FuncEntry{}
	var srcs []btfdwarf.Source
	for _, e := range entries {
		src := opt.Types
		if e.Module != "" {
			src = nil
			if opt.ModuleTypes != nil {
				src = opt.ModuleTypes(e.Module)
			}
		}
		if src == nil {
			e.Note = noTypesNote(e, opt)
			continue
		}
		if _, ok := bySrc[src]; !ok {
			srcs = append(srcs, src)
		}
		bySrc[src] = append(bySrc[src], e)
	}
	for _, src := range srcs {
		if err := lookupFuncs(src, bySrc[src], func(e *FuncEntry, f *btfdwarf.Func) {
			setPrototype(e, f)
			if !e.Probeable {
				e.Note = "only compiler clones are probeable; this is the source's prototype, the clones' registers may differ"
			}
		}); err != nil {
			return err
		}
		for _, e := range bySrc[src] {
			if e.Prototype == "" {
				e.Note = "no prototype in " + src.Describe()
				if !e.Probeable {
					e.Note = CloneNote
				}
			}
		}
	}
	return nil
}

func noTypesNote(e *FuncEntry, opt ListOptions) string {
	switch {
	case e.Module != "":
		return "no BTF for module " + e.Module
	case !e.Probeable:
		return CloneNote
	case opt.Types == nil:
		return "no kernel types loaded"
	}
	return ""
}

// lookupFuncs calls found for each entry src has a prototype for: in
// one scan when src can (BTF), else name by name.
func lookupFuncs(src btfdwarf.Source, es []*FuncEntry, found func(*FuncEntry, *btfdwarf.Func)) error {
	if b, ok := src.(bulkFuncs); ok {
		want := make(map[string]*FuncEntry, len(es))
		for _, e := range es {
			want[e.Name] = e
		}
		fs, err := b.Funcs(func(n string) bool { return want[n] != nil })
		if err != nil {
			return fmt.Errorf("read prototypes from %s: %w", src.Describe(), err)
		}
		for _, f := range fs {
			found(want[f.Name], f)
		}
		return nil
	}
	for _, e := range es {
		f, err := src.Func(e.Name)
		switch {
		case err == nil:
			found(e, f)
		case !errors.Is(err, btfdwarf.ErrNotFound) && !errors.Is(err, btfdwarf.ErrNoPrototype):
			return err
		}
	}
	return nil
}

// setPrototype fills the prototype fields and the sk_buff arguments
// (only for an entry probeable by its name).
func setPrototype(e *FuncEntry, f *btfdwarf.Func) {
	e.Prototype = Signature(f)
	e.Return = Decl(f.Proto.Ret, "")
	e.Variadic = f.Proto.Variadic
	for i, p := range f.Proto.Params {
		e.Params = append(e.Params, Param{Name: p.Name, Type: Decl(p.Type, "")})
		// A clone's registers need not follow the source's prototype.
		if d := skbDepth(p.Type); d > 0 && e.Probeable {
			e.Skb = append(e.Skb, SkbArg{Index: i, Name: p.Name, Pointers: d})
		}
	}
}

// SkbArg is a parameter that points at a struct sk_buff: the %N to use
// in a packet cast (@(struct iphdr *)l3%N->…).
type SkbArg struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	// Pointers is 1 for struct sk_buff *, 2 for struct sk_buff ** (the
	// compiler follows the extra pointer).
	Pointers int `json:"pointers"`
}

// skbDepth returns 1 for struct sk_buff *, 2 for struct sk_buff **, else 0.
func skbDepth(t *btfdwarf.Type) int {
	for d := 1; d <= 2; d++ {
		if t == nil || t.Kind != btfdwarf.Pointer {
			return 0
		}
		e, err := t.Elem()
		if err != nil {
			return 0
		}
		if e.Kind == btfdwarf.Struct && e.Name == "struct sk_buff" {
			return d
		}
		t = e
	}
	return 0
}

// SkbRefs spells an entry's sk_buff arguments as "%1" or "%0,%2".
func (e *FuncEntry) SkbRefs() string {
	var s []string
	for _, a := range e.Skb {
		s = append(s, fmt.Sprintf("%%%d", a.Index))
	}
	return strings.Join(s, ",")
}
