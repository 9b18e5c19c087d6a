package activities

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/activity"

	"github.com/dossier/dossier/internal/contract"
)

// SubjectPrint is where print jobs go to the legacy print system; its
// answers come back on SubjectPrint + ".done".
const SubjectPrint = SubjectTasks + "print"

// PrintLetter hands the stored letter to the legacy print system as a
// print job carrying this activity's task token, and returns without a
// result: the print system's answer completes the activity (Temporal
// asynchronous completion), or the workflow's timeout ends it. The job's
// message id is the case and version, so a retried hand-over is one job.
func (a *Activities) PrintLetter(ctx context.Context, in contract.NotifyInput) (contract.PrintResult, error) {
	job := contract.PrintJob{
		Token:     base64.StdEncoding.EncodeToString(activity.GetInfo(ctx).TaskToken),
		CaseID:    in.Case.CaseID,
		Reference: contract.Reference(in.Case.CaseID),
		Recipient: append([]string{in.Case.Submission.Applicant.Name}, in.Case.Submission.Applicant.Address...),
		Document:  in.Document,
		Requested: activity.GetInfo(ctx).StartedTime,
	}
	raw, err := json.Marshal(job)
	if err != nil {
		return contract.PrintResult{}, err
	}
	msgID := fmt.Sprintf("%s.print.%s.%d", in.Case.CaseID, in.Document.SHA256[:min(12, len(in.Document.SHA256))], activity.GetInfo(ctx).Attempt)
	if err := a.Events.Publish(ctx, SubjectPrint, msgID, raw); err != nil {
		return contract.PrintResult{}, fmt.Errorf("print job %s: %w", in.Case.CaseID, err)
	}
	return contract.PrintResult{}, activity.ErrResultPending
}
