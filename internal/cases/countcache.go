package cases

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// countsTTL is how long inbox counts are reused as they are: they are
// indicative, and each costs a dozen visibility counts, that match the
// whole backlog. Counts up to countsStale old are still shown while they
// are counted again in the background, so that no read waits for them
// but the first.
const (
	countsTTL   = 10 * time.Second
	countsStale = 10 * time.Minute
)

type cached[V any] struct {
	value V
	at    time.Time
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
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e.value, ok && now.Sub(e.at) < ttl
}

func (c *ttlCache[V]) put(key string, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 10000 {
		c.entries = map[string]cached[V]{}
	}
	c.entries[key] = cached[V]{value: v, at: now}
}

// cachedCounts returns the counts of base for actor, computed at most
// countsTTL ago, or at most countsStale ago while they are computed again
// in the background.
func (s *Service) cachedCounts(ctx context.Context, base string, actor contract.Actor) (Counts, error) {
	key := base + "\x00" + actor.ID + "\x00" + strings.Join(actor.Services, ",")
	if c, ok := s.countCache.get(key, s.now(), countsTTL); ok {
		return c, nil
	}
	if c, ok := s.countCache.get(key, s.now(), countsStale); ok {
		if start, done := s.countCache.refresh(key); start {
			go func() {
				defer done()
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				defer cancel()
				if c, err := s.counts(ctx, base, actor); err == nil {
					s.countCache.put(key, c, s.now())
				}
			}()
		}
		return c, nil
	}
	c, err := s.counts(ctx, base, actor)
	if err == nil {
		s.countCache.put(key, c, s.now())
	}
	return c, err
}
