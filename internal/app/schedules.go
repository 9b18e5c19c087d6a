package app

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
)

// EnsureSchedules creates the schedules the worker's workflows need, when
// they do not exist yet: the audit chain's digest, every night at 00:05
// in Paris. An existing schedule is left as the operators may have tuned it.
func EnsureSchedules(ctx context.Context, c client.Client) error {
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: contract.ScheduleAuditDigest,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: 0}}, Minute: []client.ScheduleRange{{Start: 5}}}},
			TimeZoneName: "Europe/Paris",
		},
		Action: &client.ScheduleWorkflowAction{
			ID: contract.ScheduleAuditDigest, Workflow: contract.WorkflowAuditDigest, TaskQueue: contract.TaskQueue,
			RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3},
		},
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) && !errors.As(err, &exists) {
		return fmt.Errorf("schedule %s: %w", contract.ScheduleAuditDigest, err)
	}
	return nil
}
