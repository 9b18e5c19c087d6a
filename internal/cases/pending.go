package cases

import (
	"context"
	"time"
)

// Pending is a stage step still running or waiting to retry, such as a
// prefill waiting for a legacy system to come back.
type Pending struct {
	Activity    string    `json:"activity"`
	Attempt     int32     `json:"attempt"`
	LastFailure string    `json:"last_failure,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitempty"`
}

// PendingSteps returns what case id is waiting on, from Temporal's
// description of the workflow; nil when nothing is retrying.
func (s *Service) PendingSteps(ctx context.Context, id string) []Pending {
	desc, err := s.Temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil
	}
	var out []Pending
	for _, a := range desc.GetPendingActivities() {
		if a.GetAttempt() <= 1 && a.GetLastFailure() == nil {
			continue
		}
		p := Pending{Activity: a.GetActivityType().GetName(), Attempt: a.GetAttempt(), LastFailure: a.GetLastFailure().GetMessage()}
		if next := a.GetNextAttemptScheduleTime(); next != nil {
			p.NextAttempt = next.AsTime()
		}
		out = append(out, p)
	}
	return out
}
