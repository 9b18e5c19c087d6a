package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/dossier/dossier/internal/contract"
)

// Filter selects the cases of an inbox.
type Filter struct {
	Stage    string // default awaiting_approval
	Template string
	// Assignee is "me", "none", an account id, or "" for anyone.
	Assignee string
	Overdue  bool
	// Search matches a reference (DOS-…), a case id prefix, or a word of
	// the applicant's name.
	Search   string
	Page     int // from 1
	PageSize int // default 25
}

// Item is one case of an inbox.
type Item struct {
	Summary
	Applicant string     `json:"applicant"`
	Assignee  string     `json:"assignee,omitempty"`
	Deadline  *time.Time `json:"deadline,omitempty"`
	Escalated bool       `json:"escalated,omitempty"`
	Overdue   bool       `json:"overdue,omitempty"`
	// DueSoon is true within a week of the deadline.
	DueSoon bool `json:"due_soon,omitempty"`
}

// Counts are the number of cases per filter value, for the same stage,
// services and search.
type Counts struct {
	Total      int            `json:"total"`
	ByTemplate map[string]int `json:"by_template"`
	Overdue    int            `json:"overdue"`
	Unassigned int            `json:"unassigned"`
	Mine       int            `json:"mine"`
}

// InboxPage is one page of an inbox, sorted by legal deadline (cases
// without one last, then newest first).
type InboxPage struct {
	Items  []Item `json:"items"`
	Counts Counts `json:"counts"`
	// Matching is the number of cases the whole filter selects.
	Matching int `json:"matching"`
	Page     int `json:"page"`
	Pages    int `json:"pages"`
}

// Inbox returns the page of actor's inbox that f selects, sorted by
// legal deadline. Visibility cannot sort, so the page is read in windows
// of deadlines, the nearest first, until it is full: an inbox reads about
// a page of cases, not the whole backlog. Counts are visibility counts.
func (s *Service) Inbox(ctx context.Context, actor contract.Actor, f Filter) (InboxPage, error) {
	f = f.withDefaults()
	base, err := inboxQuery(actor, f)
	if err != nil {
		return InboxPage{}, err
	}
	query := base + f.clauses(actor, s.now())
	page := InboxPage{Page: f.Page}
	if page.Counts, err = s.cachedCounts(ctx, base, actor); err != nil {
		return InboxPage{}, err
	}
	var counted bool
	if page.Matching, counted = f.counted(page.Counts); !counted {
		if page.Matching, err = s.count(ctx, query); err != nil {
			return InboxPage{}, err
		}
	}
	page.Pages = max(1, (page.Matching+f.PageSize-1)/f.PageSize)
	items, err := s.firstByDeadline(ctx, query, f.Page*f.PageSize, page.Matching)
	if err != nil {
		return InboxPage{}, err
	}
	from := min((f.Page-1)*f.PageSize, len(items))
	page.Items = items[from:min(from+f.PageSize, len(items))]
	return page, nil
}

// counted returns how many cases f selects when c, the counts of its
// inbox, tells: with no filter or one only.
func (f Filter) counted(c Counts) (int, bool) {
	switch {
	case f.Template == "" && f.Assignee == "" && !f.Overdue:
		return c.Total, true
	case f.Template != "" && f.Assignee == "" && !f.Overdue:
		n, ok := c.ByTemplate[f.Template]
		return n, ok
	case f.Template == "" && f.Assignee == "none" && !f.Overdue:
		return c.Unassigned, true
	case f.Template == "" && f.Assignee == "me" && !f.Overdue:
		return c.Mine, true
	case f.Template == "" && f.Assignee == "" && f.Overdue:
		return c.Overdue, true
	}
	return 0, false
}

func (f Filter) withDefaults() Filter {
	if f.Stage == "" {
		f.Stage = string(contract.StageAwaitingApproval)
	}
	if f.PageSize <= 0 || f.PageSize > 200 {
		f.PageSize = 25
	}
	f.Page = max(f.Page, 1)
	return f
}

func inboxQuery(actor contract.Actor, f Filter) (string, error) {
	st, ok := contract.ParseStage(f.Stage)
	if !ok {
		return "", &Error{Kind: KindInvalid, Message: "unknown stage " + f.Stage,
			Fields: []contract.FieldError{{Field: "stage", Message: "must be one of: " + stageNames()}}}
	}
	q := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s'", contract.WorkflowName, contract.SearchStage.GetName(), st)
	if !st.Terminal() {
		q += running // a case closed by hand in a stage that waits is no one's work
	}
	q += visibleTo(actor)
	return q + searchClause(f.Search), nil
}

