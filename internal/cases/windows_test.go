package cases

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/dossier/dossier/internal/contract"
)

// fakeVisibility answers the inbox's visibility queries over cases in
// memory: it reads the deadline clauses only (every case matches the
// rest) and lists in visibility's order, newest start first.
type fakeVisibility struct {
	client.Client
	mu      sync.Mutex // held by each call, and by a test changing cases while counts run
	cases   []fakeCase
	listed  int                // rows listed so far
	matched int                // rows the lists so far matched (visibility sorts them)
	counted int                // counts so far
	counts  []string           // their queries
	onCount func(query string) // called at each count
}

type fakeCase struct {
	id       string
	deadline time.Time // zero for none
	start    time.Time
	closed   bool
}

var (
	deadlineBefore = regexp.MustCompile(`CaseDeadline < '([^']+)'`)
	deadlineFrom   = regexp.MustCompile(`CaseDeadline >= '([^']+)'`)
	noDeadline     = regexp.MustCompile(`CaseDeadline IS NULL`)
	startedSince   = regexp.MustCompile(`StartTime >= '([^']+)'`)
	open           = regexp.MustCompile(`ExecutionStatus = 'Running'`)
)

func (f *fakeVisibility) match(query string) []fakeCase {
	var lo, hi time.Time
	if m := deadlineBefore.FindStringSubmatch(query); m != nil {
		hi, _ = time.Parse(time.RFC3339Nano, m[1])
	}
	if m := deadlineFrom.FindStringSubmatch(query); m != nil {
		lo, _ = time.Parse(time.RFC3339Nano, m[1])
	}
	var since time.Time
	if m := startedSince.FindStringSubmatch(query); m != nil {
		since, _ = time.Parse(time.RFC3339Nano, m[1])
	}
	var out []fakeCase
	none, running := noDeadline.MatchString(query), open.MatchString(query)
	for _, c := range f.cases {
		switch {
		case running && c.closed, c.start.Before(since):
		case none:
			if c.deadline.IsZero() {
				out = append(out, c)
			}
		case (lo.IsZero() && hi.IsZero()) ||
			!c.deadline.IsZero() && (hi.IsZero() || c.deadline.Before(hi)) && (lo.IsZero() || !c.deadline.Before(lo)):
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b fakeCase) int { return b.start.Compare(a.start) })
	return out
}

func (f *fakeVisibility) CountWorkflow(_ context.Context, r *workflowservice.CountWorkflowExecutionsRequest) (*workflowservice.CountWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counted++
	f.counts = append(f.counts, r.Query)
	if f.onCount != nil {
		f.onCount(r.Query)
	}
	return &workflowservice.CountWorkflowExecutionsResponse{Count: int64(len(f.match(r.Query)))}, nil
}

func (f *fakeVisibility) ListWorkflow(_ context.Context, r *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	all := f.match(r.Query)
	f.matched += len(all)
	from, _ := strconv.Atoi(string(r.NextPageToken))
	to := min(from+int(r.PageSize), len(all))
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	for _, c := range all[from:to] {
		fields := map[string]*commonpb.Payload{}
		if !c.deadline.IsZero() {
			fields[contract.SearchDeadline.GetName()], _ = converter.GetDefaultDataConverter().ToPayload(c.deadline)
		}
		resp.Executions = append(resp.Executions, &workflowpb.WorkflowExecutionInfo{
			Execution: &commonpb.WorkflowExecution{WorkflowId: c.id}, StartTime: timestamppb.New(c.start),
			SearchAttributes: &commonpb.SearchAttributes{IndexedFields: fields}})
	}
	f.listed += len(resp.Executions)
	if to < len(all) {
		resp.NextPageToken = []byte(strconv.Itoa(to))
	}
	return resp, nil
}

