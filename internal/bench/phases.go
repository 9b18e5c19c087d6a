package bench

import (
	"context"
	"slices"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
)

// Phase is where part of a case's time to awaiting approval went, read
// from its workflow history: the median over the cases measured.
type Phase struct {
	Name string        `json:"name"`
	P50  time.Duration `json:"p50_ns"`
}

// The phases that no single event ends: the draft besides the model's
// time, and the stretch from the last event to the drafted event.
const (
	phaseDraft = "activity: Draft, besides the model"
	phaseLast  = "after the last event: to the drafted event received"
)

// phaseNames label the time that ends with an event of each type, in the
// order a case meets them.
var phaseNames = map[enumspb.EventType]string{
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: "submit: API call to the workflow started",
	enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:      "server: workflow task handed to the worker",
	enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:    "worker: workflow code and local activities",
	enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:      "server: activity handed to the worker",
	enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:    "server: activity result to the next workflow task",
}

// phaseOrder is the order phases are reported in.
var phaseOrder = []string{
	phaseNames[enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED],
	phaseNames[enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED],
	phaseNames[enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED],
	phaseNames[enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED],
	phaseNames[enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED],
	"activity: Prefill",
	phaseDraft,
	phaseLast,
}

// casePhases splits [start, end] (a case's submit → drafted event) by the
// events of its history in between: each stretch of time is named after
// the event that ends it, an activity's run after its activity. The model's
// time is taken out of the Draft activity.
func casePhases(events []*historypb.HistoryEvent, start, end time.Time, model time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	activities := map[int64]string{}
	prev := start
	for _, e := range events {
		at := e.GetEventTime().AsTime()
		if at.After(end) {
			break
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			activities[e.GetEventId()] = a.GetActivityType().GetName()
		}
		name, ok := phaseNames[e.GetEventType()]
		if a := e.GetActivityTaskCompletedEventAttributes(); a != nil {
			name, ok = "activity: "+activities[a.GetScheduledEventId()], true
		}
		if !ok || !at.After(prev) {
			continue
		}
		out[name] += at.Sub(prev)
		prev = at
	}
	out[phaseLast] += end.Sub(prev)
	if d, ok := out["activity: Draft"]; ok {
		delete(out, "activity: Draft")
		out[phaseDraft] = d - model
	}
	return out
}

// history reads a case's workflow history.
func history(ctx context.Context, c client.Client, id string) ([]*historypb.HistoryEvent, error) {
	var events []*historypb.HistoryEvent
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, nil
}

// medianPhases reports the median of each phase over the cases, in the
// order a case meets them, then any other by name; a case without a phase
// spent nothing in it.
func medianPhases(cases []map[string]time.Duration) []Phase {
	by := map[string][]time.Duration{}
	for _, c := range cases {
		for name, d := range c {
			by[name] = append(by[name], d)
		}
	}
	var rest []string
	for name := range by {
		if !slices.Contains(phaseOrder, name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	var out []Phase
	for _, name := range append(slices.Clone(phaseOrder), rest...) {
		if ds := by[name]; len(ds) > 0 {
			ds = append(ds, make([]time.Duration, len(cases)-len(ds))...)
			out = append(out, Phase{Name: name, P50: summarize(ds).P50})
		}
	}
	return out
}
