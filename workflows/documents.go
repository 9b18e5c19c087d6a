package workflows

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/templates"
)

// versionRequestDocuments guards asking the applicant for missing
// documents; cases started before it could not take that decision.
const versionRequestDocuments = "request-documents"

// Bounds of a request for documents and of a receipt.
const (
	maxDocuments      = 30
	maxDocumentLength = 300
	maxNoteLength     = 1000
	// maxDueMonths bounds how far ahead documents may be asked for.
	maxDueMonths = 6
)

// documentsNamespace derives the demande-pieces case id from the case's
// id and the request's number, so that a replayed or retried request
// names the same case.
var documentsNamespace = uuid.MustParse("6f1d2c1e-8d4b-4c8e-9a61-0b7c3f5d2a90")

// awaitDocuments suspends the case while the applicant is asked for the
// documents a reviewer listed: it starts the demande-pieces letter as a
// case of its own (approved and sent like any letter), waits until the
// documents are declared received or their due date passes, counts the
// legal deadline again (CRPA L114-5 for SVA, R114-5 for SVR), and puts the
// case back before its reviewers with the current draft.
func (c *caseRun) awaitDocuments(ctx workflow.Context, review contract.Review) error {
	c.has(ctx, versionRequestDocuments)
	req := contract.DocumentsRequest{
		Seq: len(c.state.DocumentsRequests) + 1, RequestedAt: review.At, RequestedBy: review.Reviewer.ID,
		Documents: review.Documents, DueDate: review.DueDate, Comment: review.Comment,
	}
	if c.state.Deadline != nil {
		req.DeadlineBefore = c.state.Deadline.Date
	}
	req.Letter = c.startDocumentsLetter(ctx, req)
	c.state.DocumentsRequests = append(c.state.DocumentsRequests, req)
	at := len(c.state.DocumentsRequests) - 1
	// The reviewer's Update returns here, with the letter started.
	c.enter(ctx, contract.StageAwaitingDocuments)
	c.publish(ctx, contract.EventDocumentsRequested, contract.Event{Actor: req.RequestedBy, Version: c.draftVersion(),
		Seq: req.Seq, Documents: req.Documents, DueDate: req.DueDate, Related: req.Letter, Reason: req.Comment})
	received, err := c.waitForDocuments(ctx, req.DueDate)
	if err != nil {
		return err
	}
	c.endDocumentsRequest(ctx, &c.state.DocumentsRequests[at], received)
	c.docsIn = nil
	c.enter(ctx, contract.StageAwaitingApproval)
	c.watchDeadline(ctx)
	c.flushSearchAttributes(ctx)
	return nil
}

// startDocumentsLetter starts the demande-pieces case that asks the
// applicant for the documents, and returns its id; a letter that cannot be
// prepared or started is logged and flagged, and the case still waits.
func (c *caseRun) startDocumentsLetter(ctx workflow.Context, req contract.DocumentsRequest) string {
	id := uuid.NewSHA1(documentsNamespace, []byte(fmt.Sprintf("%s/documents/%d", c.in.CaseID, req.Seq))).String()
	var letter contract.DocumentsLetter
	actx := withActivityOptions(ctx)
	in := contract.DocumentsLetterInput{Parent: c.in, Facts: c.state.Facts, Request: req, CaseID: id}
	err := workflow.ExecuteActivity(actx, contract.ActivityDocumentsLetter, in).Get(actx, &letter)
	if err == nil {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            id,
			TaskQueue:             contract.TaskQueue,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			Memo:                  map[string]any{contract.MemoApplicant: letter.Input.Submission.Applicant.Name},
			TypedSearchAttributes: temporal.NewSearchAttributes(
				contract.SearchStage.ValueSet(string(contract.StagePrefilling)),
				contract.SearchTemplate.ValueSet(letter.Input.Submission.Template),
				contract.SearchSubmitter.ValueSet(letter.Input.SubmittedBy.ID),
				contract.SearchService.ValueSet(letter.Input.Service),
				contract.SearchApplicant.ValueSet(letter.ApplicantWords),
			),
		})
		child := workflow.ExecuteChildWorkflow(cctx, contract.WorkflowName, letter.Input)
		err = child.GetChildWorkflowExecution().Get(ctx, nil)
	}
	if err != nil {
		workflow.GetLogger(ctx).Error("start demande-pieces letter", "case", c.in.CaseID, "error", err)
		c.state.Flags = append(c.state.Flags, contract.Flag{Kind: "documents_letter", Field: "documents",
			Message: "the letter asking for the documents could not be started: " + err.Error()})
		return ""
	}
	return id
}

