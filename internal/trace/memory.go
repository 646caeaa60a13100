package trace

import (
	"os"
	"runtime/debug"
)

// liveGCPercent is the heap growth a live run lets the garbage collector
// allow (Go's default is 100). Loading DWARF or BTF makes much short-lived
// garbage: at 50 the peak RSS of a libc uprobe run drops from about 60 MB
// to 48 MB for some 20 ms more CPU, and many concurrent runs in a small VM
// need the memory more than the time. -S keeps the default: its speed is
// what counts there.
const liveGCPercent = 50

// lowerPeak sets liveGCPercent unless the user chose through GOGC.
func lowerPeak() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(liveGCPercent)
	}
}

// releaseMemory gives the memory of the compile phase back to the kernel
// once a run is armed. The type data (BTF, DWARF, symbol tables) is
// garbage by then, but the Go runtime returns freed pages only slowly:
// without this a run streaming for hours keeps tens of MB resident, and
// ten runs in a small VM meet the OOM killer.
func releaseMemory() {
	debug.FreeOSMemory()
}
