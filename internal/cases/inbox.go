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

// maxInbox bounds the cases one inbox reads from visibility.
const maxInbox = 20000

// Inbox returns the page of actor's inbox that f selects. Stage, services
// and search are a visibility query; the other filters, the counts and the
// deadline order are applied to its result.
func (s *Service) Inbox(ctx context.Context, actor contract.Actor, f Filter) (InboxPage, error) {
	f = f.withDefaults()
	query, err := inboxQuery(actor, f)
	if err != nil {
		return InboxPage{}, err
	}
	items, err := s.inboxItems(ctx, query)
	if err != nil {
		return InboxPage{}, err
	}
	page := InboxPage{Counts: count(items, actor), Page: f.Page}
	selected := slices.DeleteFunc(items, func(it Item) bool { return !f.keeps(it, actor) })
	sortByDeadline(selected)
	page.Matching = len(selected)
	page.Pages = max(1, (len(selected)+f.PageSize-1)/f.PageSize)
	from := min((f.Page-1)*f.PageSize, len(selected))
	page.Items = selected[from:min(from+f.PageSize, len(selected))]
	return page, nil
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
	q += visibleTo(actor)
	return q + searchClause(f.Search), nil
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
	words := SearchWords(search)
	if len(words) == 0 {
		return ""
	}
	clause := fmt.Sprintf(" AND (WorkflowId STARTS_WITH %s", quote(strings.ToLower(search)))
	for _, w := range words {
		clause += fmt.Sprintf(" OR %s = %s", contract.SearchApplicant.GetName(), quote(w))
	}
	return clause + ")"
}

func (s *Service) inboxItems(ctx context.Context, query string) ([]Item, error) {
	var out []Item
	var token []byte
	now := s.now()
	for len(out) < maxInbox {
		resp, err := s.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return nil, &Error{Kind: KindInternal, Message: "inbox", Err: err}
		}
		for _, e := range resp.GetExecutions() {
			out = append(out, item(e, now))
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	return out, nil
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

// keeps applies the filters visibility did not.
func (f Filter) keeps(it Item, actor contract.Actor) bool {
	switch {
	case f.Template != "" && it.Template != f.Template:
		return false
	case f.Overdue && !it.Overdue:
		return false
	case f.Assignee == "me" && it.Assignee != actor.ID:
		return false
	case f.Assignee == "none" && it.Assignee != "":
		return false
	case f.Assignee != "" && f.Assignee != "me" && f.Assignee != "none" && it.Assignee != f.Assignee:
		return false
	}
	return true
}

func count(items []Item, actor contract.Actor) Counts {
	c := Counts{Total: len(items), ByTemplate: map[string]int{}}
	for _, it := range items {
		c.ByTemplate[it.Template]++
		if it.Overdue {
			c.Overdue++
		}
		if it.Assignee == "" {
			c.Unassigned++
		}
		if it.Assignee == actor.ID {
			c.Mine++
		}
	}
	return c
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
