package cases

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/sdk/converter"

	"github.com/dossier/dossier/internal/contract"
)

var caseIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Get returns the state of case id as actor may see it.
func (s *Service) Get(ctx context.Context, actor contract.Actor, id string) (contract.CaseState, error) {
	if !caseIDPattern.MatchString(id) {
		return contract.CaseState{}, errorf(KindNotFound, "no case %s", id)
	}
	resp, err := s.Temporal.QueryWorkflow(ctx, id, "", contract.QueryState)
	if err != nil {
		return contract.CaseState{}, wrapTemporal(err, "query case", id)
	}
	var st contract.CaseState
	if err := resp.Get(&st); err != nil {
		return contract.CaseState{}, &Error{Kind: KindInternal, Message: "decode case " + id, Err: err}
	}
	if !CanSee(actor, st.SubmittedBy.ID, st.Service) {
		return contract.CaseState{}, errorf(KindForbidden, "%s may not see case %s: it belongs to another service", actor.ID, id)
	}
	return st, nil
}

// CanSee reports whether actor may see a case of service submitted by
// submitter: auditors see every case; caseworkers and supervisors the
// cases of their services (and those that belong to no service); an
// integrator the cases it submitted.
func CanSee(actor contract.Actor, submitter, service string) bool {
	switch {
	case actor.HasRole(contract.RoleAuditor):
		return true
	case actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor) && (service == "" || actor.Handles(service)):
		return true
	}
	return actor.ID != "" && actor.ID == submitter
}

// Summary is one line of a case list.
type Summary struct {
	ID          string    `json:"id"`
	Reference   string    `json:"reference"`
	Template    string    `json:"template"`
	Stage       string    `json:"stage"`
	SubmittedBy string    `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
	Status      string    `json:"status"`
}

// maxList bounds a case list until the inbox gets its pagination.
const maxList = 1000

// List returns the cases actor may see, newest first, in stage when it is
// not empty. It reads Temporal's visibility store, not the workflows.
func (s *Service) List(ctx context.Context, actor contract.Actor, stage string) ([]Summary, error) {
	query := fmt.Sprintf("WorkflowType = '%s'", contract.WorkflowName)
	if stage != "" {
		st, ok := contract.ParseStage(stage)
		if !ok {
			return nil, &Error{Kind: KindInvalid, Message: "unknown stage " + stage,
				Fields: []contract.FieldError{{Field: "stage", Message: "must be one of: " + stageNames()}}}
		}
		query += fmt.Sprintf(" AND %s = '%s'", contract.SearchStage.GetName(), st)
	}
	query += visibleTo(actor)
	out, err := s.listSummaries(ctx, query)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Summary) int { return b.SubmittedAt.Compare(a.SubmittedAt) })
	return out, nil
}

func (s *Service) listSummaries(ctx context.Context, query string) ([]Summary, error) {
	var out []Summary
	err := s.scan(ctx, query, maxList, "list cases", func(e *workflowpb.WorkflowExecutionInfo) {
		out = append(out, summarize(e))
	})
	return out, err
}

func summarize(e *workflowpb.WorkflowExecutionInfo) Summary {
	fields := e.GetSearchAttributes().GetIndexedFields()
	id := e.GetExecution().GetWorkflowId()
	return Summary{
		ID:          id,
		Reference:   contract.Reference(id),
		Template:    keyword(fields, contract.SearchTemplate.GetName()),
		Stage:       keyword(fields, contract.SearchStage.GetName()),
		SubmittedBy: keyword(fields, contract.SearchSubmitter.GetName()),
		SubmittedAt: e.GetStartTime().AsTime(),
		Status:      strings.ToLower(strings.TrimPrefix(e.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_")),
	}
}

func stageNames() string {
	names := make([]string, len(contract.Stages))
	for i, st := range contract.Stages {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

// keyword decodes a Keyword search attribute payload.
func keyword(fields map[string]*commonpb.Payload, name string) string {
	p, ok := fields[name]
	if !ok {
		return ""
	}
	var v string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &v); err != nil {
		return ""
	}
	return v
}

// visibleTo is the visibility clause that keeps a list to what actor may see.
func visibleTo(actor contract.Actor) string {
	switch {
	case actor.HasRole(contract.RoleAuditor):
		return ""
	case actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor):
		services := []string{"''"}
		for _, s := range actor.Services {
			services = append(services, quote(s))
		}
		return fmt.Sprintf(" AND (%s IN (%s) OR %s IS NULL)", contract.SearchService.GetName(), strings.Join(services, ", "), contract.SearchService.GetName())
	}
	return fmt.Sprintf(" AND %s = %s", contract.SearchSubmitter.GetName(), quote(actor.ID))
}

// quote makes a visibility query string literal; quotes are dropped.
func quote(s string) string {
	return "'" + strings.NewReplacer("'", "", "\\", "").Replace(s) + "'"
}