// backlog is a service's inbox: 30 cases overdue by the hour, then 125
// cases a day falling due at 23:00 (all received the same day) from 20
// days on, for 40 days, and 10 cases without a deadline.
func backlog(now time.Time) []fakeCase {
	var cs []fakeCase
	add := func(deadline time.Time) {
		i := len(cs)
		cs = append(cs, fakeCase{id: fmt.Sprintf("case-%05d", i), deadline: deadline, start: now.Add(-time.Duration(i*7919%5000) * time.Minute)})
	}
	for h := range 30 {
		add(now.Add(-time.Duration(h+1) * time.Hour))
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 23, 0, 0, 0, time.UTC).AddDate(0, 0, 20)
	for d := range 40 {
		for range 125 {
			add(day.AddDate(0, 0, d))
		}
	}
	for range 10 {
		add(time.Time{})
	}
	return cs
}

func inboxOrder(cs []fakeCase) []string {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b fakeCase) int {
		switch {
		case !a.deadline.IsZero() && !b.deadline.IsZero() && !a.deadline.Equal(b.deadline):
			return a.deadline.Compare(b.deadline)
		case !a.deadline.IsZero() && b.deadline.IsZero():
			return -1
		case a.deadline.IsZero() && !b.deadline.IsZero():
			return 1
		}
		return b.start.Compare(a.start)
	})
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.id
	}
	return ids
}

var caseworker = contract.Actor{ID: "camille", Roles: []string{contract.RoleCaseworker}, Services: []string{"relations-usagers"}}

// checkPage reads page p of size n and compares it with sorting the whole
// backlog; it returns the rows the read listed.
func checkPage(t *testing.T, s *Service, f *fakeVisibility, p, n int) int {
	t.Helper()
	return checkStagePage(t, s, f, "", p, n)
}

