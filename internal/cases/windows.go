package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/dossier/dossier/internal/contract"
)

// Visibility cannot sort, so the inbox reads the cases nearest their
// deadline in a window of deadlines that holds about the page wanted:
// visibility COUNTs (cheap, and cheaper the fewer cases they match) size
// the window, then one list reads it whole. Listing a row costs some
// twenty times counting it.

// maxInbox bounds the cases one read of the inbox lists.
const maxInbox = 20000

// windowRows is how many cases the window read for want cases may hold
// before it is narrowed.
func windowRows(want int) int { return 2*want + 25 }

// minWindow is the narrowest window of deadlines: the cases due within the
// same hour are read together however many they are.
const minWindow = time.Hour

// firstByDeadline returns at least want cases of query (or all of them),
// nearest deadline first, then the cases without a deadline, newest first.
// matching is how many cases query selects, as last counted.
func (s *Service) firstByDeadline(ctx context.Context, query string, want, matching int) ([]Item, error) {
	if matching <= windowRows(want) { // a small inbox is read whole
		items, err := s.list(ctx, query, maxInbox)
		sortByDeadline(items)
		return items, err
	}
	if items, ok, err := s.fromHint(ctx, query, want); ok || err != nil {
		return items, err
	}
	w, err := s.deadlineBound(ctx, query, want)
	if err != nil {
		return nil, err
	}
	key := query + fmt.Sprint(want)
	if w.before+w.in > windowRows(want) && w.before < want { // perhaps a crowd due at one instant
		items, h, err := s.fromCrowd(ctx, query, want, w)
		if err != nil {
			return nil, err
		}
		if h != nil {
			s.windowHints.put(key, *h, s.now())
			return items, nil
		}
	}
	s.windowHints.put(key, windowHint{hi: w.hi, rows: w.before + w.in}, s.now())
	items, err := s.list(ctx, query+before(w.hi), maxInbox)
	if err != nil {
		return nil, err
	}
	return s.completed(ctx, query, want, w.hi, items)
}

// completed sorts items, the cases due before hi, and adds those due
// later (beyond the horizon, or all of them when cases left since they
// were counted) and then those without a deadline while there are fewer
// than want.
func (s *Service) completed(ctx context.Context, query string, want int, hi time.Time, items []Item) ([]Item, error) {
	dl := contract.SearchDeadline.GetName()
	if len(items) < want { // deadlines beyond hi
		limit := want - len(items)
		if hi.Before(s.now().AddDate(10, 0, -1)) { // cases left since the count: read them all to sort them
			limit = maxInbox
		}
		got, err := s.list(ctx, query+fmt.Sprintf(" AND %s >= '%s'", dl, stamp(hi)), limit)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	sortByDeadline(items)
	if len(items) < want {
		rest, err := s.list(ctx, query+" AND "+dl+" IS NULL", want-len(items))
		if err != nil {
			return nil, err
		}
		items = append(items, rest...)
	}
	return items, nil
}

// hintTTL is how long a window's bound is tried again: each read checks
// it, so it may be kept long.
const hintTTL = time.Hour

// windowHint is the deadline bound found by the last read of a query,
// and how many cases fell before it then; or the instant of the crowd of
// cases the page ended in, and the submissions it read of the crowd.
type windowHint struct {
	hi    time.Time
	rows  int
	crowd time.Time
	// since is when the oldest case the page read of the crowd was
	// submitted: the newest of the crowd are submitted since.
	since time.Time
}

// fromHint reads the cases due before the bound found for the same query
// by an earlier read: when they are still at least want, and not many
// more than then, they are the first want cases (ok), found without a
// count. A hint is never trusted beyond what this read shows.
func (s *Service) fromHint(ctx context.Context, query string, want int) ([]Item, bool, error) {
	h, ok := s.windowHints.get(query+fmt.Sprint(want), s.now(), hintTTL)
	if !ok {
		return nil, false, nil
	}
	if !h.crowd.IsZero() {
		items, next, err := s.crowdAt(ctx, query, want, h, -1)
		if next != nil {
			s.windowHints.put(query+fmt.Sprint(want), *next, s.now())
		}
		return items, next != nil, err
	}
	limit := max(windowRows(want), 2*h.rows) + 1
	items, err := s.list(ctx, query+before(h.hi), limit)
	if err != nil || len(items) < want || len(items) >= limit {
		return nil, false, err
	}
	sortByDeadline(items)
	return items, true, nil
}

// deadlineBound returns a deadline before which at least want cases of
// query fall (the horizon when fewer do), and how many do: the overdue
// cases first (narrowed when there are many), then windows from now on, each twice as wide as the one
// before while they hold fewer than want together; the window that
// reaches want is halved while it holds more than windowRows(want) and
// is wider than minWindow. So no count matches many more cases than the
// window read, and cases due at the same instant are read together.
func (s *Service) deadlineBound(ctx context.Context, query string, want int) (window, error) {
	now := s.now().Truncate(time.Second)
	horizon := now.AddDate(10, 0, 0)
	got, err := s.count(ctx, query+before(now))
	switch {
	case err != nil:
		return window{}, err
	case got >= want: // overdue cases are older than ten years only by mistake
		return s.narrowed(ctx, query, want, now.AddDate(-10, 0, 0), now, 0, got)
	}
	lo, width := now, minWindow
	for {
		hi := lo.Add(width)
		if !hi.Before(horizon) {
			return window{lo: lo, hi: horizon, before: got}, nil
		}
		n, err := s.count(ctx, query+between(lo, hi))
		if err != nil {
			return window{}, err
		}
		if got+n >= want {
			return s.narrowed(ctx, query, want, lo, hi, got, n)
		}
		got, lo, width = got+n, hi, width*2
	}
}

// window is the deadlines [lo, hi) that hold in cases of a query, after
// the before cases due before lo.
type window struct {
	lo, hi     time.Time
	before, in int
}

// narrowed halves the window [lo, hi), which holds n cases after the got
// due before lo, to one that holds want of them, while it holds more
// than windowRows(want) and is wider than minWindow.
func (s *Service) narrowed(ctx context.Context, query string, want int, lo, hi time.Time, got, n int) (window, error) {
	for got+n > windowRows(want) && hi.Sub(lo) > minWindow {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		m, err := s.count(ctx, query+between(lo, mid))
		if err != nil {
			return window{}, err
		}
		if got+m >= want {
			hi, n = mid, m
		} else {
			lo, got, n = mid, got+m, n-m
		}
	}
	return window{lo: lo, hi: hi, before: got, in: n}, nil
}

// between is the clause of the deadlines in [lo, hi); a zero lo is open.
func between(lo, hi time.Time) string {
	w := before(hi)
	if !lo.IsZero() {
		w += fmt.Sprintf(" AND %s >= '%s'", contract.SearchDeadline.GetName(), stamp(lo))
	}
	return w
}

func before(hi time.Time) string {
	return fmt.Sprintf(" AND %s < '%s'", contract.SearchDeadline.GetName(), stamp(hi))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
