package compile

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/suggest"
)

// target resolves the probe point and, where one can be trusted, the
// function's prototype.
func (c *compiler) target(d *probe.Def) error {
	t := c.e.Target
	c.retprob = d.Kind.IsReturn()
	c.inside = t.HasOffset && t.Offset != 0
	if c.retprob && t.HasOffset && t.Offset != 0 {
		return c.errf(t.OffPos, len(t.Text)-(t.OffPos-t.Pos), ErrNotProbeable, "a return probe takes no offset").
			WithHint("return probes fire when the function returns; use p for a probe inside it")
	}
	if d.Kind.IsUser() {
		return c.userTarget(d)
	}
	if t.Addr != 0 {
		d.Target = fmt.Sprintf("0x%x", t.Addr)
		c.noProtoWhy = "a probe at an address has no prototype"
		return nil
	}
	c.types = c.cfg.Types
	var fn *btfdwarf.Func
	var ferr error = errors.New("no type source")
	if m, ok := c.types.(interface {
		FuncIn(module, name string) (*btfdwarf.Func, error)
	}); ok && t.Module != "" {
		// MODULE:name: that module's function, not vmlinux's namesake.
		fn, ferr = m.FuncIn(t.Module, t.Symbol)
	} else if c.types != nil {
		fn, ferr = c.types.Func(t.Symbol)
	}
	if errors.Is(ferr, btfdwarf.ErrModuleNotLoaded) {
		width := len(t.Symbol)
		if t.Module != "" {
			width += len(t.Module) + 1
		}
		return c.errf(t.Pos, width, ErrUnknownFunction, "%v", ferr)
	}
	if m, ok := c.types.(interface{ ForFunc(string) btfdwarf.Source }); ok && ferr == nil {
		// Casts resolve in the function's module first.
		c.types = m.ForFunc(t.Symbol)
	}
	r, err := c.resolveKernel(t.Symbol, t.Module, t.HasOffset, ferr == nil)
	if err != nil {
		return err
	}
	d.Target = r.name
	if t.HasOffset {
		d.Target += fmt.Sprintf("+%d", t.Offset)
	}
	switch {
	case r.clone:
		c.noProtoWhy = fmt.Sprintf("%s exists on this kernel only as the compiler's copy %s, whose parameters may be dropped or reordered; no prototype describes it, so %%N are plain u64",
			t.Symbol, strings.TrimPrefix(r.name, t.Module+":"))
		c.altHint = c.cloneAlternatives(t.Symbol)
	case c.inside:
		c.noProtoWhy = "inside a function (+OFF) registers hold anything, so %N are plain u64"
	case ferr != nil:
		switch {
		case c.types == nil:
			c.noProtoWhy = "no kernel types are loaded"
		case r.sym != nil && r.sym.Module != "":
			// A module function without module BTF (5.10, or a kernel
			// without CONFIG_DEBUG_INFO_BTF_MODULES): say where the types
			// would have been, not that vmlinux lacks them.
			c.noProtoWhy = fmt.Sprintf("%s is in module %s, which has no BTF on this kernel (no /sys/kernel/btf/%s: built without CONFIG_DEBUG_INFO_BTF_MODULES), so %%N are plain u64; -v with the module's debug .ko gives its types",
				t.Symbol, r.sym.Module, r.sym.Module)
		default:
			c.noProtoWhy = fmt.Sprintf("%s has no prototype in %s", t.Symbol, c.types.Describe())
		}
	default:
		c.fn = fn
	}
	return nil
}

func (c *compiler) userTarget(d *probe.Def) error {
	t := c.e.Target
	c.user = true
	if c.cfg.User == nil {
		return c.errf(t.Pos, len(t.Text), ErrUnknownFunction, "user probes are not available here")
	}
	ut, err := c.cfg.User.ResolveUser(t.Obj, t.Symbol, t.Offset, t.HasOffset)
	if err != nil {
		return c.errf(t.Pos, len(t.Text), ErrUnknownFunction, "%v", err)
	}
	d.Target = fmt.Sprintf("%s:0x%x", ut.Path, ut.Offset)
	c.types = ut.Types
	switch {
	case c.inside:
		c.noProtoWhy = "inside a function (+OFF) registers hold anything, so %N are plain u64"
	case ut.Func == nil:
		c.noProtoWhy = fmt.Sprintf("%s has no debug info for %s, so %%N are plain u64", ut.Path, t.Symbol)
	default:
		c.fn = ut.Func
	}
	return nil
}

// cloneAlternatives names probeable functions close to a clone's name
// that have a prototype, e.g. __netif_receive_skb_one_core for
// __netif_receive_skb_core on the Debian 6.1 kernel.
func (c *compiler) cloneAlternatives(base string) string {
	k := c.cfg.Kernel
	if k == nil || c.types == nil {
		return ""
	}
	var names []string
	if tr := k.traceable(); tr != nil {
		for n := range tr {
			names = append(names, n)
		}
	} else if tab, err := k.table(); err == nil {
		tab.Names(func(s ksyms.Symbol) { names = append(names, s.Name) })
	}
	prefix := base[:max(len(base)/2, 1)]
	type cand struct {
		n string
		d int
	}
	var cs []cand
	for _, n := range names {
		if n == base || strings.Contains(n, ".") || !strings.HasPrefix(strings.TrimLeft(n, "_"), strings.TrimLeft(prefix, "_")) {
			continue
		}
		if d := suggest.Distance(base, n); d <= 6 {
			cs = append(cs, cand{n, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].n < cs[j].n
	})
	var out []string
	for _, x := range cs {
		if f, err := c.types.Func(x.n); err == nil {
			out = append(out, f.Signature())
			if len(out) == 2 {
				break
			}
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "a function with a prototype: " + strings.Join(out, "; ")
}
