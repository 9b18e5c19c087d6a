// Package workflows holds CaseWorkflow, the durable process that takes one
// citizen's case from submission to a sent letter. It is deterministic: no
// I/O, no clock, no randomness; everything outside happens in activities.
package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/indicators"
)

// CaseWorkflow runs the five stages of a case: prefill, draft, approval
// (looping back to draft when a reviewer asks for changes), render and
// notify. It returns the final state; a case whose submission is invalid or
// whose stage fails for good ends with an error and the stage "failed".
func CaseWorkflow(ctx workflow.Context, in contract.CaseInput) (contract.CaseState, error) {
	c := newCaseRun(in)
	if err := c.setup(ctx); err != nil {
		return c.state, err
	}
	err := c.run(ctx)
	switch {
	case temporal.IsCanceledError(err):
		c.cancelled(ctx)
		return c.state, err
	case err != nil:
		err = c.fail(ctx, err)
	}
	// An assignment still publishing its event finishes before the case
	// closes, so that its caller gets an answer.
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return c.state, err
}

// caseRun is the state of one case while its workflow runs.
type caseRun struct {
	in      contract.CaseInput
	state   contract.CaseState
	prefill contract.PrefillResult
	// pending is an accepted review the main loop has not acted on yet;
	// deciding is true while the main loop acts on one.
	pending  *contract.Review
	deciding bool
	// draftedBody is the text of the last draft, before any reviewer's edit.
	draftedBody string
	// docsIn is a receipt of missing documents the main loop has not
	// acted on yet.
	docsIn *contract.DocumentsReceived
	// recorded counts the approvals kept while more were needed;
	// assignments the accepted assignments; reminders the reminders sent.
	recorded, assignments, reminders int
	// lean is true for cases started since versionLeanCase; pendingSA are
	// search attributes the next stage change upserts with the stage.
	lean      bool
	pendingSA []temporal.SearchAttributeUpdate
}

func newCaseRun(in contract.CaseInput) *caseRun {
	return &caseRun{in: in, state: contract.CaseState{
		ID:          in.CaseID,
		Template:    in.Submission.Template,
		Language:    in.Submission.Language,
		Stage:       contract.StagePrefilling,
		SubmittedBy: in.SubmittedBy,
		SubmittedAt: in.SubmittedAt,
		Applicant:   in.Submission.Applicant,
		Service:     in.Service,
		Parent:      in.Parent,
	}}
}

func (c *caseRun) setup(ctx workflow.Context) error {
	err := workflow.SetQueryHandler(ctx, contract.QueryState, func() (contract.CaseState, error) {
		return c.state, nil
	})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateReview, c.handleReview,
		workflow.UpdateHandlerOptions{Validator: c.validateReview})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateAssign, c.handleAssign,
		workflow.UpdateHandlerOptions{Validator: c.validateAssign})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateDocumentsReceived, c.handleDocumentsReceived,
		workflow.UpdateHandlerOptions{Validator: c.validateDocumentsReceived})
}

// run is the lifecycle, stage by stage.
func (c *caseRun) run(ctx workflow.Context) error {
	c.lean = workflow.GetVersion(ctx, versionLeanCase, workflow.DefaultVersion, 1) >= 1
	c.publish(ctx, contract.EventSubmitted, contract.Event{Actor: c.in.SubmittedBy.ID})
	if err := c.prefillStage(ctx); err != nil {
		return err
	}
	c.watchDeadline(ctx)
	comment, redraft := "", true
	for {
		if redraft {
			if err := c.draftStage(ctx, comment); err != nil {
				return err
			}
		}
		redraft = true
		review, err := c.decide(ctx)
		if err != nil {
			return err
		}
		switch review.Decision {
		case contract.DecisionRequestDocuments:
			if err := c.awaitDocuments(ctx, review); err != nil {
				return err
			}
			redraft = false
		case contract.DecisionRequestChanges:
			c.publish(ctx, contract.EventChangesRequested, contract.Event{Actor: review.Reviewer.ID, Reason: review.Comment})
			comment = review.Comment
		case contract.DecisionReject:
			c.reject(ctx, review)
			return nil
		default:
			if err := c.deliver(ctx, review); !errors.Is(err, errBackToReview) {
				return err
			}
			redraft = false
		}
	}
}

