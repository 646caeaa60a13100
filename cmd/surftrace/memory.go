package main

import "runtime/debug"

// releaseMemory gives the memory of the compile phase back to the kernel
// once a run is armed. The type data (BTF, DWARF, symbol tables) is
// garbage by then, but the Go runtime returns freed pages only slowly:
// without this a run streaming for hours keeps tens of MB resident, and
// ten runs in a small VM meet the OOM killer.
func releaseMemory() {
	debug.FreeOSMemory()
}
