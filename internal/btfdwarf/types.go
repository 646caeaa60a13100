package btfdwarf

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; each lookup's doc names those it may wrap.
var (
	// ErrNotFound: no type or function of that name.
	ErrNotFound = errors.New("not found")
	// ErrNoPrototype: the function exists but its prototype is unknown
	// (compiler clones have none in BTF).
	ErrNoPrototype = errors.New("no prototype")
	// ErrNotSupported: the source cannot answer this kind of question.
	ErrNotSupported = errors.New("not supported")
)

// Kind classifies a Type after typedefs and qualifiers are stripped.
type Kind uint8

// Kinds of types.
const (
	Void Kind = iota
	Int
	Float
	Pointer
	Array
	Struct
	Union
	Enum
	FuncProto
	Unknown
)

// String names the kind as C does ("struct", "pointer", …).
func (k Kind) String() string {
	return [...]string{"void", "int", "float", "pointer", "array", "struct", "union", "enum", "function", "unknown"}[k]
}

// Type is a C type with typedefs and const/volatile stripped. Name keeps
// the spelling the program used (the outermost typedef, e.g. "__be32"),
// for messages.
type Type struct {
	Kind   Kind
	Name   string // "struct sk_buff", "__be32", "char", "" for anonymous
	Size   int    // bytes; 0 for void and function types
	Signed bool   // Int: signed encoding
	Char   bool   // Int: the C type char (strings are char arrays/pointers)
	Len    int    // Array: element count (0 for flexible arrays)
	// Module names the kernel module that defines a struct, union or
	// enum; "" for vmlinux's and for other sources.
	Module string
	// User marks a pointer into user memory (BTF type tag "user", the
	// kernel's __user): strings behind it are read with ustring.
	User bool

	// Members of a struct or union, in declaration order; anonymous
	// members keep Name "" and are searched through.
	Members []Member
	// Enumerators of an enum.
	Enumerators []Enumerator
	// Params and Ret of a function type; Ret nil means void.
	Params   []Param
	Ret      *Type
	Variadic bool

	elem     *Type
	loadElem func() (*Type, error)
	bitsInt  int // BTF INT narrower than its size (old-style bitfields)
}

// Member is one member of a struct or union.
type Member struct {
	Name      string
	Type      *Type
	BitOffset int // from the start of the enclosing struct
	BitSize   int // 0 unless a bitfield
}

// Enumerator is one named value of an enum.
type Enumerator struct {
	Name  string
	Value int64
}

// Param is one function parameter.
type Param struct {
	Name string
	Type *Type
}

// Elem is the pointee of a pointer or the element of an array. Pointees
// are decoded on first use so a struct full of pointers costs nothing
// until someone dereferences one.
func (t *Type) Elem() (*Type, error) {
	if t.elem == nil && t.loadElem != nil {
		e, err := t.loadElem()
		if err != nil {
			return nil, err
		}
		t.elem, t.loadElem = e, nil
	}
	if t.elem == nil {
		return &Type{Kind: Void, Name: "void"}, nil
	}
	return t.elem, nil
}

// NewPointer returns a pointer to elem of the given size.
func NewPointer(elem *Type, size int) *Type {
	return &Type{Kind: Pointer, Name: pointerTo(elem.String()), Size: size, elem: elem}
}

// NewArray returns an array of n elem (n 0: unknown length).
func NewArray(elem *Type, n int) *Type {
	return &Type{Kind: Array, Len: n, Size: n * elem.Size, elem: elem}
}

// IsComposite reports a struct or union.
func (t *Type) IsComposite() bool { return t.Kind == Struct || t.Kind == Union }

// String spells the type for messages.
func (t *Type) String() string { return t.spell(0) }

// maxSpellDepth bounds the pointers and arrays String follows: a damaged
// type table can make an unnamed pointer or array its own element.
const maxSpellDepth = 64

func (t *Type) spell(depth int) string {
	if t == nil {
		return "void"
	}
	if t.Name != "" {
		return t.Name
	}
	if depth > maxSpellDepth {
		return "…"
	}
	switch t.Kind {
	case Pointer:
		e, err := t.Elem()
		if err != nil {
			return "void *"
		}
		return pointerTo(e.spell(depth + 1))
	case Array:
		e, _ := t.Elem()
		return fmt.Sprintf("%s[%d]", e.spell(depth+1), t.Len)
	case Struct:
		return "struct <anonymous>"
	case Union:
		return "union <anonymous>"
	case Enum:
		return "enum <anonymous>"
	}
	return t.Kind.String()
}

// pointerTo spells a pointer to a type as C does: "char *", "char **".
func pointerTo(elem string) string {
	if strings.HasSuffix(elem, "*") {
		return elem + "*"
	}
	return elem + " *"
}

// Lookup finds member name, searching anonymous members as C does. It
// returns the member with BitOffset relative to t.
func (t *Type) Lookup(name string) (Member, bool) {
	for _, m := range t.Members {
		if m.Name == name {
			return m, true
		}
		if m.Name == "" && m.Type != nil && m.Type.IsComposite() {
			if sub, ok := m.Type.Lookup(name); ok {
				sub.BitOffset += m.BitOffset
				return sub, true
			}
		}
	}
	return Member{}, false
}

// MemberNames lists the names reachable from t (anonymous members
// flattened), for suggestions.
func (t *Type) MemberNames() []string {
	var out []string
	for _, m := range t.Members {
		if m.Name == "" && m.Type != nil && m.Type.IsComposite() {
			out = append(out, m.Type.MemberNames()...)
		} else if m.Name != "" {
			out = append(out, m.Name)
		}
	}
	return out
}

// Func is a function and its prototype.
type Func struct {
	Name  string
	Proto *Type // Kind FuncProto
}

// Signature spells the prototype as C.
func (f *Func) Signature() string {
	var b strings.Builder
	b.WriteString(typePrefix(f.Proto.Ret))
	b.WriteString(f.Name)
	b.WriteByte('(')
	for i, p := range f.Proto.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(typePrefix(p.Type))
		b.WriteString(p.Name)
	}
	if f.Proto.Variadic {
		b.WriteString(", ...")
	}
	if len(f.Proto.Params) == 0 && !f.Proto.Variadic {
		b.WriteString("void")
	}
	b.WriteByte(')')
	return strings.TrimSpace(b.String())
}

func typePrefix(t *Type) string {
	s := t.String()
	if strings.HasSuffix(s, "*") {
		return s
	}
	return s + " "
}

// Source answers type questions. Implementations: *BTF, *DWARF and the
// kernel joins of them (*Kernel, *DWARFKernel).
//
// A Source is not safe for concurrent use: it fills caches (types by name
// and by ID, decoded units, loaded modules) as it answers, without locks,
// since every caller asks from one goroutine. Share one across goroutines
// only behind a lock of the caller's.
type Source interface {
	// Func returns a function's prototype; ErrNotFound, ErrNoPrototype.
	Func(name string) (*Func, error)
	// TypeByName resolves a C type name as written in a cast without its
	// stars: "struct sk_buff", "union bpf_attr", "enum x", "u64",
	// "unsigned int", "char". ErrNotFound.
	TypeByName(name string) (*Type, error)
	// PointerSize is the target's pointer size in bytes.
	PointerSize() int
	// Describe names the source for messages ("BTF " and the file's path).
	Describe() string
}
