package cases

import (
	"context"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/engine"
)

// History returns the full Temporal history of case id, for an actor who
// may see the case (CanSee, as Get). Who submitted the case and its
// service are read from the history's start input, not asked of the
// workflow, so that a closed case's history is read without its worker.
// Errors are of kind not_found, forbidden or internal.
func (s *Service) History(ctx context.Context, actor contract.Actor, id string) (*historypb.History, error) {
	if !caseIDPattern.MatchString(id) {
		return nil, errorf(KindNotFound, "no case %s", id)
	}
	h, err := engine.History(ctx, s.Temporal, id, "")
	if err != nil {
		return nil, wrapTemporal(err, "read the history of case", id)
	}
	in, ok := startInput(h)
	if !ok {
		return nil, errorf(KindNotFound, "no case %s", id)
	}
	if !CanSee(actor, in.SubmittedBy.ID, in.Service) {
		return nil, errorf(KindForbidden, "%s may not see case %s: it belongs to another service", actor.ID, id)
	}
	return h, nil
}

// startInput decodes the case input a history starts with; it reports
// false for a history that is not a case's.
func startInput(h *historypb.History) (contract.CaseInput, bool) {
	var in contract.CaseInput
	if len(h.GetEvents()) == 0 {
		return in, false
	}
	started := h.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes()
	if started.GetWorkflowType().GetName() != contract.WorkflowName {
		return in, false
	}
	err := converter.GetDefaultDataConverter().FromPayloads(started.GetInput(), &in)
	return in, err == nil
}