// waitForDocuments waits for the documents-received Update, or for the
// end of the due day in Paris (nil then), or the workflow's cancellation.
func (c *caseRun) waitForDocuments(ctx workflow.Context, due string) (*contract.DocumentsReceived, error) {
	day, _ := time.ParseInLocation(time.DateOnly, due, paris) // checked by the review's validator
	end := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, paris)
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(tctx, max(end.Sub(workflow.Now(ctx)), time.Second),
		workflow.TimerOptions{Summary: "documents due " + due})
	if err := workflow.Await(ctx, func() bool { return c.docsIn != nil || timer.IsReady() }); err != nil {
		return nil, err
	}
	return c.docsIn, nil
}

// endDocumentsRequest records how the request ended, flags it for the
// reviewers, announces it, and counts the legal deadline again.
func (c *caseRun) endDocumentsRequest(ctx workflow.Context, req *contract.DocumentsRequest, in *contract.DocumentsReceived) {
	e := contract.Event{Version: c.draftVersion(), Seq: req.Seq, Related: req.Letter, DueDate: req.DueDate}
	if in == nil {
		req.Overdue = true
		c.state.Flags = append(c.state.Flags, contract.Flag{Kind: "documents_overdue", Field: "documents",
			Message: "the documents asked for were not received by " + req.DueDate + ": " + strings.Join(req.Documents, "; ")})
		c.resumeDeadline(req, req.DueDate)
		c.publish(ctx, contract.EventDocumentsOverdue, e)
		return
	}
	req.Received, req.ReceivedOn, req.ReceivedBy, req.Note = in.Documents, in.ReceivedOn, in.By.ID, in.Note
	req.ReceivedAt = workflow.Now(ctx)
	c.state.Flags = append(c.state.Flags, contract.Flag{Kind: "documents_received", Field: "documents",
		Message: "documents received on " + in.ReceivedOn + ": " + strings.Join(in.Documents, "; ")})
	c.resumeDeadline(req, in.ReceivedOn)
	e.Actor, e.Documents, e.Reason = in.By.ID, in.Documents, in.Note
	c.publish(ctx, contract.EventDocumentsReceived, e)
}

// resumeDeadline counts the legal deadline again once a request for
// documents ends on day: for SVA it runs anew from the day the documents
// were received (L114-5), and is left as it was when they never came; for
// SVR it was suspended from the request to day (R114-5).
func (c *caseRun) resumeDeadline(req *contract.DocumentsRequest, day string) {
	d := c.state.Deadline
	if d == nil || req.DeadlineBefore == "" {
		return
	}
	end, err1 := time.Parse(time.DateOnly, day)
	before, err2 := time.Parse(time.DateOnly, req.DeadlineBefore)
	if err1 != nil || err2 != nil {
		return
	}
	next := *d
	switch {
	case d.Rule == "SVA" && !req.Overdue:
		next.Date = templates.AddMonths(end, d.Months).Format(time.DateOnly)
	case d.Rule == "SVR":
		y, m, dd := req.RequestedAt.In(paris).Date()
		asked := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		next.Date = before.AddDate(0, 0, max(0, int(end.Sub(asked)/(24*time.Hour)))).Format(time.DateOnly)
	}
	c.state.Deadline = &next
}

// validateDocumentsRequest refuses a request for documents that is
// malformed: no documents, too many or too long, or a due date that is not
// a day after today (in Paris) within six months; or one on a demande-pieces
// letter itself.
func (c *caseRun) validateDocumentsRequest(ctx workflow.Context, in contract.ReviewInput) error {
	if c.in.Submission.Template == contract.DocumentsLetterTemplate {
		return refuse(contract.ErrTypeInvalidReview, "a request for documents cannot itself wait for documents")
	}
	if in.Body != "" {
		return refuse(contract.ErrTypeInvalidReview, "an edited body can only come with approve")
	}
	if err := checkDocuments(in.Documents); err != nil {
		return refuse(contract.ErrTypeInvalidReview, "documents: %s", err.Error())
	}
	due, err := time.ParseInLocation(time.DateOnly, in.DueDate, paris)
	today := startOfDay(workflow.Now(ctx))
	switch {
	case err != nil:
		return refuse(contract.ErrTypeInvalidReview, "due_date %q is not a date (YYYY-MM-DD)", in.DueDate)
	case !due.After(today):
		return refuse(contract.ErrTypeInvalidReview, "due_date %s must be after today", in.DueDate)
	case due.After(today.AddDate(0, maxDueMonths, 0)):
		return refuse(contract.ErrTypeInvalidReview, "due_date %s is more than %d months away", in.DueDate, maxDueMonths)
	}
	return nil
}

