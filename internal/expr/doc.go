// Package expr parses surftrace expressions and their filters into an
// AST that keeps byte positions for diagnostics.
//
// An expression is `TYPE SYMBOL { ARG } [ f:FILTER ]`. The top level is
// split by hand (words separated by spaces outside parentheses, the filter
// after the first " f:" outside parentheses and quotes) because that is how
// the original tool reads a line; each ARG and the filter are then parsed
// with participle grammars whose structs are the AST. Checking the AST
// against kernel types is the compiler's job (internal/compile), not this
// package's.
package expr
