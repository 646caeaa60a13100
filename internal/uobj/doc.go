// Package uobj finds and reads the user-space ELF objects that `P OBJ:FUNC`
// and `R OBJ:FUNC` probe: it resolves OBJ to a file, finds a
// function's symbol, and turns its virtual address into the file offset that
// uprobe_events takes (Documentation/trace/uprobetracer.rst in the kernel
// tree: "p[:[GRP/]EVENT] PATH:OFFSET").
//
// OBJ may be a path, a program on $PATH, or a library name looked up in the
// dynamic linker's cache (/etc/ld.so.cache, read directly; see ParseLDCache).
// Symbols come from .symtab, else .dynsym; debug information from the object
// itself or its separate debug file (see Object.DebugFile).
package uobj

import "errors"

// Sentinel errors; the functions that may wrap each say so.
var (
	// ErrNotFound: no object of that name, or no function of that name in it.
	ErrNotFound = errors.New("not found")
	// ErrIFUNC: the function is a GNU indirect function; a uprobe on its
	// symbol would only see the resolver that picks the implementation.
	ErrIFUNC = errors.New("indirect function (IFUNC)")
	// ErrAmbiguous: several different functions carry the name.
	ErrAmbiguous = errors.New("ambiguous function name")
	// ErrOutOfRange: an offset past the end of the function.
	ErrOutOfRange = errors.New("offset out of range")
	// ErrNoDebugInfo: neither the object nor a separate debug file has DWARF.
	ErrNoDebugInfo = errors.New("no debug info")
	// ErrNotMapped: an address that no PT_LOAD segment of the file backs.
	ErrNotMapped = errors.New("address not in a loadable segment")
	// ErrBadCache: a dynamic linker cache that does not parse.
	ErrBadCache = errors.New("malformed ld.so.cache")
	// ErrNotRegular: the object is a FIFO, a device, a socket or a
	// directory. Reading a FIFO waits for a writer and a device may never
	// end; a uprobe attaches to a file on disk anyway.
	ErrNotRegular = errors.New("not a regular file")
)
