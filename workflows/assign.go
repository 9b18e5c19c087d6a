package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// maxAssigneeLength bounds an assignee's account id.
const maxAssigneeLength = 64

// validateAssign refuses, before anything is written to the history, an
// assignment the case cannot take: on a closed case (CaseClosed); by
// someone anonymous, without the caseworker or supervisor role, or outside
// the case's service (Forbidden); to a malformed id (InvalidAssign); or,
// from a caseworker, anything but claiming the case for themself while it
// is unassigned or already theirs (Forbidden). A supervisor may assign the
// case to anyone, or unassign it with an empty assignee.
func (c *caseRun) validateAssign(ctx workflow.Context, in contract.AssignInput) error {
	by := in.By
	switch {
	case c.closed():
		return refuse(contract.ErrTypeCaseClosed, "case is %s: it can no longer be assigned", c.state.Stage)
	case by.ID == "":
		return refuse(contract.ErrTypeForbidden, "identity of who assigns is missing")
	case !by.HasRole(contract.RoleCaseworker, contract.RoleSupervisor):
		return refuse(contract.ErrTypeForbidden, "%s may not assign cases: the caseworker or supervisor role is required", by.ID)
	case !c.inService(by):
		return refuse(contract.ErrTypeForbidden, "%s may not assign this case: it belongs to the service %s, not one of theirs", by.ID, c.state.Service)
	case len(in.Assignee) > maxAssigneeLength || strings.TrimSpace(in.Assignee) != in.Assignee:
		return refuse(contract.ErrTypeInvalidAssign, "assignee %q is not an account id", in.Assignee)
	case by.HasRole(contract.RoleSupervisor):
		return nil
	case in.Assignee == "":
		return refuse(contract.ErrTypeForbidden, "only a supervisor may unassign a case")
	case in.Assignee != by.ID:
		return refuse(contract.ErrTypeForbidden, "a caseworker may only claim a case for themself; a supervisor may assign it to %s", in.Assignee)
	case c.state.Assignee != "" && c.state.Assignee != by.ID:
		return refuse(contract.ErrTypeForbidden, "case is assigned to %s; only a supervisor may reassign it", c.state.Assignee)
	}
	return nil
}

// closed reports whether the case has ended.
func (c *caseRun) closed() bool {
	switch c.state.Stage {
	case contract.StageCompleted, contract.StageRejected, contract.StageFailed:
		return true
	}
	return false
}

// handleAssign gives the case to in.Assignee (nobody when empty), keeps the
// CaseAssignee search attribute in step, announces it (assigned), and
// returns the new assignee. Assigning the case to whom already holds it
// changes nothing and announces nothing.
func (c *caseRun) handleAssign(ctx workflow.Context, in contract.AssignInput) (string, error) {
	if in.Assignee == c.state.Assignee {
		return c.state.Assignee, nil
	}
	c.state.Assignee = in.Assignee
	c.assignments++
	update := contract.SearchAssignee.ValueSet(in.Assignee)
	if in.Assignee == "" {
		update = contract.SearchAssignee.ValueUnset()
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, update); err != nil {
		workflow.GetLogger(ctx).Error("upsert assignee search attribute", "error", err)
	}
	c.publish(ctx, contract.EventAssigned, contract.Event{Actor: in.By.ID, Reason: in.Assignee, Version: c.draftVersion(), Seq: c.assignments})
	return in.Assignee, nil
}

// draftVersion is the current draft's version, 0 before the first draft.
func (c *caseRun) draftVersion() int {
	if c.state.Draft == nil {
		return 0
	}
	return c.state.Draft.Version
}
