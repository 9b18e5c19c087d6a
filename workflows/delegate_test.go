package workflows

import (
	"context"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
)

var visa = contract.DelegatedStep{Task: "parapheur", At: contract.DelegateBeforeRender, Timeout: 72 * time.Hour, Heartbeat: time.Hour}

// delegated answers the delegated tasks in turn with answers (an error
// fails the task) and records what each was given.
func (s *caseSuite) delegated(answers ...error) *[]contract.TaskInput {
	var got []contract.TaskInput
	s.env.OnActivity(contract.ActivityDelegate, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.TaskInput) (contract.TaskAnswer, error) {
			got = append(got, in)
			if err := answers[len(got)-1]; err != nil {
				return contract.TaskAnswer{}, err
			}
			return contract.TaskAnswer{Status: "done", Result: map[string]string{"signed_by": "Le maire"}}, nil
		})
	return &got
}

// An approved letter goes to the signature tool before it is rendered,
// with the approved text; its answer is kept with the case.
func (s *caseSuite) TestStepBeforeRendering() {
	tasks := s.delegated(nil)
	in := input(legacy)
	in.Delegations = []contract.DelegatedStep{visa}
	ok := s.review(time.Minute, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, in)
	s.Equal(contract.StageDelegated, ok.result.Stage)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal([]string{"submitted", "drafted", "approved", "task_sent", "task_done", "rendered", "notified", "completed"}, s.events)
	s.Require().Len(*tasks, 1)
	s.Equal("Corps v1", (*tasks)[0].Draft.Body)
	s.Equal("camille", (*tasks)[0].Approver)
	s.Equal(visa, (*tasks)[0].Step)
	s.Require().Len(st.Delegations, 1)
	s.Equal("done", st.Delegations[0].Status)
	s.Equal("Le maire", st.Delegations[0].Result["signed_by"])
}

// A signature tool that stops answering: the case goes back to its
// reviewers, flagged with why, and a new approval sends it again.
func (s *caseSuite) TestStepThatTimesOutGoesBackToReview() {
	tasks := s.delegated(temporal.NewTimeoutError(0, nil), nil)
	in := input(legacy)
	in.Delegations = []contract.DelegatedStep{visa}
	s.review(time.Minute, approve(1, camille))
	again := s.review(time.Hour, approve(1, dominique))
	s.env.ExecuteWorkflow(contract.WorkflowName, in)
	s.NoError(again.err)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal([]string{"submitted", "drafted", "approved", "task_sent", "task_failed", "approved", "task_sent", "task_done",
		"rendered", "notified", "completed"}, s.events)
	s.Len(*tasks, 2)
	s.Equal(0, s.published[2].Seq)
	s.Equal(1, s.published[5].Seq, "the second approval of version 1 is another event")
	s.Require().Len(st.Delegations, 2)
	s.Equal("failed", st.Delegations[0].Status)
	s.Contains(st.Flags[0].Message, "parapheur")
	s.Len(st.Reviews, 2)
}

// A failure the system reports is said in its words.
func (s *caseSuite) TestStepFailureIsExplained() {
	s.Equal("parapheur: no sign of life for 1h0m0s: the system stopped answering",
		stepFailure(visa, temporal.NewHeartbeatTimeoutError()))
	s.Equal("parapheur: no answer within 72h0m0s", stepFailure(visa, temporal.NewTimeoutError(0, nil)))
	s.Equal("parapheur: parapheur system: refused: signature refusée",
		stepFailure(visa, temporal.NewApplicationError("parapheur system: refused: signature refusée", "TaskFailed")))
}

// A filing after the letter was sent that fails is flagged; the letter
// went, so the case completes.
func (s *caseSuite) TestStepAfterNotificationIsFlagged() {
	tasks := s.delegated(temporal.NewApplicationError("ged system: failed: disk full", "TaskFailed"))
	in := input(legacy)
	in.Delegations = []contract.DelegatedStep{{Task: "ged", At: contract.DelegateAfterNotify, Timeout: time.Hour}}
	s.review(time.Minute, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, in)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal([]string{"submitted", "drafted", "approved", "rendered", "notified", "task_sent", "task_failed", "completed"}, s.events)
	s.Require().Len(*tasks, 1)
	s.Equal("abc", (*tasks)[0].Document.SHA256)
	s.Require().Len(st.Flags, 1)
	s.Equal("ged: ged system: failed: disk full", st.Flags[0].Message)
}
