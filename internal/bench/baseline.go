package bench

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baseline is a bare workflow shaped like a case: as many activities
// as a case schedules before its approval (4: two events, prefill, draft)
// and after it (6: four events, render, notify), doing nothing, around one
// Update. What Dossier adds over it is Dossier's own cost.
const (
	baselineQueue  = "dossier-bench-baseline"
	baselineBefore = 4
	baselineAfter  = 6
	baselineUpdate = "approve"
)

// Baseline runs the baseline workflow on a worker of its own, on the same
// Temporal server as Dossier's cases.
type Baseline struct {
	client client.Client
	worker worker.Worker
}

// StartBaseline registers the baseline workflow and its no-op activity
// with a worker on their own task queue.
func StartBaseline(c client.Client) (*Baseline, error) {
	w := worker.New(c, baselineQueue, worker.Options{})
	w.RegisterWorkflow(BaselineWorkflow)
	w.RegisterActivity(NoOp)
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("bench: baseline worker: %w", err)
	}
	return &Baseline{client: c, worker: w}, nil
}

// Stop stops the baseline worker.
func (b *Baseline) Stop() { b.worker.Stop() }

// NoOp is the baseline's activity.
func NoOp(context.Context, int) error { return nil }

// BaselineWorkflow runs the no-op activities before and after the approve
// Update, which returns once the workflow waits for it.
func BaselineWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}})
	ready, approved := false, false
	err := workflow.SetUpdateHandler(ctx, baselineUpdate, func(ctx workflow.Context) error {
		if err := workflow.Await(ctx, func() bool { return ready }); err != nil {
			return err
		}
		approved = true
		return nil
	})
	if err != nil {
		return err
	}
	for i := range baselineBefore {
		if err := workflow.ExecuteActivity(ctx, NoOp, i).Get(ctx, nil); err != nil {
			return err
		}
	}
	ready = true
	if err := workflow.Await(ctx, func() bool { return approved }); err != nil {
		return err
	}
	for i := range baselineAfter {
		if err := workflow.ExecuteActivity(ctx, NoOp, i).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// oneCase starts a baseline workflow, sends its Update (which returns at
// the wait point), and waits for the workflow's end.
func (b *Baseline) oneCase(ctx context.Context, i int) (time.Duration, time.Duration, error) {
	start := time.Now()
	run, err := b.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: fmt.Sprintf("bench-baseline-%d-%d", start.UnixNano(), i), TaskQueue: baselineQueue,
		EnableEagerStart: true, // as Dossier's cases start
	}, BaselineWorkflow)
	if err != nil {
		return 0, 0, err
	}
	h, err := b.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), RunID: run.GetRunID(),
		UpdateName: baselineUpdate, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return 0, 0, err
	}
	toAwaiting, approved := time.Since(start), time.Now()
	if err := run.Get(ctx, nil); err != nil {
		return 0, 0, err
	}
	return toAwaiting, time.Since(approved), nil
}
