// Package discover answers "what can I probe, and what does it take?"
// from the same information the compiler uses: the kernel's list of
// traceable functions (available_filter_functions), its trace events,
// function prototypes and struct layouts from a btfdwarf.Source, and a
// user object's symbols and DWARF.
//
// Everything here is a pure function of those inputs, so the listing,
// struct layout, sk_buff candidates and shell completion logic are tested
// against the bundled kernel's files without a kernel; cmd/surftrace
// gathers the inputs (live from tracefs, or from saved files) and prints.
package discover
