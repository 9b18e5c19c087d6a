package cases

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
)

// Review sends the reviewer's decision to case id through the review
// Update and waits for the workflow to accept or refuse it. The reviewer
// is the authenticated actor, never a value from the request body.
//
// The case is not read first: the review Update's validator refuses a
// reviewer outside the case's service, and Temporal an unknown case, which
// saves a query to the worker on every decision.
func (s *Service) Review(ctx context.Context, actor contract.Actor, id string, in contract.ReviewInput) (contract.ReviewResult, error) {
	if !caseIDPattern.MatchString(id) {
		return contract.ReviewResult{}, errorf(KindNotFound, "no case %s", id)
	}
	if !actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor) {
		err := errorf(KindForbidden, "%s may not review cases: a caseworker or supervisor role is required", actor.ID)
		s.refused(ctx, actor, id, "review:"+string(in.Decision), err)
		return contract.ReviewResult{}, err
	}
	in.Reviewer = actor
	var res contract.ReviewResult
	err := s.update(ctx, actor, id, contract.UpdateReview, "review:"+string(in.Decision), in, &res)
	return res, err
}

// update sends Update name with arg to case id, waits for the workflow to
// accept and apply it, and decodes its result into res; a refusal from the
// workflow's validator comes back with its kind and is kept on the audit
// trail as actor's refused action.
func (s *Service) update(ctx context.Context, actor contract.Actor, id, name, action string, arg, res any) error {
	handle, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   id,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, res)
	}
	if err != nil {
		err = reviewError(err, id)
		s.refused(ctx, actor, id, action, err)
	}
	return err
}

// reviewError maps a refusal from the workflow's validator to a kind.
func reviewError(err error, id string) error {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		return wrapTemporal(err, "review case", id)
	}
	kind := map[string]Kind{
		contract.ErrTypeStaleVersion:  KindConflict,
		contract.ErrTypeNotReviewable: KindConflict,
		contract.ErrTypeCaseClosed:    KindConflict,
		contract.ErrTypeInvalidAssign: KindInvalid,
		contract.ErrTypeForbidden:     KindForbidden,
		contract.ErrTypeInvalidReview: KindInvalid,
		// documents-received
		contract.ErrTypeNotAwaitingDocuments: KindConflict,
		contract.ErrTypeInvalidDocuments:     KindInvalid,
	}[appErr.Type()]
	if kind == "" {
		return &Error{Kind: KindInternal, Message: "review case " + id, Err: err}
	}
	return &Error{Kind: kind, Message: appErr.Message()}
}

// Document returns the letter of case id, checked against the hash its
// history recorded.
func (s *Service) Document(ctx context.Context, actor contract.Actor, id string) ([]byte, contract.CaseState, error) {
	st, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, st, err
	}
	if st.Document == nil {
		return nil, st, errorf(KindNotFound, "case %s has no letter yet (stage %s)", id, st.Stage)
	}
	raw, err := s.Documents.Get(ctx, st.Document.Object)
	if err != nil {
		return nil, st, &Error{Kind: KindInternal, Message: "read letter of " + id, Err: err}
	}
	if got := sha256Hex(raw); got != st.Document.SHA256 {
		return nil, st, &Error{Kind: KindInternal, Message: fmt.Sprintf("letter of %s does not match its recorded hash", id)}
	}
	return raw, st, nil
}

// PreviewLetter renders case id's letter as it would be sent if actor
// approved it now with body (the current draft's text when empty): the
// same layout and renderer as the letter itself, dated today.
func (s *Service) PreviewLetter(ctx context.Context, actor contract.Actor, id, body string) ([]byte, error) {
	st, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if st.Draft == nil || s.Preview == nil {
		return nil, errorf(KindConflict, "case %s has no draft to preview (stage %s)", id, st.Stage)
	}
	if !actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor) {
		return nil, errorf(KindForbidden, "%s may not preview letters", actor.ID)
	}
	draft := *st.Draft
	if body != "" {
		draft.Body = body
	}
	in := contract.RenderInput{
		Case:  contract.CaseInput{CaseID: st.ID, Submission: contract.Submission{Template: st.Template, Language: st.Language, Applicant: st.Applicant}},
		Draft: draft, Approver: actor, ApprovedAt: s.now(),
	}
	raw, err := s.Preview(in)
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Message: "the letter cannot be rendered: " + err.Error(), Err: err}
	}
	return raw, nil
}