// prefillStage validates and completes the submission. A legacy system
// that is down may make it wait: the activity retries for up to
// prefillPatience, then the case fails with the reason.
//
// Since versionLeanCase the prefill is first tried once as a local
// activity, in the workflow task that starts the case: a fraction of a
// millisecond of look-ups that no longer make a round trip through the
// server's task queues. When that try fails for a reason that may pass (a
// legacy system down), the prefill goes on as an ordinary activity with its
// retries: a local activity retrying would hold the workflow task, and the
// case could not be read meanwhile.
func (c *caseRun) prefillStage(ctx workflow.Context) error {
	ao := workflow.ActivityOptions{StartToCloseTimeout: time.Minute, ScheduleToCloseTimeout: prefillPatience, RetryPolicy: prefillRetry}
	if err := c.tryLocalFirst(ctx, prefillLocalTimeout, ao, contract.ActivityPrefill, c.in, &c.prefill); err != nil {
		return err
	}
	c.state.TemplateVersion = c.prefill.TemplateVersion
	c.state.Facts, c.state.Sources, c.state.Flags = c.prefill.Facts, c.prefill.Sources, c.prefill.Flags
	c.state.Approval, c.state.Deadline = c.prefill.Approval, c.prefill.Deadline
	c.state.Approval.Approvals = max(c.state.Approval.Approvals, 1)
	return nil
}

// prefillPatience is how long a case waits for a legacy system to answer.
const prefillPatience = 72 * time.Hour

// prefillLocalTimeout bounds the local try of a prefill: the case cannot
// be read while it runs.
const prefillLocalTimeout = 5 * time.Second

// tryLocalFirst runs activity name with in into out. A lean case tries it once as
// a local activity, bounded by localTimeout, in the workflow task already
// running; when that try fails for a reason that may pass, and for older
// cases, it runs as the ordinary activity ao describes, with its retries.
func (c *caseRun) tryLocalFirst(ctx workflow.Context, localTimeout time.Duration, ao workflow.ActivityOptions, name string, in, out any) error {
	if c.lean {
		err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout: localTimeout, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
		}), name, in).Get(ctx, out)
		if err == nil || isFinal(err) {
			return err
		}
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, ao), name, in).Get(ctx, out)
}

// isFinal reports whether an activity's error will not pass on a retry: an
// invalid submission, or an error its activity said not to retry.
func isFinal(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && (appErr.NonRetryable() || appErr.Type() == contract.ErrTypeInvalidSubmission)
}

var prefillRetry = &temporal.RetryPolicy{
	InitialInterval:        2 * time.Second,
	MaximumInterval:        5 * time.Minute,
	NonRetryableErrorTypes: []string{contract.ErrTypeInvalidSubmission},
}

func (c *caseRun) draftStage(ctx workflow.Context, comment string) error {
	c.enter(ctx, contract.StageDrafting)
	version := 1
	if c.state.Draft != nil {
		version = c.state.Draft.Version + 1
	}
	in := contract.DraftInput{Case: c.in, Prefill: c.prefill, Version: version, Comment: comment}
	if comment != "" && c.state.Draft != nil {
		in.PreviousBody = c.state.Draft.Body
	}
	var draft contract.Draft
	// A model may take minutes; the activity bounds its own calls, and is
	// tried three times at most.
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumAttempts: 3},
	})
	if err := workflow.ExecuteActivity(actx, contract.ActivityDraft, in).Get(actx, &draft); err != nil {
		return err
	}
	c.keepPrevious()
	c.state.Draft, c.draftedBody = &draft, draft.Body
	c.publish(ctx, contract.EventDrafted, contract.Event{Version: draft.Version})
	c.enter(ctx, contract.StageAwaitingApproval)
	return nil
}

