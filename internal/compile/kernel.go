package compile

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/suggest"
)

// KernelSymbols is where the target kernel's symbol facts come from:
// internal/kernel implements it for the running kernel and for a saved
// one. Each list is read at most once, when first needed.
type KernelSymbols interface {
	// Kallsyms reads the symbol table (the running kernel's or a saved
	// one).
	Kallsyms() (*ksyms.Table, error)
	// Blacklist reads the kprobes blacklist; an error means unknown.
	Blacklist() (*ksyms.Blacklist, error)
	// Traceable reads available_filter_functions; nil or an error means
	// unknown.
	Traceable() (map[string]bool, error)
	// NotraceOK reports whether the kernel has
	// CONFIG_KPROBE_EVENTS_ON_NOTRACE: then kprobe_events also takes
	// functions ftrace cannot trace. Asked only when it matters.
	NotraceOK() bool
	// CheckOffset verifies that func+off is an instruction boundary
	// (needs the code bytes); nil when it is, or cannot be told.
	CheckOffset(sym ksyms.Symbol, off uint64) error
}

// Kernel answers symbol questions about the target kernel. Its tables are
// loaded on first use: reading /proc/kallsyms alone costs ~60 ms, more
// than `surftrace -S` may take, and most expressions name a function that
// BTF already vouches for.
type Kernel struct {
	// Src reads the kernel's lists; nil: no symbol table is known.
	Src KernelSymbols
	// Eager consults kallsyms for every function (live runs), so that
	// duplicates and blacklisted functions are refused before anything is
	// written; -S leaves it off to stay fast.
	Eager bool

	symsOnce, blOnce, trOnce sync.Once
	symsDone                 atomic.Bool
	syms                     *ksyms.Table
	symsErr                  error
	bl                       *ksyms.Blacklist
	tr                       map[string]bool
}

func (k *Kernel) table() (*ksyms.Table, error) {
	k.symsOnce.Do(func() {
		if k.Src == nil {
			k.symsErr = fmt.Errorf("no kernel symbol table")
			return
		}
		k.syms, k.symsErr = k.Src.Kallsyms()
	})
	k.symsDone.Store(true)
	return k.syms, k.symsErr
}

func (k *Kernel) blacklist() *ksyms.Blacklist {
	k.blOnce.Do(func() {
		if k.Src != nil {
			k.bl, _ = k.Src.Blacklist()
		}
	})
	return k.bl
}

func (k *Kernel) traceable() map[string]bool {
	k.trOnce.Do(func() {
		if k.Src != nil {
			k.tr, _ = k.Src.Traceable()
		}
	})
	return k.tr
}

// loaded reports whether kallsyms has been read already (so a check can
// use it for free).
func (k *Kernel) loaded() bool { return k.symsDone.Load() }

// Symbols returns the loaded table (loading it), for callers such as
// completion and listing.
func (k *Kernel) Symbols() (*ksyms.Table, error) { return k.table() }

// resolved is a kernel probe point after symbol checks.
type resolved struct {
	name  string // as written to kprobe_events (may be a clone's name)
	sym   *ksyms.Symbol
	clone bool
}