// validateDocumentsReceived refuses, before anything is written to the
// history, a receipt the case cannot take: when it waits for no documents
// (or one is being recorded), from someone who may not act on it (the
// integrator that submitted the case, or a caseworker or supervisor of its
// service), or malformed: no documents, a note too long, or a day that is
// not a date between the request and today.
func (c *caseRun) validateDocumentsReceived(ctx workflow.Context, in contract.DocumentsReceived) error {
	if c.state.Stage != contract.StageAwaitingDocuments || c.docsIn != nil || len(c.state.DocumentsRequests) == 0 {
		return refuse(contract.ErrTypeNotAwaitingDocuments, "case is %s: it is not waiting for documents", c.state.Stage)
	}
	by := in.By
	submitter := by.ID == c.state.SubmittedBy.ID && by.HasRole(contract.RoleIntegrator)
	staff := by.HasRole(contract.RoleCaseworker, contract.RoleSupervisor) && c.inService(by)
	if by.ID == "" || !(submitter || staff) {
		return refuse(contract.ErrTypeForbidden, "%q may not declare documents received for this case", by.ID)
	}
	if err := checkDocuments(in.Documents); err != nil {
		return refuse(contract.ErrTypeInvalidDocuments, "documents: %s", err.Error())
	}
	if len(in.Note) > maxNoteLength {
		return refuse(contract.ErrTypeInvalidDocuments, "note exceeds %d characters", maxNoteLength)
	}
	if in.ReceivedOn == "" {
		return nil
	}
	day, err := time.ParseInLocation(time.DateOnly, in.ReceivedOn, paris)
	asked := startOfDay(c.state.DocumentsRequests[len(c.state.DocumentsRequests)-1].RequestedAt)
	switch {
	case err != nil:
		return refuse(contract.ErrTypeInvalidDocuments, "received_on %q is not a date (YYYY-MM-DD)", in.ReceivedOn)
	case day.After(startOfDay(workflow.Now(ctx))):
		return refuse(contract.ErrTypeInvalidDocuments, "received_on %s is in the future", in.ReceivedOn)
	case day.Before(asked):
		return refuse(contract.ErrTypeInvalidDocuments, "received_on %s is before the documents were asked for", in.ReceivedOn)
	}
	return nil
}

// handleDocumentsReceived hands the receipt to the waiting case, dated
// today when it says no day, and returns once the case is back before
// its reviewers.
func (c *caseRun) handleDocumentsReceived(ctx workflow.Context, in contract.DocumentsReceived) (contract.ReviewResult, error) {
	if in.ReceivedOn == "" {
		in.ReceivedOn = workflow.Now(ctx).In(paris).Format(time.DateOnly)
	}
	c.docsIn = &in
	if err := workflow.Await(ctx, func() bool { return c.state.Stage != contract.StageAwaitingDocuments }); err != nil {
		return contract.ReviewResult{}, err
	}
	return contract.ReviewResult{Stage: c.state.Stage, Version: c.draftVersion()}, nil
}

// checkDocuments checks a list of documents: 1 to 30 items, none empty
// or longer than 300 characters.
func checkDocuments(docs []string) error {
	if len(docs) == 0 || len(docs) > maxDocuments {
		return fmt.Errorf("between 1 and %d are required, got %d", maxDocuments, len(docs))
	}
	for i, d := range docs {
		if strings.TrimSpace(d) == "" || len(d) > maxDocumentLength {
			return fmt.Errorf("item %d must be 1 to %d characters", i+1, maxDocumentLength)
		}
	}
	return nil
}

// startOfDay is 00:00 in Paris on t's day.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, paris)
}
