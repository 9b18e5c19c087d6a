package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baseline is a bare workflow shaped like a case, doing nothing around
// one Update: what Dossier adds over it is Dossier's own cost. The plan's
// shape is a case's steps as ordinary activities: 4 before the approval
// (two events, prefill, draft) and 6 after (four events, render, notify).
// The lean shape is how a case runs them since the lean case: the draft
// and the rendering as activities, the events, the prefill and the email
// as local activities.
const (
	baselineQueue  = "dossier-bench-baseline"
	baselineUpdate = "approve"
)

// The baseline's shapes: each step is an activity (false) or a local
// activity (true), before and after the Update.
var (
	ShapeActivities = Shape{Name: "activities", Before: []bool{false, false, false, false},
		After: []bool{false, false, false, false, false, false}}
	ShapeLean = Shape{Name: "lean", Before: []bool{true, true, false, true},
		After: []bool{true, false, true, true, true, true}}
)

// Shape is the steps of a baseline workflow.
type Shape struct {
	Name          string
	Before, After []bool
}

// Baseline runs the baseline workflow on a worker of its own, on the same
// Temporal server as Dossier's cases.
type Baseline struct {
	client client.Client
	worker worker.Worker
	// waiting holds, by workflow id, the channel each overhead baseline's
	// drafted step is told on.
	waiting sync.Map
}

// StartBaseline registers the baseline workflow and its no-op activity
// with a worker on their own task queue.
func StartBaseline(c client.Client) (*Baseline, error) {
	w := worker.New(c, baselineQueue, worker.Options{})
	b := &Baseline{client: c, worker: w}
	w.RegisterWorkflow(BaselineWorkflow)
	w.RegisterWorkflow(BaselineDraftWorkflow)
	w.RegisterActivity(NoOp)
	w.RegisterActivityWithOptions(b.model, activity.RegisterOptions{Name: activityModel})
	w.RegisterActivityWithOptions(b.reached, activity.RegisterOptions{Name: activityReached})
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("bench: baseline worker: %w", err)
	}
	return b, nil
}

// Stop stops the baseline worker.
func (b *Baseline) Stop() { b.worker.Stop() }

// NoOp is the baseline's activity.
func NoOp(context.Context, int) error { return nil }

// BaselineWorkflow runs the no-op steps of shape before and after the
// approve Update, which returns once the workflow waits for it.
func BaselineWorkflow(ctx workflow.Context, shape Shape) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}})
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute,
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
	steps := func(local []bool) error {
		for i, l := range local {
			f := workflow.ExecuteActivity(ctx, NoOp, i)
			if l {
				f = workflow.ExecuteLocalActivity(ctx, NoOp, i)
			}
			if err := f.Get(ctx, nil); err != nil {
				return err
			}
		}
		return nil
	}
	if err := steps(shape.Before); err != nil {
		return err
	}
	ready = true
	if err := workflow.Await(ctx, func() bool { return approved }); err != nil {
		return err
	}
	return steps(shape.After)
}

// driver runs baseline workflows of shape: each started, sent its Update
// (which returns at the wait point), and waited for to its end.
func (b *Baseline) driver(shape Shape) caseDriver {
	return func(ctx context.Context, i int) (time.Duration, time.Duration, error) {
		return b.oneCase(ctx, shape, i)
	}
}

func (b *Baseline) oneCase(ctx context.Context, shape Shape, i int) (time.Duration, time.Duration, error) {
	start := time.Now()
	run, err := b.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: fmt.Sprintf("bench-baseline-%s-%d-%d", shape.Name, start.UnixNano(), i), TaskQueue: baselineQueue,
		EnableEagerStart: true, // as Dossier's cases start
	}, BaselineWorkflow, shape)
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

// The overhead's baseline is the part of a lean case up to awaiting
// approval, bare: two local activities (the submitted event, the prefill),
// an activity that waits the model's latency (the draft), then a local
// activity where the case would publish its drafted event, which tells the
// benchmark at once, in process. What a case takes above it is Dossier's
// code on the way; what the baseline takes is Temporal's.
const (
	activityModel   = "Draft" // named as a case's, so that their phases line up
	activityReached = "BaselineReached"
)

// BaselineDraftWorkflow runs the baseline of the overhead benchmark, with
// a model that answers in latency.
func BaselineDraftWorkflow(ctx workflow.Context, latency time.Duration) (time.Duration, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: latency + time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}})
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}})
	for i := range 2 {
		if err := workflow.ExecuteLocalActivity(lctx, NoOp, i).Get(ctx, nil); err != nil {
			return 0, err
		}
	}
	var model time.Duration
	if err := workflow.ExecuteActivity(actx, activityModel, latency).Get(ctx, &model); err != nil {
		return 0, err
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	return model, workflow.ExecuteLocalActivity(lctx, activityReached, id).Get(ctx, nil)
}

// model waits latency, as a model answering would, and returns how long
// it waited.
func (b *Baseline) model(ctx context.Context, latency time.Duration) (time.Duration, error) {
	start := time.Now()
	select {
	case <-time.After(latency):
		return time.Since(start), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// reached tells whoever waits for the baseline workflow id that it got
// where a case awaits approval.
func (b *Baseline) reached(_ context.Context, id string) error {
	if ch, ok := b.waiting.Load(id); ok {
		select {
		case ch.(chan time.Time) <- time.Now():
		default:
		}
	}
	return nil
}

// draftCase runs one baseline of the overhead benchmark and returns, once
// its workflow has ended, its time from the start to the drafted step and
// the model's time in it.
func (b *Baseline) draftCase(ctx context.Context, i int, latency time.Duration) (t timing, model time.Duration, err error) {
	t.id = fmt.Sprintf("bench-baseline-draft-%d-%d", time.Now().UnixNano(), i)
	ch := make(chan time.Time, 1)
	b.waiting.Store(t.id, ch)
	defer b.waiting.Delete(t.id)
	t.submitted = time.Now()
	run, err := b.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: t.id, TaskQueue: baselineQueue,
		EnableEagerStart: true}, BaselineDraftWorkflow, latency)
	if err != nil {
		return t, 0, err
	}
	if err := run.Get(ctx, &model); err != nil {
		return t, 0, err
	}
	select {
	case at := <-ch:
		t.toAwaiting = at.Sub(t.submitted)
		return t, model, nil
	default:
		return t, 0, fmt.Errorf("bench: baseline %s ended without reaching its drafted step", t.id)
	}
}
