package workflows

import (
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// versionDelegatedSteps guards delegated steps; cases started before them
// had none to run.
const versionDelegatedSteps = "delegated-steps"

// errBackToReview ends a delivery whose step before rendering failed: the
// case goes back before its reviewers with the current draft.
var errBackToReview = errors.New("back to review")

// delegate runs, in order, the case's delegated steps that run at, and
// returns the first failure. Each step is an activity that publishes the
// task and is completed by the legacy system's answer (asynchronous
// completion), bounded by the step's timeout and heartbeat.
func (c *caseRun) delegate(ctx workflow.Context, at string, in contract.TaskInput) error {
	for _, step := range c.in.Delegations {
		if step.At != at {
			continue
		}
		c.has(ctx, versionDelegatedSteps)
		if err := c.runStep(ctx, step, in); err != nil {
			return err
		}
	}
	return nil
}

// runStep hands one step over, records how it ended, and announces it.
func (c *caseRun) runStep(ctx workflow.Context, step contract.DelegatedStep, in contract.TaskInput) error {
	in.Step, in.Case, in.Facts = step, c.in, c.state.Facts
	seq := len(c.state.Delegations) + 1
	d := contract.Delegation{Task: step.Task, At: step.At, StartedAt: workflow.Now(ctx)}
	c.publish(ctx, contract.EventTaskSent, contract.Event{Reason: step.Task, Version: c.draftVersion(), Seq: seq})
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: step.Timeout,
		HeartbeatTimeout:    step.Heartbeat,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
		Summary:             "delegated to " + step.Task,
	})
	var answer contract.TaskAnswer
	err := workflow.ExecuteActivity(actx, contract.ActivityDelegate, in).Get(actx, &answer)
	d.EndedAt = workflow.Now(ctx)
	if err != nil {
		d.Status, d.Error = "failed", stepFailure(step, err)
		c.state.Delegations = append(c.state.Delegations, d)
		c.publish(ctx, contract.EventTaskFailed, contract.Event{Reason: d.Error, Version: c.draftVersion(), Seq: seq})
		return errors.New(d.Error)
	}
	d.Status, d.Result = "done", answer.Result
	c.state.Delegations = append(c.state.Delegations, d)
	c.publish(ctx, contract.EventTaskDone, contract.Event{Reason: step.Task, Version: c.draftVersion(), Seq: seq})
	return nil
}

// stepFailure says why a step failed, in words a caseworker can act on.
func stepFailure(step contract.DelegatedStep, err error) string {
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		if timeout.TimeoutType() == enumspb.TIMEOUT_TYPE_HEARTBEAT {
			return fmt.Sprintf("%s: no sign of life for %s: the system stopped answering", step.Task, step.Heartbeat)
		}
		return fmt.Sprintf("%s: no answer within %s", step.Task, step.Timeout)
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return fmt.Sprintf("%s: %s", step.Task, appErr.Message())
	}
	return fmt.Sprintf("%s: %v", step.Task, err)
}

// backToReview puts an approved case whose step before rendering failed
// back before its reviewers: the failure is flagged, earlier approvals
// no longer count, and the legal deadline is watched again.
func (c *caseRun) backToReview(ctx workflow.Context, err error) {
	c.state.Flags = append(c.state.Flags, contract.Flag{Kind: "task_failed", Field: "delegation", Message: err.Error()})
	c.state.Approvals = nil
	c.enter(ctx, contract.StageAwaitingApproval)
	c.watchDeadline(ctx)
	c.flushSearchAttributes(ctx)
}