// checkStagePage is checkPage for the inbox of stage: the inbox of a
// stage that waits holds the open cases only.
func checkStagePage(t *testing.T, s *Service, f *fakeVisibility, stage contract.Stage, p, n int) int {
	t.Helper()
	listed := f.listed
	page, err := s.Inbox(context.Background(), caseworker, Filter{Stage: string(stage), Page: p, PageSize: n})
	if err != nil {
		t.Fatal(err)
	}
	cases := f.cases
	if !stage.Terminal() {
		cases = slices.DeleteFunc(slices.Clone(cases), func(c fakeCase) bool { return c.closed })
	}
	want := inboxOrder(cases)
	want = want[min((p-1)*n, len(want)):min(p*n, len(want))]
	var got []string
	for _, it := range page.Items {
		got = append(got, it.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("page %d of %d: got %v, want %v", p, n, got, want)
	}
	return f.listed - listed
}

// TestInboxReadsAWindowNearThePage: over 5,000 cases whose deadlines fall
// in clusters, every page is the one sorting the whole backlog gives, and
// a read lists about the cases up to its page, not the backlog.
func TestInboxReadsAWindowNearThePage(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	s := &Service{Temporal: f, Now: func() time.Time { return now }}
	for _, tc := range []struct{ page, size, maxListed int }{
		{1, 25, 30},     // the overdue cases alone
		{2, 25, 155},    // the 30 overdue and the first day's 125
		{3, 100, 530},   // up to the fourth day, within twice the cases wanted
		{1, 25, 30},     // again, from the bound found before
		{200, 25, 5040}, // nearly all: read whole
		{203, 25, 5040}, // past the deadlines: the cases without one
	} {
		if listed := checkPage(t, s, f, tc.page, tc.size); listed > tc.maxListed {
			t.Errorf("page %d of %d listed %d cases, want at most %d", tc.page, tc.size, listed, tc.maxListed)
		}
	}
}

// TestInboxReadsAClosedCrowdWhole: in the inbox of a terminal stage,
// cases due at one instant are read in part only when they are all open
// (visibility lists the closed ones in another order).
func TestInboxReadsAClosedCrowdWhole(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	f.cases[100].closed = true // due with the first day's crowd
	s := &Service{Temporal: f, Now: func() time.Time { return now }}
	if listed := checkStagePage(t, s, f, contract.StageRejected, 2, 25); listed < 155 {
		t.Errorf("page 2 of 25 listed %d cases, want the 155 due up to the crowd with a closed case", listed)
	}
}

// TestInboxOfAWaitingStageHoldsOpenCases: a case closed outside Dossier
// while it awaited approval is left out of the inbox, and the crowd it
// was due with is still read in part, without a count.
func TestInboxOfAWaitingStageHoldsOpenCases(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	f.cases[100].closed = true // due with the first day's crowd
	s := &Service{Temporal: f, Now: func() time.Time { return now }}
	page, err := s.Inbox(context.Background(), caseworker, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Counts.Total != len(f.cases)-1 {
		t.Errorf("%d cases counted, want %d: the closed one left out", page.Counts.Total, len(f.cases)-1)
	}
	if listed := checkPage(t, s, f, 2, 25); listed > 55 {
		t.Errorf("page 2 of 25 listed %d cases, want the 30 overdue and the newest 20 of the crowd", listed)
	}
	counted, matched := f.counted, f.matched
	checkPage(t, s, f, 2, 25)
	if n := f.counted - counted; n != 0 {
		t.Errorf("a page read again from its crowd counted %d times, want none", n)
	}
	if n := f.matched - matched; n > 55 {
		t.Errorf("a page read again from its crowd matched %d cases, want the 30 overdue and the crowd's 20 submitted since the last read", n)
	}
	// The newest of the crowd approved: the cases submitted since the
	// last read are too few, the newest of the crowd are read again.
	newest := inboxOrder(f.cases)[30:40]
	f.cases = slices.DeleteFunc(f.cases, func(c fakeCase) bool { return slices.Contains(newest, c.id) })
	checkPage(t, s, f, 2, 25)
	checkPage(t, s, f, 2, 25)
}

// TestInboxBoundFollowsTheBacklog: a bound found by an earlier read is
// used again only while it still holds the page: cases approved since,
// and a case due earlier than all, show in the next read.
func TestInboxBoundFollowsTheBacklog(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	s := &Service{Temporal: f, Now: func() time.Time { return now }}
	checkPage(t, s, f, 2, 25)
	f.cases = slices.Delete(f.cases, 35, 45) // ten of the crowd's cases
	checkPage(t, s, f, 2, 25)
	f.cases = slices.DeleteFunc(f.cases, func(c fakeCase) bool { return c.deadline.Before(now.AddDate(0, 0, 21)) && !c.deadline.IsZero() })
	checkPage(t, s, f, 2, 25) // the overdue cases and the first day are gone
	f.cases = append(f.cases, fakeCase{id: "urgent", deadline: now.Add(-48 * time.Hour), start: now})
	checkPage(t, s, f, 1, 25)
	checkPage(t, s, f, 2, 25)
}

// TestInboxCountsAreCountedAgainInTheBackground: counts older than
// countsTTL are shown while they are counted again, and the next read
// shows the new counts.
func TestInboxCountsAreCountedAgainInTheBackground(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	var mu sync.Mutex
	clock := now
	s := &Service{Temporal: f, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}
	later := func(d time.Duration, keep int) {
		mu.Lock()
		clock = clock.Add(d)
		mu.Unlock()
		f.mu.Lock()
		f.cases = f.cases[:keep]
		f.mu.Unlock()
	}
	read := func() int {
		page, err := s.Inbox(context.Background(), caseworker, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return page.Counts.Total
	}
	if n := read(); n != 5040 {
		t.Fatalf("%d cases counted, want 5040", n)
	}
	later(countsTTL+time.Second, 40)
	if n := read(); n != 5040 {
		t.Fatalf("%d cases counted while counting again, want the 5040 counted before", n)
	}
	for deadline := time.Now().Add(5 * time.Second); read() != 40; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the counts were not counted again")
		}
	}
	later(countsStale, 30)
	if n := read(); n != 30 {
		t.Fatalf("%d cases counted after %s, want 30 counted now", n, countsStale)
	}
}

// TestInboxCountsAreShared: caseworkers who may see the same cases share
// the inbox's counts; each one's own cases are counted apart.
func TestInboxCountsAreShared(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	s := &Service{Temporal: f, Now: func() time.Time { return now }, TemplateIDs: []string{"accuse-reception", "demande-pieces"}}
	read := func(a contract.Actor) {
		if _, err := s.Inbox(context.Background(), a, Filter{}); err != nil {
			t.Fatal(err)
		}
	}
	read(caseworker)
	colleague := caseworker
	colleague.ID = "dominique"
	counted := f.counted
	read(colleague)
	read(colleague)
	if n := f.counted - counted; n != 1 {
		t.Errorf("a colleague's two reads counted %d times, want once: the cases assigned to them", n)
	}
}

// TestInboxCountsThatCostAreKeptLonger: counts that took long to count
// are kept countsCostFactor times as long as they took.
func TestInboxCountsThatCostAreKeptLonger(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	unassigned := 0 // the inbox's counts of unassigned cases
	f := &fakeVisibility{cases: backlog(clock)}
	f.onCount = func(query string) {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second) // each count takes a second
		if strings.Contains(query, "CaseAssignee IS NULL") {
			unassigned++
		}
	}
	s := &Service{Temporal: f, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}
	read := func(after time.Duration) int {
		mu.Lock()
		clock = clock.Add(after)
		mu.Unlock()
		if _, err := s.Inbox(context.Background(), caseworker, Filter{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // a recount in the background has begun
		mu.Lock()
		defer mu.Unlock()
		return unassigned
	}
	read(0)
	if n := read(2 * countsTTL); n != 1 { // the three counts took 3 s: kept 30 s
		t.Errorf("counts that took 3 s were counted again %s later, want after 30 s", 2*countsTTL)
	}
	if n := read(30 * time.Second); n != 2 {
		t.Errorf("counts that took 3 s were not counted again after 30 s")
	}
}

// TestInboxFilteredByOneValueIsNotCountedAgain: the number of cases of an
// inbox filtered by one template, the unassigned, the caseworker's own or
// the overdue ones is the count the inbox already has.
func TestInboxFilteredByOneValueIsNotCountedAgain(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f := &fakeVisibility{cases: backlog(now)}
	s := &Service{Temporal: f, Now: func() time.Time { return now }, TemplateIDs: []string{"accuse-reception"}}
	if _, err := s.Inbox(context.Background(), caseworker, Filter{}); err != nil {
		t.Fatal(err)
	}
	for _, filter := range []Filter{{Template: "accuse-reception"}, {Assignee: "none"}, {Assignee: "me"}, {Overdue: true}} {
		f.counts = nil
		page, err := s.Inbox(context.Background(), caseworker, filter)
		if err != nil {
			t.Fatal(err)
		}
		base, err := inboxQuery(caseworker, filter.withDefaults())
		if err != nil {
			t.Fatal(err)
		}
		if query := base + filter.clauses(caseworker, now); slices.Contains(f.counts, query) {
			t.Errorf("filter %+v counted its cases again", filter)
		}
		if page.Matching == 0 {
			t.Errorf("filter %+v: no case matching", filter)
		}
	}
	f.counts = nil
	both := Filter{Template: "accuse-reception", Overdue: true}
	if _, err := s.Inbox(context.Background(), caseworker, both); err != nil {
		t.Fatal(err)
	}
	base, _ := inboxQuery(caseworker, both.withDefaults())
	if query := base + both.clauses(caseworker, now); !slices.Contains(f.counts, query) {
		t.Errorf("two filters together were not counted: %q", f.counts)
	}
}
