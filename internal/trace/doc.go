// Package trace is a live tracing run as a library: compile the
// expressions against the target kernel, arm the probes in a tracefs
// instance of their own, stream trace_pipe through the renderer to an
// io.Writer or, parsed into typed fields, to a callback (Config.Deliver),
// and remove everything on the way out, whatever ends the run (a signal,
// -c, -t, the traced command exiting, the output going away, the callback
// failing). Each expression stays with the definition compiled from it
// ([Probe]), so that a refusal is shown on the expression.
//
// [Do] serves a whole command line ([Request]): expressions from
// arguments and -f files (errors name FILE:LINE), the check for an
// expression the shell split into words, wildcard expansion, then -S or
// [Run]. Run takes a [Config]; errors come back to the caller, the
// process is never ended from here. A kernel that refuses a definition is
// answered with an error pointing at the part of the user's expression it
// came from. The functions of the trace (and graph) commands that need
// tracefs permission checks share [CheckAccess] and [TracefsError].
package trace
