package activities

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"go.temporal.io/sdk/activity"

	"github.com/dossier/dossier/internal/contract"
)

// SubjectTasks prefixes the subjects of delegated tasks:
// dossier.tasks.<name>, answered on dossier.tasks.<name>.done, with signs
// of life on dossier.tasks.<name>.heartbeat.
const SubjectTasks = "dossier.tasks."

// DelegateTask hands a delegated step to its legacy system: it publishes
// the task, carrying this activity's task token, on dossier.tasks.<name>,
// and returns without a result. The system's answer completes the
// activity (Temporal asynchronous completion); its heartbeats keep it
// alive; the workflow's timeouts end it when neither comes. The task's
// message id names the case, the step and this scheduling of it, so a
// retried hand-over is one task.
func (a *Activities) DelegateTask(ctx context.Context, in contract.TaskInput) (contract.TaskAnswer, error) {
	info := activity.GetInfo(ctx)
	task := contract.Task{
		Token: base64.StdEncoding.EncodeToString(info.TaskToken), Task: in.Step.Task, At: in.Step.At,
		CaseID: in.Case.CaseID, Reference: contract.Reference(in.Case.CaseID), Template: in.Case.Submission.Template,
		Language: in.Case.Submission.Language, Facts: in.Facts, Approver: in.Approver, Document: in.Document,
		Requested: info.StartedTime, Deadline: info.Deadline, HeartbeatSeconds: int(in.Step.Heartbeat.Seconds()),
	}
	if in.Draft != nil {
		task.Subject, task.Body = in.Draft.Subject, in.Draft.Body
	}
	raw, err := json.Marshal(task)
	if err != nil {
		return contract.TaskAnswer{}, err
	}
	msgID := fmt.Sprintf("%s.task.%s.%s", in.Case.CaseID, in.Step.Task, info.ActivityID)
	if err := a.Events.Publish(ctx, SubjectTasks+in.Step.Task, msgID, raw); err != nil {
		return contract.TaskAnswer{}, fmt.Errorf("task %s of %s: %w", in.Step.Task, in.Case.CaseID, err)
	}
	return contract.TaskAnswer{}, activity.ErrResultPending
}