// clauses are the filters beyond stage, services and search.
func (f Filter) clauses(actor contract.Actor, now time.Time) string {
	var q string
	if f.Template != "" {
		q += fmt.Sprintf(" AND %s = %s", contract.SearchTemplate.GetName(), quote(f.Template))
	}
	switch f.Assignee {
	case "":
	case "none":
		q += fmt.Sprintf(" AND %s IS NULL", contract.SearchAssignee.GetName())
	case "me":
		q += fmt.Sprintf(" AND %s = %s", contract.SearchAssignee.GetName(), quote(actor.ID))
	default:
		q += fmt.Sprintf(" AND %s = %s", contract.SearchAssignee.GetName(), quote(f.Assignee))
	}
	if f.Overdue {
		q += fmt.Sprintf(" AND %s < '%s'", contract.SearchDeadline.GetName(), now.UTC().Format(time.RFC3339))
	}
	return q
}

// searchClause matches a reference or id prefix, or a name word.
func searchClause(search string) string {
	search = strings.TrimSpace(search)
	if search == "" {
		return ""
	}
	if ref, ok := strings.CutPrefix(strings.ToUpper(search), "DOS-"); ok {
		return fmt.Sprintf(" AND WorkflowId STARTS_WITH %s", quote(strings.ToLower(ref)))
	}
	words := contract.SearchWords(search)
	if len(words) == 0 {
		return ""
	}
	clause := fmt.Sprintf(" AND (WorkflowId STARTS_WITH %s", quote(strings.ToLower(search)))
	for _, w := range words {
		clause += fmt.Sprintf(" OR %s = %s", contract.SearchApplicant.GetName(), quote(w))
	}
	return clause + ")"
}

func (s *Service) count(ctx context.Context, query string) (int, error) {
	resp, err := s.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
	if err != nil {
		return 0, &Error{Kind: KindInternal, Message: "count cases", Err: err}
	}
	return int(resp.GetCount()), nil
}

// counts are the inbox's counts for the base query (stage, services,
// search): in all, per template, overdue and unassigned; not the actor's
// own, which cachedCounts adds.
func (s *Service) counts(ctx context.Context, base string, actor contract.Actor) (Counts, error) {
	c := Counts{ByTemplate: map[string]int{}}
	queries := map[*int]string{
		&c.Total:      base,
		&c.Overdue:    base + Filter{Overdue: true}.clauses(actor, s.now()),
		&c.Unassigned: base + Filter{Assignee: "none"}.clauses(actor, s.now()),
	}
	for target, q := range queries {
		n, err := s.count(ctx, q)
		if err != nil {
			return c, err
		}
		*target = n
	}
	for _, id := range s.TemplateIDs {
		n, err := s.count(ctx, base+Filter{Template: id}.clauses(actor, s.now()))
		if err != nil {
			return c, err
		}
		c.ByTemplate[id] = n
	}
	return c, nil
}

// list reads up to limit cases of query, in visibility's order.
func (s *Service) list(ctx context.Context, query string, limit int) ([]Item, error) {
	var out []Item
	now := s.now()
	err := s.scan(ctx, query, limit, "inbox", func(e *workflowpb.WorkflowExecutionInfo) {
		out = append(out, item(e, now))
	})
	return out, err
}

// scan pages through the executions of query in visibility's order and hands
// each to add, stopping once at least limit have been read. what names the
// operation in the error a caller gets when visibility cannot be read.
func (s *Service) scan(ctx context.Context, query string, limit int, what string, add func(*workflowpb.WorkflowExecutionInfo)) error {
	var token []byte
	for read := 0; read < limit; {
		resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: int32(min(1000, limit)), NextPageToken: token,
		})
		if err != nil {
			return &Error{Kind: KindInternal, Message: what, Err: err}
		}
		for _, e := range resp.GetExecutions() {
			add(e)
			read++
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return nil
		}
	}
	return nil
}

func item(e *workflowpb.WorkflowExecutionInfo, now time.Time) Item {
	fields := e.GetSearchAttributes().GetIndexedFields()
	it := Item{Summary: summarize(e), Assignee: keyword(fields, contract.SearchAssignee.GetName())}
	_ = decode(e.GetMemo().GetFields()[memoApplicant], &it.Applicant)
	var escalated bool
	if decode(fields[contract.SearchEscalated.GetName()], &escalated) == nil {
		it.Escalated = escalated
	}
	var deadline time.Time
	if decode(fields[contract.SearchDeadline.GetName()], &deadline) == nil && !deadline.IsZero() {
		it.Deadline = &deadline
		it.Overdue = deadline.Before(now)
		it.DueSoon = !it.Overdue && deadline.Before(now.Add(7*24*time.Hour))
	}
	return it
}

func decode(p *commonpb.Payload, v any) error {
	if p == nil {
		return fmt.Errorf("absent")
	}
	return converter.GetDefaultDataConverter().FromPayload(p, v)
}

// sortByDeadline orders by legal deadline, the cases without one last,
// then by submission, newest first.
func sortByDeadline(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int {
		switch {
		case a.Deadline != nil && b.Deadline != nil && !a.Deadline.Equal(*b.Deadline):
			return a.Deadline.Compare(*b.Deadline)
		case a.Deadline != nil && b.Deadline == nil:
			return -1
		case a.Deadline == nil && b.Deadline != nil:
			return 1
		}
		return b.SubmittedAt.Compare(a.SubmittedAt)
	})
}
