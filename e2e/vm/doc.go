// Package vm boots a kernel under qemu with a busybox initramfs that runs
// shell scenarios, and brings their output back to the host. It is the
// machinery behind `make e2e` and `make demo`: kernel probes need a kernel
// that allows them, which a build machine's may not, so the suite runs them
// for real on stock kernels (package kernels fetches them) in a
// software-emulated machine, x86_64 or arm64.
//
// The guest writes everything the host reads to a second console port
// (ttyS1 on x86_64, a virtio console on arm64), between markers (see
// [ParseResults]); the first serial port carries the kernel console, kept in
// a file for post-mortems.
package vm
