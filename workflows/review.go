package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// maxBodyLength bounds a letter edited by a reviewer.
const maxBodyLength = 20000

// validateReview refuses, before anything is written to the history, a
// review the case cannot take: the wrong stage (or a decision still being
// applied), an unknown decision, a reviewer without the role, from another
// service, or reviewing their own submission (four-eyes), a decision on a
// draft version that is no longer the current one, or a second approval
// from someone who already approved it.
func (c *caseRun) validateReview(ctx workflow.Context, in contract.ReviewInput) error {
	if c.state.Stage != contract.StageAwaitingApproval || c.state.Draft == nil {
		return refuse(contract.ErrTypeNotReviewable, "case is %s, not awaiting approval", c.state.Stage)
	}
	if c.pending != nil || c.deciding {
		return refuse(contract.ErrTypeNotReviewable, "another review of this case is being applied; read the case again")
	}
	if err := checkDecision(in); err != nil {
		return err
	}
	if err := c.checkReviewer(in.Reviewer); err != nil {
		return err
	}
	switch {
	case in.Version != c.state.Draft.Version:
		return refuse(contract.ErrTypeStaleVersion, "draft version %d is stale: the current version is %d", in.Version, c.state.Draft.Version)
	case in.Decision == contract.DecisionApprove && c.approvedBy(in.Reviewer.ID):
		return refuse(contract.ErrTypeForbidden, "%s already approved; a second, different approver is needed", in.Reviewer.ID)
	case in.Decision == contract.DecisionRequestDocuments:
		return c.validateDocumentsRequest(ctx, in)
	}
	return nil
}

// checkReviewer refuses a reviewer who is anonymous, lacks the roles the
// template names, works in another service than the case's, or submitted
// the case.
func (c *caseRun) checkReviewer(r contract.Actor) error {
	switch {
	case r.ID == "":
		return refuse(contract.ErrTypeForbidden, "reviewer identity is missing")
	case !r.HasRole(c.reviewerRoles()...):
		return refuse(contract.ErrTypeForbidden, "%s may not review this case: one of the roles %v is required", r.ID, c.reviewerRoles())
	case !c.inService(r):
		return refuse(contract.ErrTypeForbidden, "%s may not review this case: it belongs to the service %s, not one of theirs", r.ID, c.state.Service)
	case r.ID == c.state.SubmittedBy.ID:
		return refuse(contract.ErrTypeForbidden, "four-eyes rule: %s submitted this case and may not review it", r.ID)
	}
	return nil
}

// inService reports whether a works in the case's service. Cases started
// before cases had a service accept everyone.
func (c *caseRun) inService(a contract.Actor) bool {
	return c.state.Service == "" || a.Handles(c.state.Service)
}

// reviewerRoles are the roles the case's template lets review it; cases
// started before templates declared them accept caseworkers and supervisors.
func (c *caseRun) reviewerRoles() []string {
	if roles := c.prefill.Approval.Roles; len(roles) > 0 {
		return roles
	}
	return []string{contract.RoleCaseworker, contract.RoleSupervisor}
}

func checkDecision(in contract.ReviewInput) error {
	switch in.Decision {
	case contract.DecisionApprove:
		if len(in.Body) > maxBodyLength {
			return refuse(contract.ErrTypeInvalidReview, "edited body exceeds %d characters", maxBodyLength)
		}
	case contract.DecisionReject, contract.DecisionRequestChanges:
		if in.Comment == "" {
			return refuse(contract.ErrTypeInvalidReview, "a comment is required to %s", in.Decision)
		}
		if in.Body != "" {
			return refuse(contract.ErrTypeInvalidReview, "an edited body can only come with approve")
		}
	case contract.DecisionRequestDocuments: // checked against the calendar by validateDocumentsRequest
	default:
		return refuse(contract.ErrTypeInvalidReview, "decision %q is not one of approve, reject, request_changes, request_documents", in.Decision)
	}
	return nil
}

func refuse(kind, format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), kind)
}

// handleReview hands an accepted review to the main loop and returns once
// the case has moved on, with the stage it moved to: the next stage, or
// still awaiting_approval when the approval was kept and another is needed.
func (c *caseRun) handleReview(ctx workflow.Context, in contract.ReviewInput) (contract.ReviewResult, error) {
	recorded := c.recorded
	c.pending = &contract.Review{ReviewInput: in, At: workflow.Now(ctx)}
	moved := func() bool {
		return c.pending == nil && (c.state.Stage != contract.StageAwaitingApproval || c.recorded != recorded)
	}
	if err := workflow.Await(ctx, moved); err != nil {
		return contract.ReviewResult{}, err
	}
	return contract.ReviewResult{Stage: c.state.Stage, Version: c.state.Draft.Version}, nil
}
