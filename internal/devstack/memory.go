package devstack

import (
	"os"
	"runtime/debug"
)

// MemoryLimit is the soft limit of the Go runtime's memory that `dossier
// dev` and the benchmarks run under unless GOMEMLIMIT sets another. The
// whole stack lives in one process: the worker's cache of open cases,
// Temporal's cache of their state and the rest keep about 300 MB live
// with 5,000 cases waiting, and by default Go lets its heap grow to twice
// what it keeps live before it collects. Near the limit the collector
// runs more often instead, which costs CPU only when the live heap comes
// close to it. SQLite's memory is outside the Go runtime, not counted.
const MemoryLimit = 640 << 20

// LimitMemory sets the process's soft memory limit to MemoryLimit unless
// GOMEMLIMIT is set, and returns the limit in effect.
func LimitMemory() int64 {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
	return debug.SetMemoryLimit(-1)
}
