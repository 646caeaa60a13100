package expr

import (
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/surftrace/surftrace/internal/probe"
)

// Expr is one parsed expression. All positions are byte offsets into Src.
type Expr struct {
	Src     string
	Kind    probe.Kind
	KindPos int
	Target  Target
	Args    []*Arg
	// Filter is nil when the expression has no " f:" part.
	Filter    *Filter
	FilterSrc string // the text after "f:"
	FilterPos int    // where FilterSrc starts in Src
}

// Target is the probe point: a kernel symbol (with optional MODULE: and
// +OFF), an address, "OBJ:FUNC[+OFF]" for user probes, or SUBSYS/EVENT.
type Target struct {
	Pos       int
	Text      string // as written
	Obj       string // user probes: the object as written
	Module    string // kernel probes: MODULE in MODULE:name
	Symbol    string // function or symbol name, or "SUBSYS/EVENT"
	Offset    uint64
	HasOffset bool
	OffPos    int    // position of the offset text
	Addr      uint64 // kernel probe at a numeric address (Symbol empty)
}

// Arg is `NAME=[FMT][CAST]SOURCE{ACCESS}[:TYPE]` (the :TYPE suffix is ours:
// it overrides the fetch type, e.g. `pfun=%ax:symbol`).
type Arg struct {
	Pos    lexer.Position
	Name   string      `parser:"@Ident '='"`
	Format string      `parser:"@('S'|'U'|'X')?"`
	Packet *PacketCast `parser:"@@?"`
	Cast   *TypeCast   `parser:"@@?"`
	Source *Source     `parser:"@@"`
	Access []*Access   `parser:"@@*"`
	Type   *TypeSuffix `parser:"@@?"`

	// Text is the word as written and Base its position in the
	// expression; node positions are relative to Base.
	Text string `parser:""`
	Base int    `parser:""`
}

// At converts a node position to a byte offset in the expression.
func (a *Arg) At(p lexer.Position) int { return a.Base + p.Offset }

// PacketCast is `@(struct H *)LAYER`: read the packet of an skb.
type PacketCast struct {
	Pos    lexer.Position
	Header string `parser:"'@' '(' 'struct' @Ident '*' ')'"`
	Layer  string `parser:"@('l2'|'l3'|'l4')?"`
}

// TypeCast is `!(CTYPE)`: reinterpret the source as CTYPE. Participle
// sets EndPos to the position just past the ')'.
type TypeCast struct {
	Pos    lexer.Position
	Words  []string       `parser:"'!' '(' @Ident+"`
	Stars  []string       `parser:"@'*'*"`
	EndPos lexer.Position `parser:"')'"`
}

// Source is where the value comes from.
type Source struct {
	Pos lexer.Position
	// Reg is "%0"…"%N" (argument) or "%ax", "%r12"… (raw register).
	Reg *string `parser:"  @Percent"`
	// Var is "$retval", "$comm", "$stack", "$stackN".
	Var *string `parser:"| @Dollar"`
	// Sym is the name or 0xADDR after '@'.
	Sym *string `parser:"| '@' @(Ident | Number)"`
}

// Access is one step of a member chain.
type Access struct {
	Pos   lexer.Position
	Arrow *string `parser:"  '->' @Ident"`
	Dot   *string `parser:"| '.' @Ident"`
	Index *string `parser:"| '[' @Number ']'"`
}

// Member is the member name of an Arrow or Dot access.
func (a *Access) Member() string {
	switch {
	case a.Arrow != nil:
		return *a.Arrow
	case a.Dot != nil:
		return *a.Dot
	}
	return ""
}

// TypeSuffix is `:TYPE`, a kprobe fetch type named explicitly.
type TypeSuffix struct {
	Pos  lexer.Position
	Name string `parser:"':' @Ident"`
}

// Filter is the ftrace filter after "f:".
type Filter struct {
	Or *OrExpr `parser:"@@"`
}

// OrExpr is `A || B || …`.
type OrExpr struct {
	And []*AndExpr `parser:"@@ ( '||' @@ )*"`
}

// AndExpr is `A && B && …`.
type AndExpr struct {
	Terms []*Term `parser:"@@ ( '&&' @@ )*"`
}

// Term is a comparison, a parenthesised filter, or either negated.
type Term struct {
	Pos   lexer.Position
	Not   bool    `parser:"@'!'?"`
	Group *OrExpr `parser:"( '(' @@ ')'"`
	Cmp   *Cmp    `parser:"| @@ )"`
}

// Cmp is `FIELD OP VALUE`.
type Cmp struct {
	Pos   lexer.Position
	Field string `parser:"@Word"`
	Op    string `parser:"@( '==' | '!=' | '<=' | '>=' | '<' | '>' | '~' | '&' )"`
	Value *Value `parser:"@@"`
}

// Value is a filter literal: a quoted string or a bare word (number,
// address, glob).
type Value struct {
	Pos  lexer.Position
	Str  *string `parser:"  @String"`
	Word *string `parser:"| @Word"`
}

// Text is the literal as written (quotes kept for strings).
func (v *Value) Text() string {
	if v.Str != nil {
		return *v.Str
	}
	if v.Word != nil {
		return *v.Word
	}
	return ""
}
