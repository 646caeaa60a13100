package expr

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The ARG lexer. Multi-character operators come before single
// characters; "%…" and "$…" are whole tokens so "l3%2" lexes as "l3" "%2".
var argLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Arrow", Pattern: `->`},
	{Name: "Percent", Pattern: `%[A-Za-z0-9_]+`},
	{Name: "Dollar", Pattern: `\$[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Number", Pattern: `0[xX][0-9a-fA-F]+|[0-9]+`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Punct", Pattern: `[=()*\[\].!@:]`},
	{Name: "Space", Pattern: `[ \t]+`},
})

// The filter lexer: ftrace's filter language.
var filterLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "String", Pattern: `"(\\.|[^"\\])*"|'(\\.|[^'\\])*'`},
	{Name: "Op", Pattern: `&&|\|\||==|!=|<=|>=|[<>~&!()]`},
	{Name: "Word", Pattern: `[^\s()&|!=<>~"']+`},
	{Name: "Space", Pattern: `\s+`},
})

var (
	argParser = participle.MustBuild[Arg](
		participle.Lexer(argLexer),
		participle.Elide("Space"),
		participle.UseLookahead(3),
	)
	filterParser = participle.MustBuild[Filter](
		participle.Lexer(filterLexer),
		participle.Elide("Space"),
		participle.UseLookahead(2),
	)
)

// Grammar returns the EBNF of the ARG and filter grammars, kept as a
// snapshot in tests so grammar changes show up in review.
func Grammar() string {
	return "ARG:\n" + argParser.String() + "\n\nFILTER:\n" + filterParser.String() + "\n"
}
