package compile

import (
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// fetchForms are the fetch-arg forms the compiler may emit that not every
// kernel has, with the tracefs README's spelling of each.
var fetchForms = []struct {
	token, readme string
	has           func(c *compiler) bool
}{
	{"$arg", "$arg<N>", func(c *compiler) bool { return c.cfg.features().ArgN }},
	{"$stack", "$stack<index>", func(c *compiler) bool { return c.cfg.features().StackN }},
	{"$comm", "$comm", func(c *compiler) bool { return c.cfg.features().Comm }},
	{"$retval", "$retval", func(c *compiler) bool { return c.cfg.features().Retval }},
}

// checkFeatures refuses a fetch argument that uses a form or a type the
// target kernel's tracefs README does not list: the kernel would refuse
// the whole definition with a bare "Invalid argument".
func (c *compiler) checkFeatures(a *expr.Arg, out *probe.Arg) error {
	f := c.cfg.features()
	for _, ff := range fetchForms {
		if strings.Contains(out.Fetch, ff.token) && !ff.has(c) {
			return c.errf(a.Base, len(a.Text), ErrArgument, "this kernel has no %s fetch argument (%s does not list it), which %s needs", ff.readme, f.Source, a.Name)
		}
	}
	if strings.Contains(out.Fetch, "@") && !strings.Contains(out.Fetch, "@0x") && !f.Symbol {
		return c.errf(a.Base, len(a.Text), ErrArgument, "this kernel cannot read @SYMBOL (%s does not list @<symbol>)", f.Source)
	}
	if out.Type == "" || f.HasType(out.Type) {
		return nil
	}
	what := "the fetch type " + out.Type
	switch {
	case strings.HasSuffix(out.Type, "]"):
		what = "array fetch types (" + out.Type + ")"
	case strings.Contains(out.Type, "@"):
		what = "bitfield fetch types (" + out.Type + ")"
	}
	var types []string
	for t := range f.Types {
		types = append(types, t)
	}
	sort.Strings(types)
	pos, n := a.Base, len(a.Text)
	if a.Type != nil {
		pos, n = a.At(a.Type.Pos), len(a.Type.Name)+1
	}
	return c.errf(pos, n, ErrType, "this kernel does not support %s: %s does not list it", what, f.Source).
		WithHint("its types: " + strings.Join(types, ", "))
}