func (c *caseRun) reject(ctx workflow.Context, review contract.Review) {
	c.enter(ctx, contract.StageRejected)
	c.publish(ctx, contract.EventRejected, contract.Event{Actor: review.Reviewer.ID, Reason: review.Comment, Version: review.Version})
}

// deliver renders the approved letter, stores it, and notifies the citizen.
// How much of the drafted text was kept is measured against the last
// draft, before any reviewer's edit.
func (c *caseRun) deliver(ctx workflow.Context, review contract.Review) error {
	kept := indicators.KeptRatio(c.draftedBody, approvedBody(c.state.Draft, review))
	drafter := c.state.Draft.Drafter
	last := &c.state.Reviews[len(c.state.Reviews)-1]
	last.KeptRatio, last.Drafter = &kept, drafter
	c.recordIndicators(ctx, drafter, kept)
	draft := c.approvedDraft(review)
	c.publish(ctx, contract.EventApproved, contract.Event{Actor: review.Reviewer.ID, Version: draft.Version, KeptRatio: &kept, Drafter: drafter,
		Seq: c.stepFailures()})
	if c.hasSteps(contract.DelegateBeforeRender) {
		c.enter(ctx, contract.StageDelegated)
		step := contract.TaskInput{Draft: &draft, Approver: review.Reviewer.ID}
		if err := c.delegate(ctx, contract.DelegateBeforeRender, step); err != nil {
			c.backToReview(ctx, err)
			return errBackToReview
		}
	}
	c.enter(ctx, contract.StageRendering)
	actx := withActivityOptions(ctx)
	render := contract.RenderInput{Case: c.in, Draft: draft, Approver: review.Reviewer, ApprovedAt: review.At}
	var doc contract.Document
	if err := workflow.ExecuteActivity(actx, contract.ActivityRender, render).Get(actx, &doc); err != nil {
		return err
	}
	c.state.Document = &doc
	c.publish(ctx, contract.EventRendered, contract.Event{Version: draft.Version, SHA256: doc.SHA256})
	c.enter(ctx, contract.StageNotifying)
	if c.has(ctx, "notification-channels") {
		c.notifyChannels(ctx, draft, doc)
	} else {
		var note contract.Notification
		notify := contract.NotifyInput{Case: c.in, Draft: draft, Document: doc}
		if err := workflow.ExecuteActivity(actx, contract.ActivityNotify, notify).Get(actx, &note); err != nil {
			return err
		}
		c.state.Notifications = append(c.state.Notifications, note)
		c.publish(ctx, contract.EventNotified, contract.Event{Reason: note.Channel})
	}
	if err := c.delegate(ctx, contract.DelegateAfterNotify, contract.TaskInput{Draft: &draft, Document: &doc}); err != nil {
		c.state.Flags = append(c.state.Flags, contract.Flag{Kind: "task_failed", Field: "delegation", Message: err.Error()})
	}
	c.enter(ctx, contract.StageCompleted)
	c.publish(ctx, contract.EventCompleted, contract.Event{Version: draft.Version, SHA256: doc.SHA256})
	return nil
}

// hasSteps reports whether the case has delegated steps that run at.
func (c *caseRun) hasSteps(at string) bool {
	for _, s := range c.in.Delegations {
		if s.At == at {
			return true
		}
	}
	return false
}

// stepFailures counts the delegated steps that failed, so that a letter
// approved again after one is announced under a new event id.
func (c *caseRun) stepFailures() int {
	n := 0
	for _, d := range c.state.Delegations {
		if d.Status == "failed" {
			n++
		}
	}
	return n
}

// recordIndicators keeps, as search attributes, who drafted the approved
// text and how much of it was kept, so the administration can follow them
// with visibility queries. Cases approved before this existed have no such
// attributes.
func (c *caseRun) recordIndicators(ctx workflow.Context, drafter string, kept float64) {
	if !c.has(ctx, "indicator-search-attributes") {
		return
	}
	c.upsert(ctx, contract.SearchDrafter.ValueSet(drafter), contract.SearchKeptRatio.ValueSet(kept))
}

