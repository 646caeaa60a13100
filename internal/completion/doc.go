// Package completion completes surftrace command lines in the shells:
// the `completion SHELL` command that prints the scripts, the hidden
// `__complete_line` they call with the raw line (so that a quoted
// expression with spaces completes as one word), and the cobra
// completion functions of the root command and its subcommands.
//
// Candidates come from the kernel the command line names (--btf,
// --kallsyms, -v, -a) or else the one $SURFTRACE_BTF and
// $SURFTRACE_KALLSYMS name, or the running kernel; each part of it is
// read only when a word needs it.
package completion
