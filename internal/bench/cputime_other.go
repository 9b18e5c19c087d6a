//go:build !unix

package bench

import "time"

// cpuTime is not measured on this system: the caller falls back to
// elapsed time.
func cpuTime() (time.Duration, bool) { return 0, false }
