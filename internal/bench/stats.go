package bench

import (
	"slices"
	"time"
)

// Latencies are percentiles of a set of durations.
type Latencies struct {
	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

// summarize returns the percentiles of ds (nearest rank).
func summarize(ds []time.Duration) Latencies {
	if len(ds) == 0 {
		return Latencies{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return Latencies{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: s[len(s)-1]}
}
