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
//
// A value is fetched with the signedness and width of its C type, so the
// kernel prints it and compares it in filters as C would. Kernels differ
// in what kprobe_events takes; the target's tracefs README (ftrace.Features)
// says which forms and types exist, and nothing it does not list is
// emitted: a return probe reads an argument as $arg<N> where the README
// lists that, and refuses it elsewhere rather than read a clobbered
// register. The kernel's fixed limits (128 arguments, 16 fetch
// instructions per argument) are checked too, and so is every byte that
// reaches a definition line.
package compile
