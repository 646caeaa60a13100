// Package btfdwarf answers the compiler's questions about C types — function
// prototypes, struct and union layouts (with anonymous members and
// bitfields), typedefs, arrays, enums — from one of two sources behind one
// interface:
//
//   - BTF (the running kernel's vmlinux BTF, module split BTF, or a
//     file): see Documentation/bpf/btf.rst for the format;
//   - DWARF (a vmlinux with debug info, a .ko, or any ELF built with -g):
//     DWARF 4/5 via debug/dwarf.
//
// BTF files come raw, gzip, xz, or as the .tar.xz BTFHub publishes (one
// RELEASE.btf inside); each is checked for its type and size before it is
// read, so a device, a FIFO or a huge sparse file is refused at once.
//
// Kernel joins vmlinux's BTF with the split BTF of its modules
// (the running kernel's, a saved copy of it, or a MODULE.ko's .BTF
// section), whose type IDs and strings continue vmlinux's. A function is
// looked up in vmlinux, then in the modules; one found only in a module
// that is not loaded is an error naming the module. When vmlinux and a
// module, or two modules, define a type of the same name, a probe's casts
// take the one of the function's module (Kernel.ForFunc); without a
// function, vmlinux's wins, then the modules' in name order.
//
// A type name that several types share resolves by kind, as C spells
// it: "struct X", "union X" and "enum X" find only that kind; a bare name
// finds a typedef or base type, and only when there is none a struct or
// union ("iphdr" for "struct iphdr"). Among types of the kind asked for,
// the first complete definition wins, a split BTF's own before its
// base's, each in type-ID order; an empty forward declaration loses to it.
//
// No Source is safe for concurrent use (see Source).
//
// DWARF of a plainly stored ELF (a debug vmlinux) is read compile unit
// by compile unit from the mapped file: a function's unit through the
// symbol table and .debug_aranges, a type by name in the function's unit
// first, then in the units whose bytes mention the name (a struct only
// declared in one unit is defined in another), and DW_FORM_ref_addr
// across units through a reader of the whole file. Where each name was
// found is cached (DefaultCacheDir, keyed by build-id, size and mtime), so
// a second run decodes only those entries. DWARFKernel adds the modules'
// debug .ko files, with Kernel's rules.
//
// The BTF reader is our own and lazy on purpose: decoding a whole kernel's
// BTF (cilium/ebpf's btf.LoadSpec builds a name index of ~150k types and
// inflates whole type graphs) costs 100+ ms, more than `surftrace -S` may
// take in all. We scan the type headers once (offsets only) and compare
// names on demand, decoding only the types an expression touches.
package btfdwarf
