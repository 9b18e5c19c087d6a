package audit

import (
	historypb "go.temporal.io/api/history/v1"

	"github.com/dossier/dossier/internal/contract"
)

// accepted reads an Update the case accepted: a review, an assignment, or
// the receipt of missing documents. It happened at the start of the
// workflow task that accepted it, the time the workflow gave it.
func (b *builder) accepted(a *historypb.WorkflowExecutionUpdateAcceptedEventAttributes) {
	req := a.GetAcceptedRequest()
	name, id := req.GetInput().GetName(), req.GetMeta().GetUpdateId()
	what := name + " accepted at " + b.now.Format("2006-01-02T15:04:05Z07:00")
	switch name {
	case contract.UpdateReview:
		var in contract.ReviewInput
		if b.decode(what, req.GetInput().GetArgs(), &in) {
			b.t.Reviews = append(b.t.Reviews, Review{ReviewInput: in, At: b.now})
			b.updates[id] = update{name: name, index: len(b.t.Reviews) - 1}
		}
	case contract.UpdateAssign:
		var in contract.AssignInput
		if b.decode(what, req.GetInput().GetArgs(), &in) {
			b.t.Assigned = append(b.t.Assigned, Assignment{Assignee: in.Assignee, By: in.By, At: b.now})
		}
	case contract.UpdateDocumentsReceived:
		var in contract.DocumentsReceived
		if b.decode(what, req.GetInput().GetArgs(), &in) {
			b.received = &in
		}
	}
}

// updateCompleted records the stage a review moved the case to, or why
// the review's handler failed.
func (b *builder) updateCompleted(a *historypb.WorkflowExecutionUpdateCompletedEventAttributes) {
	u, ok := b.updates[a.GetMeta().GetUpdateId()]
	if !ok || u.name != contract.UpdateReview {
		return
	}
	r := &b.t.Reviews[u.index]
	if f := a.GetOutcome().GetFailure(); f != nil {
		r.Error = failureText(f)
		return
	}
	var res contract.ReviewResult
	if b.decode("review result", a.GetOutcome().GetSuccess(), &res) {
		r.Result = res.Stage
	}
}
