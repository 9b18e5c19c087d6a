package cases

import (
	"context"
	"sync"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// countsTTL is how long inbox counts are reused as they are, at least:
// they are indicative, and each costs a dozen visibility counts over the
// inbox's whole backlog, on the one connection Temporal's SQLite store
// has; counts that took longer to count are kept countsCostFactor times
// as long as they took, so that counting holds the store a tenth of the
// time at most. Counts up to countsStale old are still shown while they
// are counted again in the background, so that no read waits for them
// but the first.
const (
	countsTTL        = 10 * time.Second
	countsCostFactor = 10
	countsStale      = 10 * time.Minute
)

type cached[V any] struct {
	value V
	at    time.Time
	cost  time.Duration // how long value took to compute
}

// ttlCache keeps values by key for a while.
type ttlCache[V any] struct {
	mu         sync.Mutex
	entries    map[string]cached[V]
	refreshing map[string]bool
}

// refresh reports whether the caller is to compute key again in the
// background: no other caller is; done tells it is over.
func (c *ttlCache[V]) refresh(key string) (ok bool, done func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refreshing[key] {
		return false, nil
	}
	if c.refreshing == nil {
		c.refreshing = map[string]bool{}
	}
	c.refreshing[key] = true
	return true, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.refreshing, key)
	}
}

// get returns the value put under key less than ttl before now.
func (c *ttlCache[V]) get(key string, now time.Time, ttl time.Duration) (V, bool) {
	e, ok := c.entry(key)
	return e.value, ok && now.Sub(e.at) < ttl
}

func (c *ttlCache[V]) entry(key string) (cached[V], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *ttlCache[V]) put(key string, v V, now time.Time) {
	c.putCost(key, v, now, 0)
}

// putCost keeps v, which took cost to compute.
func (c *ttlCache[V]) putCost(key string, v V, now time.Time, cost time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 10000 {
		c.entries = map[string]cached[V]{}
	}
	c.entries[key] = cached[V]{value: v, at: now, cost: cost}
}

// cachedCounts returns the counts of base for actor. The counts of the
// whole inbox are the same for everyone who reads base (it holds what
// they may see), the actor's own cases are counted apart.
func (s *Service) cachedCounts(ctx context.Context, base string, actor contract.Actor) (Counts, error) {
	c, err := recent(ctx, s, &s.countCache, base, func(ctx context.Context) (Counts, error) { return s.counts(ctx, base, actor) })
	if err != nil {
		return c, err
	}
	mine := base + Filter{Assignee: "me"}.clauses(actor, s.now())
	c.Mine, err = recent(ctx, s, &s.mineCache, mine, func(ctx context.Context) (int, error) { return s.count(ctx, mine) })
	return c, err
}

// recent returns the value of key that compute gives, computed less than
// countsTTL ago (or countsCostFactor times what it cost), or at most
// countsStale ago while it is computed again in the background.
func recent[V any](ctx context.Context, s *Service, c *ttlCache[V], key string, compute func(context.Context) (V, error)) (V, error) {
	now := s.now()
	e, ok := c.entry(key)
	if ok && now.Sub(e.at) < max(countsTTL, countsCostFactor*e.cost) {
		return e.value, nil
	}
	run := func(ctx context.Context) (V, error) {
		start := s.now()
		v, err := compute(ctx)
		if end := s.now(); err == nil {
			c.putCost(key, v, end, end.Sub(start))
		}
		return v, err
	}
	if ok && now.Sub(e.at) < countsStale {
		if start, done := c.refresh(key); start {
			go func() {
				defer done()
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				defer cancel()
				_, _ = run(ctx)
			}()
		}
		return e.value, nil
	}
	return run(ctx)
}
