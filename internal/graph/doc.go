// Package graph turns the kernel's function_graph tracer output into call
// trees and draws them: as indented text, as a walk of calls, or as SVG
// flame graphs written without any dependency.
//
// The input is the text of tracefs `trace` or `trace_pipe` with
// current_tracer=function_graph (Documentation/trace/ftrace.rst, section
// "function graph tracer"): one line per function entry (`f() {`), exit
// (`}` with the inclusive duration) or leaf call (`f();`), with optional
// columns for the absolute time (funcgraph-abstime), the CPU (funcgraph-cpu),
// the task (funcgraph-proc) and the duration's overhead mark
// (`+ ! # * @ $`). [ParseLine] reads one line; a [Builder] keeps a stack per
// task (or per CPU when the task is unknown) and hands over one [Call] for
// every completed call of the traced function. [Run] drives the tracer live.
//
// The kernel's indentation is its call depth, so the builder uses it to
// resynchronise after lost events or calls that started before tracing.
package graph
