package expr

import "github.com/alecthomas/participle/v2/lexer"

// TokenKind is what a token of an argument is.
type TokenKind int

// The token kinds of an argument, as the argument grammar's lexer names
// them.
const (
	TokOther   TokenKind = iota
	TokArrow             // ->
	TokPercent           // %0, %ax
	TokDollar            // $retval
	TokNumber            // 12, 0x1f
	TokIdent             // sk, struct, l3
	TokPunct             // one of = ( ) * [ ] . ! @ :
	TokSpace
)

// Token is one token of an argument: its kind, its text and the byte
// offset where it starts.
type Token struct {
	Kind TokenKind
	Text string
	Pos  int
}

var tokenKinds = func() map[lexer.TokenType]TokenKind {
	names := map[string]TokenKind{"Arrow": TokArrow, "Percent": TokPercent, "Dollar": TokDollar,
		"Number": TokNumber, "Ident": TokIdent, "Punct": TokPunct, "Space": TokSpace}
	out := map[lexer.TokenType]TokenKind{}
	for name, typ := range argLexer.Symbols() {
		if k, ok := names[name]; ok {
			out[typ] = k
		}
	}
	return out
}()

// ArgTokens splits s, an argument's value or the start of one as typed so
// far, into the tokens the argument grammar reads. It stops at the first
// byte the lexer cannot start a token with (a lone '-' of an unfinished
// "->"); end is where it stopped, len(s) when it read all of s.
func ArgTokens(s string) (toks []Token, end int) {
	lx, err := argLexer.LexString("", s)
	if err != nil {
		return nil, 0
	}
	for {
		t, err := lx.Next()
		if err != nil {
			return toks, end
		}
		if t.EOF() {
			return toks, len(s)
		}
		toks = append(toks, Token{Kind: tokenKinds[t.Type], Text: t.Value, Pos: t.Pos.Offset})
		end = t.Pos.Offset + len(t.Value)
	}
}