// fail records why the case failed, announces it, and returns err for the
// workflow to end with.
func (c *caseRun) fail(ctx workflow.Context, err error) error {
	c.state.Failure = err.Error()
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		c.state.Failure = appErr.Message()
		if appErr.HasDetails() {
			_ = appErr.Details(&c.state.FieldErrors)
		}
	}
	c.enter(ctx, contract.StageFailed)
	c.publish(ctx, contract.EventFailed, contract.Event{Reason: c.state.Failure, Errors: c.state.FieldErrors})
	return temporal.NewNonRetryableApplicationError(c.state.Failure, "CaseFailed", err)
}

// enter moves the case to stage and keeps its search attributes in step,
// with the ones waiting for the stage change in the same upsert.
func (c *caseRun) enter(ctx workflow.Context, stage contract.Stage) {
	c.state.Stage = stage
	c.pendingSA = append(c.pendingSA, contract.SearchStage.ValueSet(string(stage)))
	c.flushSearchAttributes(ctx)
}

// upsert keeps search attributes of the case. A lean case keeps them for
// the next stage change, which always follows: each upsert is a write of
// the case's visibility row by the server.
func (c *caseRun) upsert(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) {
	c.pendingSA = append(c.pendingSA, updates...)
	if !c.lean {
		c.flushSearchAttributes(ctx)
	}
}

// flushSearchAttributes upserts the search attributes waiting, if any.
func (c *caseRun) flushSearchAttributes(ctx workflow.Context) {
	if len(c.pendingSA) == 0 {
		return
	}
	err := workflow.UpsertTypedSearchAttributes(ctx, c.pendingSA...)
	if err != nil {
		workflow.GetLogger(ctx).Error("upsert search attributes", "stage", c.state.Stage, "error", err)
	}
	c.pendingSA = nil
}

// versionLeanCase guards the lean case: one version marker for every
// change before it; the prefill and the email tried first as local
// activities; and search attributes upserted with the stage change that
// follows them. An approved case takes four workflow tasks instead of six,
// two activities instead of four, and five visibility writes fewer.
const versionLeanCase = "lean-case"

// has reports whether the case runs the code of change id. Lean cases run
// every change made before them, without a marker of their own.
func (c *caseRun) has(ctx workflow.Context, id string) bool {
	return c.lean || workflow.GetVersion(ctx, id, workflow.DefaultVersion, 1) >= 1
}

// publish announces a stage transition on dossier.events.<type>. Publishing
// retries for an hour; an event that still cannot go out is logged, and the
// case goes on: the history keeps the transition either way.
func (c *caseRun) publish(ctx workflow.Context, typ string, e contract.Event) {
	e.Type, e.CaseID, e.Template, e.Stage = typ, c.in.CaseID, c.in.Submission.Template, c.state.Stage
	e.Time = workflow.Now(ctx)
	retry := &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute}
	var f workflow.Future
	if c.has(ctx, versionLocalPublish) {
		f = workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout: 10 * time.Second, ScheduleToCloseTimeout: time.Hour, RetryPolicy: retry,
		}), contract.ActivityPublish, e)
	} else {
		f = workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: 10 * time.Second, ScheduleToCloseTimeout: time.Hour, RetryPolicy: retry,
		}), contract.ActivityPublish, e)
	}
	if err := f.Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("publish event", "event", typ, "error", err)
	}
}

// versionLocalPublish guards publishing events from local activities: a
// few milliseconds of NATS each, they no longer make a round trip through
// the Temporal server's task queues (six of a case's ten activities).
const versionLocalPublish = "local-publish"

func withActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        10,
			NonRetryableErrorTypes: []string{contract.ErrTypeInvalidSubmission},
		},
	})
}

// cancelled records a case cancelled by its submitter or an operator: the
// stage "cancelled", its search attribute and event, on a context the
// cancellation does not reach. Cases cancelled before this existed just
// ended.
func (c *caseRun) cancelled(ctx workflow.Context) {
	if !c.has(ctx, "cancelled-stage") {
		return
	}
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	c.enter(ctx, contract.StageCancelled)
	c.publish(ctx, contract.EventCancelled, contract.Event{})
}
