package compile

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// MemberPath compiles the read of a member of t (a struct or union, or a
// typedef of one) reached from a pointer to t in the first argument
// register: what the argument !(T *)%REG->path compiles to, with path a
// chain of ->member, .member and [index] steps (the first one an arrow).
// It returns that argument as a user writes it and its fetch-arg; errors
// are the compiler's *expr.Error, placed in the argument.
func MemberPath(types btfdwarf.Source, t *btfdwarf.Type, path []*expr.Access, arch *Arch) (arg, fetch string, err error) {
	if arch == nil {
		arch = archX86_64
	}
	const name = "v"
	reg := "%" + arch.KernelArgs[0]
	var b strings.Builder
	b.WriteString(name + "=!(")
	tname := t.String()
	words := strings.Fields(tname)
	b.WriteString(tname)
	b.WriteString(" *")
	endPos := b.Len()
	b.WriteString(")")
	srcPos := b.Len()
	b.WriteString(reg)
	for _, acc := range path {
		acc.Pos = lexer.Position{Offset: b.Len()}
		switch {
		case acc.Arrow != nil:
			b.WriteString("->" + *acc.Arrow)
		case acc.Dot != nil:
			b.WriteString("." + *acc.Dot)
		case acc.Index != nil:
			b.WriteString("[" + *acc.Index + "]")
		}
	}
	text := b.String()
	a := &expr.Arg{
		Name:   name,
		Cast:   &expr.TypeCast{Pos: lexer.Position{Offset: len(name) + 1}, Words: words, Stars: []string{"*"}, EndPos: lexer.Position{Offset: endPos + 1}},
		Source: &expr.Source{Pos: lexer.Position{Offset: srcPos}, Reg: &reg},
		Access: path,
		Text:   text,
	}
	cfg := &Config{Arch: arch, Types: types}
	c := &compiler{e: &expr.Expr{Src: text, Kind: probe.Kprobe, Args: []*expr.Arg{a}}, cfg: cfg, arch: arch, types: types}
	out, err := c.arg(a)
	if err != nil {
		return text[len(name)+1:], "", err
	}
	return text[len(name)+1:], out.Fetch, nil
}
