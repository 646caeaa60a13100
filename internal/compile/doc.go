// Package compile turns a parsed expression (internal/expr) and the types
// of its target (internal/btfdwarf) into a probe definition
// (internal/probe): the kprobe_events/uprobe_events line with its fetch
// arguments, the filter with prefixed literals converted, and what the
// renderer needs to show each value.
//
// It touches no kernel: symbol tables, type sources and event formats come
// in through Config, so the whole step is testable against a saved kernel's
// BTF and kallsyms. The fetch-argument syntax is the kernel's
// (Documentation/trace/kprobetrace.rst, "Types" and "Fetch arguments").
package compile
