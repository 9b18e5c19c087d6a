package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// AuditDigestWorkflow publishes the digest of the audit chain for the day
// it runs (in Paris). A schedule starts it every night; an outside system
// that keeps the digests can later prove the chain was not rewritten.
func AuditDigestWorkflow(ctx workflow.Context) (contract.AuditDigest, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 5 * time.Minute},
	})
	day := workflow.Now(ctx).In(paris).Format(time.DateOnly)
	var d contract.AuditDigest
	err := workflow.ExecuteActivity(ctx, contract.ActivityAuditDigest, day).Get(ctx, &d)
	return d, err
}
