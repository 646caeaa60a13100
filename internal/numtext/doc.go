// Package numtext reads and writes numbers as the kernel prints them in
// trace_pipe (decimal, negative decimal, 0x-hex, "{0x1,0x2}" arrays)
// without allocating: the renderer runs it on every value of every line,
// and the expression vocabulary's conversions are built on it.
package numtext
