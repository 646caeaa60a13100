// Package inspect answers what a target offers before anything is traced:
// the kernel functions that can be probed with their prototypes, the trace
// events with their fields, the functions of a user program, and the
// layout of a type or where one of its members lies and the fetch-arg
// that reads it. It serves `surftrace list` and `surftrace struct`, for
// people (aligned text) and for scripts (JSON).
package inspect
