package graph

import "errors"

// Errors callers may branch on; the messages returned wrap them with context.
var (
	// ErrNoFunctionGraph: the kernel has no function_graph tracer.
	ErrNoFunctionGraph = errors.New("this kernel has no function_graph tracer (it was built without CONFIG_FUNCTION_GRAPH_TRACER)")
	// ErrNotTraceable: the function is not in available_filter_functions.
	ErrNotTraceable = errors.New("not a function ftrace can trace")
	// ErrTracerBusy: the tracer function_graph needs is already in use.
	ErrTracerBusy = errors.New("the tracer is in use")
	// ErrBadMode: an output mode other than svg, tree, walk or raw.
	ErrBadMode = errors.New("unknown output mode")
	// ErrNoFunction: no function was named to trace.
	ErrNoFunction = errors.New("no function to graph")
)
