package discover

import (
	"errors"
	"sort"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/suggest"
	"github.com/surftrace/surftrace/internal/uobj"
)

// ListUserFuncs lists a user object's functions (aliases and symbol
// versions merged) that match pattern, with prototypes from types (the
// object's DWARF; nil: names only, noTypes says why). It wraps
// ErrNoMatch with the closest names.
func ListUserFuncs(funcs []uobj.Func, pattern string, types btfdwarf.Source, noTypes string) ([]*FuncEntry, error) {
	if pattern == "" {
		pattern = "*"
	}
	if err := ValidPattern(pattern); err != nil {
		return nil, err
	}
	byName := map[string]*FuncEntry{}
	plain := map[string]bool{}
	var all []string
	for _, f := range funcs {
		all = append(all, f.Name)
		if !Match(pattern, f.Name) {
			continue
		}
		e := byName[f.Name]
		if e == nil {
			e = &FuncEntry{Name: f.Name, Probeable: true}
			byName[f.Name] = e
		}
		if f.IFUNC {
			e.IFUNC = true
		} else {
			plain[f.Name] = true
		}
	}
	if len(byName) == 0 {
		hint := ""
		if name := unglob(pattern); name == pattern || len(name) >= 3 {
			hint = suggest.DidYouMeanTail(suggest.Closest(name, all, 4))
		}
		return nil, errorf(ErrNoMatch, "no function matches %q%s", pattern, hint)
	}
	out := make([]*FuncEntry, 0, len(byName))
	for n, e := range byName {
		// A name is an IFUNC only when no plain symbol shares it.
		e.IFUNC = e.IFUNC && !plain[n]
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for _, e := range out {
		if types == nil {
			e.Note = noTypes
			continue
		}
		f, err := types.Func(e.Name)
		switch {
		case err == nil:
			setPrototype(e, f)
		case errors.Is(err, btfdwarf.ErrNotFound), errors.Is(err, btfdwarf.ErrNoPrototype):
			e.Note = "no prototype in " + types.Describe()
		default:
			return nil, err
		}
	}
	return out, nil
}
