// Package vocab is the expression language's vocabulary in one place:
// the probe kinds (p r e P R), the packet headers a @(struct H *) cast
// knows, and the name prefixes (ip_, b16_, mac_ …) with both of their
// conversions. The parser, the compiler, the renderer and shell
// completion all read these tables, so a new prefix or header is one row
// here and nothing else.
package vocab
