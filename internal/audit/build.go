package audit

import (
	"fmt"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"

	"github.com/dossier/dossier/internal/contract"
)

// builder reads a history event after event into a Timeline.
type builder struct {
	t *Timeline
	// activities are the scheduled activities, by scheduling event id.
	activities map[int64]*activity
	// updates are the accepted Updates, by update id.
	updates map[string]update
	// now is the workflow's clock: the start of the latest workflow task,
	// which is what workflow.Now returned while it ran.
	now time.Time
	// drafted is the text of the latest draft, before any reviewer's edit.
	drafted *Draft
	// stageUpserts counts the CaseStage search attribute changes.
	stageUpserts int
	// received is the latest documents-received Update not yet announced.
	received *contract.DocumentsReceived
}

// activity is one scheduled activity and what it was asked.
type activity struct {
	name     string
	input    *commonpb.Payloads
	at       time.Time
	attempts int
}

// update is an accepted Update: its name, and the index of what it made in
// the timeline's list for it.
type update struct {
	name  string
	index int
}

func newBuilder() *builder {
	return &builder{t: &Timeline{}, activities: map[int64]*activity{}, updates: map[string]update{}}
}

var dataConverter = converter.GetDefaultDataConverter()

// decode reads the first payload of p into v; it notes a problem and
// reports false when it cannot.
func (b *builder) decode(what string, p *commonpb.Payloads, v any) bool {
	if len(p.GetPayloads()) == 0 {
		b.problem("%s: no payload", what)
		return false
	}
	if err := dataConverter.FromPayload(p.GetPayloads()[0], v); err != nil {
		b.problem("%s: %v", what, err)
		return false
	}
	return true
}

func (b *builder) problem(format string, args ...any) {
	b.t.Problems = append(b.t.Problems, fmt.Sprintf(format, args...))
}

// start reads the WorkflowExecutionStarted event: the case's input.
func (b *builder) start(e *historypb.HistoryEvent) error {
	a := e.GetWorkflowExecutionStartedEventAttributes()
	if a == nil || a.GetWorkflowType().GetName() != contract.WorkflowName {
		return ErrNotACase
	}
	var in contract.CaseInput
	if len(a.GetInput().GetPayloads()) == 0 || dataConverter.FromPayload(a.GetInput().GetPayloads()[0], &in) != nil {
		return ErrNoCaseInput
	}
	t := b.t
	t.CaseID, t.Reference = in.CaseID, contract.Reference(in.CaseID)
	t.Template, t.Language, t.Service, t.Parent = in.Submission.Template, in.Submission.Language, in.Service, in.Parent
	t.Applicant, t.SubmittedBy, t.Channel, t.SubmittedAt = in.Submission.Applicant, in.SubmittedBy, in.Channel, in.SubmittedAt
	t.StartedAt, t.Status = e.GetEventTime().AsTime(), "running"
	b.now = t.StartedAt
	b.enter(contract.StagePrefilling, t.StartedAt)
	return nil
}

// add reads one event after the first.
func (b *builder) add(e *historypb.HistoryEvent) {
	at := e.GetEventTime().AsTime()
	switch e.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
		b.now = at
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
		a := e.GetActivityTaskScheduledEventAttributes()
		b.activities[e.GetEventId()] = &activity{name: a.GetActivityType().GetName(), input: a.GetInput(), at: at}
		b.scheduled(b.activities[e.GetEventId()])
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
		a := e.GetActivityTaskStartedEventAttributes()
		if act := b.activities[a.GetScheduledEventId()]; act != nil {
			act.attempts = int(a.GetAttempt())
		}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		a := e.GetActivityTaskCompletedEventAttributes()
		if act := b.activities[a.GetScheduledEventId()]; act != nil {
			b.completed(act, a.GetResult(), at)
		}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		a := e.GetActivityTaskFailedEventAttributes()
		b.activityFailed(a.GetScheduledEventId(), a.GetFailure(), at)
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		a := e.GetActivityTaskTimedOutEventAttributes()
		b.activityFailed(a.GetScheduledEventId(), a.GetFailure(), at)
	case enumspb.EVENT_TYPE_MARKER_RECORDED:
		b.marker(e.GetMarkerRecordedEventAttributes(), at)
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
		b.accepted(e.GetWorkflowExecutionUpdateAcceptedEventAttributes())
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
		b.updateCompleted(e.GetWorkflowExecutionUpdateCompletedEventAttributes())
	case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
		b.upserted(e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes(), at)
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
		a := e.GetWorkflowExecutionCancelRequestedEventAttributes()
		b.t.Cancel = &Cancel{At: at, Reason: a.GetCause(), Identity: a.GetIdentity()}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
		if b.t.Failure == nil {
			b.t.Failure = &Failure{Message: failureText(e.GetWorkflowExecutionFailedEventAttributes().GetFailure()), At: at}
		}
	}
}

// upserted follows the CaseStage search attribute, which the workflow sets
// as it enters each stage.
func (b *builder) upserted(sa *commonpb.SearchAttributes, at time.Time) {
	p, ok := sa.GetIndexedFields()[contract.SearchStage.GetName()]
	if !ok {
		return
	}
	var stage string
	if err := dataConverter.FromPayload(p, &stage); err != nil {
		b.problem("stage search attribute at %s: %v", at.Format(time.RFC3339), err)
		return
	}
	b.stageUpserts++
	b.enter(contract.Stage(stage), at)
}

// enter records that the case entered stage at.
func (b *builder) enter(stage contract.Stage, at time.Time) {
	if n := len(b.t.Stages); n > 0 && b.t.Stages[n-1].Stage == stage {
		return
	}
	b.t.Stages = append(b.t.Stages, StageSpan{Stage: stage, Start: at})
	b.t.Stage = stage
}

// finish reads the last event: how the workflow closed, if it did; and
// gives every stage its duration.
func (b *builder) finish(last *historypb.HistoryEvent) {
	t := b.t
	t.AsOf = last.GetEventTime().AsTime()
	if status, ok := closedStatus[last.GetEventType()]; ok {
		t.Status, t.ClosedAt = status, last.GetEventTime().AsTime()
	}
	if b.stageUpserts == 0 {
		b.stagesFromEvents()
	}
	for i := range t.Stages {
		s := &t.Stages[i]
		switch {
		case i+1 < len(t.Stages):
			s.Duration = t.Stages[i+1].Start.Sub(s.Start)
		case s.Stage.Terminal():
		case t.ClosedAt.IsZero():
			s.Ongoing = true
		default:
			s.Duration = t.ClosedAt.Sub(s.Start)
		}
	}
}

// stagesFromEvents follows the stages with the published events, for
// histories that never set the CaseStage search attribute: each event
// carries the stage the case was in when it was published.
func (b *builder) stagesFromEvents() {
	for _, e := range b.t.Events {
		if e.Stage != "" {
			b.enter(e.Stage, e.Time)
		}
	}
}

var closedStatus = map[enumspb.EventType]string{
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:        "completed",
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:           "failed",
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:         "canceled",
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:       "terminated",
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:        "timed_out",
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued_as_new",
}

// failureText says why an activity or the workflow failed: the failure's
// message, and its cause's when that says more.
func failureText(f *failurepb.Failure) string {
	msg := f.GetMessage()
	if c := f.GetCause().GetMessage(); c != "" && !strings.Contains(msg, c) {
		msg += ": " + c
	}
	if info := f.GetTimeoutFailureInfo(); info != nil && msg == "" {
		msg = strings.ToLower(strings.TrimPrefix(info.GetTimeoutType().String(), "TIMEOUT_TYPE_")) + " timeout"
	}
	return msg
}
