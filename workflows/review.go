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
// review the case cannot take: the wrong stage, an unknown decision, a
// reviewer without the role or reviewing their own submission (four-eyes),
// or a decision on a draft version that is no longer the current one.
func (c *caseRun) validateReview(ctx workflow.Context, in contract.ReviewInput) error {
	if c.state.Stage != contract.StageAwaitingApproval || c.pending != nil || c.state.Draft == nil {
		return refuse(contract.ErrTypeNotReviewable, "case is %s, not awaiting approval", c.state.Stage)
	}
	if err := checkDecision(in); err != nil {
		return err
	}
	switch {
	case in.Reviewer.ID == "":
		return refuse(contract.ErrTypeForbidden, "reviewer identity is missing")
	case !in.Reviewer.HasRole(c.reviewerRoles()...):
		return refuse(contract.ErrTypeForbidden, "%s may not review this case: one of the roles %v is required", in.Reviewer.ID, c.reviewerRoles())
	case in.Reviewer.ID == c.state.SubmittedBy.ID:
		return refuse(contract.ErrTypeForbidden, "four-eyes rule: %s submitted this case and may not review it", in.Reviewer.ID)
	case in.Version != c.state.Draft.Version:
		return refuse(contract.ErrTypeStaleVersion, "draft version %d is stale: the current version is %d", in.Version, c.state.Draft.Version)
	}
	return nil
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
	default:
		return refuse(contract.ErrTypeInvalidReview, "decision %q is not one of approve, reject, request_changes", in.Decision)
	}
	return nil
}

func refuse(kind, format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), kind)
}

// handleReview hands an accepted review to the main loop and returns once
// the case has moved on, with the stage it moved to.
func (c *caseRun) handleReview(ctx workflow.Context, in contract.ReviewInput) (contract.ReviewResult, error) {
	c.pending = &contract.Review{ReviewInput: in, At: workflow.Now(ctx)}
	if err := workflow.Await(ctx, func() bool { return c.pending == nil && c.state.Stage != contract.StageAwaitingApproval }); err != nil {
		return contract.ReviewResult{}, err
	}
	return contract.ReviewResult{Stage: c.state.Stage, Version: c.state.Draft.Version}, nil
}
