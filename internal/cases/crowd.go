package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// The requests a service receives on one day fall due at the same
// instant: a window of deadlines cannot be narrowed below them, and a
// page that ends among them would read them all (thousands a day in a
// large backlog). Visibility lists open cases newest first, which is the
// inbox's order among cases due at the same instant: so the inbox reads
// the cases due before the crowd, and of the crowd only the newest it
// needs. The inbox of a stage that waits holds open cases only; in that
// of a terminal stage, a count first shows the crowd all open.

// running keeps the open cases of a query.
const running = " AND ExecutionStatus = 'Running'"

// allOpen reports whether query selects open cases only.
func allOpen(query string) bool { return strings.Contains(query, running) }

// fromCrowd reads the first want cases of query when the window w, that
// the page ends in and that holds more than windowRows(want) cases, holds
// them all due at one instant, and all open; it returns the hint to read
// them again, nil when they are not (the caller reads the window whole).
func (s *Service) fromCrowd(ctx context.Context, query string, want int, w window) ([]Item, *windowHint, error) {
	one, err := s.list(ctx, query+between(w.lo, w.hi), 1)
	if err != nil || len(one) == 0 || one[0].Deadline == nil {
		return nil, nil, err
	}
	return s.crowdAt(ctx, query, want, windowHint{crowd: *one[0].Deadline}, w.in)
}

// crowdAt reads the first want cases of query when they end among the
// cases due at instant h.crowd; it returns the hint to read them again
// when they do, nil when they do not. The cases due before the crowd are
// read whole, at most windowRows(want); of the crowd, those submitted
// since h.since when they are enough, else the newest of all. When query
// may select closed cases, the crowd must be all open: n is its size as
// counted before (counted when n < 0).
func (s *Service) crowdAt(ctx context.Context, query string, want int, h windowHint, n int) ([]Item, *windowHint, error) {
	crowd := query + instant(h.crowd)
	if !allOpen(query) {
		var err error
		if n < 0 {
			if n, err = s.count(ctx, crowd); err != nil {
				return nil, nil, err
			}
		}
		open, err := s.count(ctx, crowd+running)
		if err != nil || open != n {
			return nil, nil, err
		}
		crowd += running
	}
	items, err := s.list(ctx, query+fmt.Sprintf(" AND %s < '%s'", contract.SearchDeadline.GetName(), milli(h.crowd)), windowRows(want)+1)
	if err != nil || len(items) > windowRows(want) {
		return nil, nil, err
	}
	next := windowHint{crowd: h.crowd}
	if len(items) < want {
		newest, err := s.newest(ctx, crowd, want-len(items), h.since)
		if err != nil || len(newest) == 0 {
			return nil, nil, err
		}
		items = append(items, newest...)
		next.since = newest[len(newest)-1].SubmittedAt
	}
	sortByDeadline(items) // stable: the crowd stays newest first
	if len(items) < want {
		return nil, nil, nil
	}
	return items, &next, nil
}

// newest reads the k newest cases of crowd, all open: first among those
// submitted since (when not zero), which visibility finds in the inbox
// index without reading the crowd's cases, then, when fewer than k were
// submitted since, among all.
func (s *Service) newest(ctx context.Context, crowd string, k int, since time.Time) ([]Item, error) {
	if !since.IsZero() {
		items, err := s.list(ctx, crowd+fmt.Sprintf(" AND StartTime >= '%s'", since.Add(-time.Millisecond).UTC().Format(time.RFC3339Nano)), k)
		if err != nil || len(items) >= k {
			return items, err
		}
	}
	return s.list(ctx, crowd, k)
}

// instant is the clause of the deadlines at t, to the millisecond
// visibility keeps.
func instant(t time.Time) string {
	dl := contract.SearchDeadline.GetName()
	return fmt.Sprintf(" AND %s >= '%s' AND %s < '%s'", dl, milli(t), dl, milli(t.Add(time.Millisecond)))
}

func milli(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
}
