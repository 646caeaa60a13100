package skb

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/discover"
)

// ErrTooMany: more candidates match than the cap allows.
var ErrTooMany = errors.New("too many functions")

// Candidate is one function to probe: it takes a struct sk_buff * as
// argument Arg, and (when the kernel has drop reasons) an enum
// skb_drop_reason as argument Reason.
type Candidate struct {
	Func   string
	Module string // "" for vmlinux
	Arg    int
	// Reason is the index of an enum skb_drop_reason parameter, -1 when
	// there is none.
	Reason int
}

// Name is the function as a probe names it: MODULE:func for a module's.
func (c Candidate) Name() string {
	if c.Module != "" {
		return c.Module + ":" + c.Func
	}
	return c.Func
}

// CandidateOptions narrow the candidates.
type CandidateOptions struct {
	// Patterns are globs on function names; a function matching any is
	// a candidate. None means all.
	Patterns []string
	// Max caps the count; 0 means no cap. More matches than Max is an
	// error wrapping ErrTooMany, not a silent cut: which functions to
	// drop is the user's choice.
	Max int
	// Types are the kernel's types (required: candidates are chosen by
	// prototype).
	Types btfdwarf.Source
	// ModuleTypes gives a module's split BTF, nil to leave modules out.
	ModuleTypes func(module string) btfdwarf.Source
}

// Candidates lists the functions of syms (available_filter_functions)
// whose prototype takes a struct sk_buff *, as `surftrace list --skb`
// does: by name only (compiler clones have no prototype to say where the
// skb is), one copy per name (a name defined twice cannot be told apart
// by a probe), the first sk_buff argument.
func Candidates(syms []discover.Symbol, opt CandidateOptions) ([]Candidate, error) {
	if opt.Types == nil {
		return nil, errors.New("skb candidates need kernel types (BTF, or -v VMLINUX)")
	}
	var es []*discover.FuncEntry
	seen := map[string]bool{}
	// add lists the sk_buff functions pat matches into es, once each.
	add := func(pat string) error {
		got, err := discover.ListFuncs(syms, discover.ListOptions{
			Pattern: pat, Types: opt.Types, ModuleTypes: opt.ModuleTypes, Skb: true,
		})
		for _, e := range got {
			if k := e.Module + ":" + e.Name; !seen[k] {
				seen[k] = true
				es = append(es, e)
			}
		}
		return err
	}
	if len(opt.Patterns) == 0 {
		if err := add(""); err != nil {
			return nil, fmt.Errorf("skb candidates: %w", err)
		}
	} else {
		// A pattern that matches nothing on this kernel is fine while
		// another one matches: --funcs may name functions of several
		// kernels.
		var firstErr error
		matched := false
		for _, pat := range opt.Patterns {
			if err := add(pat); err != nil {
				firstErr = cmp.Or(firstErr, err)
			} else {
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("skb candidates: %w", firstErr)
		}
		// The functions that free an skb are attached too, so a followed
		// packet still shows where it ended and why; each kernel has its
		// own (kfree_skb on 5.10, kfree_skb_reason from 5.17,
		// sk_skb_reason_drop from 6.11), so a missing one is no error.
		for _, pat := range endFuncs {
			add(pat)
		}
	}
	var out []Candidate
	for _, e := range es {
		if !e.Probeable || e.Copies > 1 {
			continue
		}
		arg := -1
		for _, a := range e.Skb {
			if a.Pointers == 1 {
				arg = a.Index
				break
			}
		}
		if arg < 0 {
			continue
		}
		c := Candidate{Func: e.Name, Module: e.Module, Arg: arg, Reason: -1}
		for i, p := range e.Params {
			if p.Type == "enum skb_drop_reason" {
				c.Reason = i
				break
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no traceable function matching %q takes a struct sk_buff *", orAll(opt.Patterns))
	}
	if opt.Max > 0 && len(out) > opt.Max {
		return nil, fmt.Errorf("%w: %d functions match %q, more than --max %d: narrow them with --funcs GLOB or raise --max", ErrTooMany, len(out), orAll(opt.Patterns), opt.Max)
	}
	return out, nil
}

func orAll(pats []string) string {
	if len(pats) == 0 || len(pats) == 1 && pats[0] == "" {
		return "*"
	}
	return strings.Join(pats, " ")
}

// endFuncs are where an skb's life ends, on the kernels surftrace knows:
// they are attached whatever --funcs selects.
var endFuncs = []string{"kfree_skb", "kfree_skb_reason", "kfree_skb_list_reason", "sk_skb_reason_drop", "__kfree_skb", "kfree_skbmem", "consume_skb"}