// resolve checks that name (in module, if given) can carry a kprobe.
// btfKnows says the type source has a prototype for it.
func (c *compiler) resolveKernel(name, module string, hasOff bool, btfKnows bool) (*resolved, error) {
	t := c.e.Target
	k := c.cfg.Kernel
	full := name
	if module != "" {
		full = module + ":" + name
	}
	if k == nil {
		return &resolved{name: full}, nil
	}
	if btfKnows && !k.Eager && !hasOff && module == "" {
		if err := c.checkTraceable(name, name); err != nil {
			return nil, err
		}
		return &resolved{name: name}, nil
	}
	tab, err := k.table()
	if err != nil {
		if btfKnows {
			return &resolved{name: full}, nil
		}
		return nil, c.errf(t.Pos, len(t.Text), ErrUnknownFunction, "cannot check %s: %v", name, err).
			WithHint("run as root so /proc/kallsyms shows addresses, or give --kallsyms FILE")
	}
	var matches []ksyms.Symbol
	for _, s := range tab.Lookup(full) {
		if s.IsText() {
			matches = append(matches, s)
		}
	}
	r := &resolved{name: full}
	if len(matches) == 0 {
		var clones []ksyms.Symbol
		for _, s := range tab.Clones(name) {
			if module == "" || s.Module == module {
				clones = append(clones, s)
			}
		}
		switch len(clones) {
		case 0:
			var names []string
			tab.Names(func(s ksyms.Symbol) { names = append(names, s.Name) })
			return nil, c.errf(t.Pos, len(name), ErrUnknownFunction, "no kernel function %q", name).
				WithHint(suggest.DidYouMean(suggest.Closest(name, names, 4)))
		case 1:
			matches = clones
			r.clone = true
			r.name = clones[0].Name
			if module != "" {
				r.name = module + ":" + r.name
			}
		default:
			return nil, c.errf(t.Pos, len(name), ErrAmbiguous, "%s exists only as %d compiler clones", name, len(clones)).
				WithHint("name one: " + symList(clones))
		}
	}
	if len(matches) > 1 {
		return nil, c.errf(t.Pos, len(name), ErrAmbiguous, "%d kernel functions are named %s", len(matches), name).
			WithHint("name one as MODULE:name or by address: " + symList(matches))
	}
	s := matches[0]
	r.sym = &s
	if bl, ok := k.blacklist().Contains(s.Addr); ok {
		return nil, c.errf(t.Pos, len(t.Text), ErrNotProbeable, "%s is in the kprobes blacklist (%s): the kernel refuses probes there", r.name, bl)
	}
	if err := c.checkTraceable(name, strings.TrimPrefix(r.name, module+":")); err != nil {
		return nil, err
	}
	if hasOff {
		start, end := tab.Bounds(s)
		if end > start && t.Offset >= end-start {
			return nil, c.errf(t.OffPos, len(t.Text)-(t.OffPos-t.Pos), ErrNotProbeable,
				"offset %d is past the end of %s (%d bytes)", t.Offset, r.name, end-start).
				WithHint("use -F " + r.name + " to list its instruction offsets")
		}
		if k.Src != nil {
			if err := k.Src.CheckOffset(s, t.Offset); err != nil {
				return nil, c.errf(t.OffPos, len(t.Text)-(t.OffPos-t.Pos), ErrNotProbeable, "%v", err).
					WithHint("use -F " + r.name + " to list its instruction offsets")
			}
		}
	}
	return r, nil
}

// checkTraceable refuses functions kprobe_events will refuse: without
// CONFIG_KPROBE_EVENTS_ON_NOTRACE the kernel only takes functions ftrace
// can trace (available_filter_functions). On the Debian 6.1 test kernel
// dev_queue_xmit is such a case: an out-of-line copy of an inline.
func (c *compiler) checkTraceable(asWritten, name string) error {
	k := c.cfg.Kernel
	tr := k.traceable()
	if tr == nil || tr[name] || k.Src.NotraceOK() {
		return nil
	}
	t := c.e.Target
	var alts []string
	for n := range tr {
		if n != name && strings.Contains(n, asWritten) && !strings.Contains(n, ".") {
			alts = append(alts, n)
		}
	}
	sort.Slice(alts, func(i, j int) bool {
		if len(alts[i]) != len(alts[j]) {
			return len(alts[i]) < len(alts[j])
		}
		return alts[i] < alts[j]
	})
	if len(alts) > 3 {
		alts = alts[:3]
	}
	hint := "kprobe_events takes only functions listed in available_filter_functions on this kernel (CONFIG_KPROBE_EVENTS_ON_NOTRACE is off)"
	if len(alts) > 0 {
		hint = "probe " + strings.Join(alts, " or ") + " instead; " + hint
	}
	return c.errf(t.Pos, len(asWritten), ErrNotProbeable,
		"%s cannot be probed: ftrace cannot trace it (notrace, or an out-of-line copy of an inline function)", name).WithHint(hint)
}

func symList(ss []ksyms.Symbol) string {
	var b []string
	for i, s := range ss {
		if i == 6 {
			b = append(b, "…")
			break
		}
		b = append(b, fmt.Sprintf("%s@0x%x", s.String(), s.Addr))
	}
	return strings.Join(b, ", ")
}
