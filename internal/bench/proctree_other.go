//go:build !linux

package bench

import "time"

// processTreeCPU is only read on Linux.
func processTreeCPU(int) (time.Duration, bool) { return 0, false }
