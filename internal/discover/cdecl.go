package discover

import (
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// Decl spells a declaration of name with type t as C writes it:
// "char comm[16]", "struct sock *sk", "void (*destructor)(struct sk_buff *)".
// An empty name gives the abstract type ("struct sock *").
func Decl(t *btfdwarf.Type, name string) string {
	return strings.TrimSpace(decl(t, name, 0))
}

// decl builds the declarator inside out: arrays and functions bind
// tighter than '*', so a pointer to either needs parentheses.
func decl(t *btfdwarf.Type, inner string, depth int) string {
	if t == nil {
		return join("void", inner)
	}
	if depth > 8 || t.Name != "" && t.Kind != btfdwarf.Pointer && t.Kind != btfdwarf.Array {
		return join(t.String(), inner)
	}
	switch t.Kind {
	case btfdwarf.Pointer:
		if t.Name != "" {
			// A typedef'd pointer keeps its name.
			return join(t.Name, inner)
		}
		e, err := t.Elem()
		if err != nil {
			return join("void *", inner)
		}
		if e.Kind == btfdwarf.Array || e.Kind == btfdwarf.FuncProto {
			return decl(e, "(*"+inner+")", depth+1)
		}
		return decl(e, "*"+inner, depth+1)
	case btfdwarf.Array:
		e, _ := t.Elem()
		n := ""
		if t.Len > 0 {
			n = strconv.Itoa(t.Len)
		}
		return decl(e, inner+"["+n+"]", depth+1)
	case btfdwarf.FuncProto:
		var ps []string
		for _, p := range t.Params {
			ps = append(ps, Decl(p.Type, p.Name))
		}
		if t.Variadic {
			ps = append(ps, "...")
		}
		if len(ps) == 0 {
			ps = []string{"void"}
		}
		return decl(t.Ret, inner+"("+strings.Join(ps, ", ")+")", depth+1)
	}
	return join(t.String(), inner)
}

// join puts a type and a declarator together: "int" "x" → "int x", but
// "struct sock" "*sk" → "struct sock *sk".
func join(typ, inner string) string {
	if inner == "" {
		return typ
	}
	if strings.HasSuffix(typ, "*") || inner[0] == '[' {
		return typ + inner
	}
	return typ + " " + inner
}

// Signature spells a function's prototype; unlike Func.Signature it keeps
// function pointer parameters and arrays in C's declarator syntax.
func Signature(f *btfdwarf.Func) string {
	var ps []string
	for _, p := range f.Proto.Params {
		ps = append(ps, Decl(p.Type, p.Name))
	}
	if f.Proto.Variadic {
		ps = append(ps, "...")
	}
	if len(ps) == 0 {
		ps = []string{"void"}
	}
	return Decl(f.Proto.Ret, f.Name+"("+strings.Join(ps, ", ")+")")
}
