package cases

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// countsTTL is how long inbox counts are reused: they are indicative, and
// each costs a dozen visibility counts.
const countsTTL = 10 * time.Second

type cachedCount struct {
	counts Counts
	at     time.Time
}

// countCache keeps recent inbox counts by query and actor.
type countCache struct {
	mu      sync.Mutex
	entries map[string]cachedCount
}

func (c *countCache) get(key string, now time.Time) (Counts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e.counts, ok && now.Sub(e.at) < countsTTL
}

func (c *countCache) put(key string, counts Counts, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 10000 {
		c.entries = map[string]cachedCount{}
	}
	c.entries[key] = cachedCount{counts: counts, at: now}
}

// cachedCounts returns the counts of base for actor, computed at most
// countsTTL ago.
func (s *Service) cachedCounts(ctx context.Context, base string, actor contract.Actor) (Counts, error) {
	key := base + "\x00" + actor.ID + "\x00" + strings.Join(actor.Services, ",")
	if c, ok := s.countCache.get(key, s.now()); ok {
		return c, nil
	}
	c, err := s.counts(ctx, base, actor)
	if err == nil {
		s.countCache.put(key, c, s.now())
	}
	return c, err
}
