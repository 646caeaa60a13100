// Package vm boots a kernel under qemu with a busybox initramfs that runs
// shell scenarios, and brings their output back to the host. It is the
// machinery behind `make e2e` and `make demo`: kernel probes cannot be tested
// on the development hosts (their kernel has no kprobes), so the suite runs
// them for real on a stock kernel in a software-emulated machine.
//
// The guest writes everything the host reads to its second serial port,
// between markers (see [ParseResults]); the first serial port carries the
// kernel console, kept in a file for post-mortems.
package vm
