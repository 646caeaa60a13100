// Package btfdwarf answers the compiler's questions about C types — function
// prototypes, struct and union layouts (with anonymous members and
// bitfields), typedefs, arrays, enums — from one of two sources behind one
// interface:
//
//   - BTF (the kernel's /sys/kernel/btf/vmlinux, module split BTF, or a
//     file): see Documentation/bpf/btf.rst for the format;
//   - DWARF (a vmlinux with debug info, a .ko, or any ELF built with -g):
//     DWARF 4/5 via debug/dwarf.
//
// The BTF reader is our own and lazy on purpose: decoding a whole kernel's
// BTF (cilium/ebpf's btf.LoadSpec builds a name index of ~150k types and
// inflates whole type graphs) costs 100+ ms, more than `surftrace -S` may
// take in all. We scan the type headers once (offsets only) and compare
// names on demand, decoding only the types an expression touches.
package btfdwarf
