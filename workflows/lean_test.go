package workflows

import (
	"errors"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/histtest"
)

// leanShape is what a stored history says about the cost of a case: the
// version markers, the activities scheduled, the search attribute upserts
// and the workflow tasks.
type leanShape struct {
	versionMarkers, upserts, workflowTasks int
	activities                             []string
}

func shapeOf(t *testing.T, name string) leanShape {
	t.Helper()
	h := histtest.Load(t, name)
	var s leanShape
	for _, e := range h.GetEvents() {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
				s.versionMarkers++
			}
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			s.upserts++
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			s.workflowTasks++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			s.activities = append(s.activities, activityName(e))
		}
	}
	return s
}

func activityName(e *historypb.HistoryEvent) string {
	return e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
}

// TestLeanCaseCostsLess compares an approved case before and since
// versionLeanCase, both recorded from the dev stack: one version marker
// instead of one per change, the prefill and the email in workflow tasks
// already running, and the stage's search attributes upserted with the
// ones set just before it.
func TestLeanCaseCostsLess(t *testing.T) {
	before, lean := shapeOf(t, "approved-local-publish"), shapeOf(t, "approved-lean")
	if lean.versionMarkers != 1 || before.versionMarkers < 3 {
		t.Errorf("version markers: %d before, %d lean; want one for the lean case", before.versionMarkers, lean.versionMarkers)
	}
	if want := []string{contract.ActivityDraft, contract.ActivityRender}; !slices.Equal(lean.activities, want) {
		t.Errorf("lean case scheduled activities %v, want only %v (prefill and email run in workflow tasks)", lean.activities, want)
	}
	// one upsert per stage change after the start (drafting, awaiting
	// approval, rendering, notifying, completed) and the version's
	if lean.upserts != 6 || lean.upserts >= before.upserts {
		t.Errorf("upserts: %d before, %d lean; want 6", before.upserts, lean.upserts)
	}
	if lean.workflowTasks != before.workflowTasks-2 {
		t.Errorf("workflow tasks: %d before, %d lean; want two fewer", before.workflowTasks, lean.workflowTasks)
	}
}

// TestLeanTriesThenRetries: a lean case tries the prefill and the email
// once in its workflow task; a failure that may pass is retried as an
// ordinary activity, and the case goes on.
func (s *caseSuite) TestLeanTriesThenRetries() {
	s.prefillFails = []error{errors.New("rna.association is unavailable")}
	s.notifyFails = []error{errors.New("relay refused the connection")}
	s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal(2, s.prefillCalls, "the local try, then the activity")
	s.Equal(2, s.notifyCalls, "the local try, then the activity")
	s.Require().Len(st.Notifications, 1)
	s.Empty(st.Flags)
}

// TestLeanFinalFailureIsNotRetried: an error that cannot pass ends the
// local try at once: an email refused for good flags the channel, an
// invalid submission fails the case.
func (s *caseSuite) TestLeanFinalFailureIsNotRetried() {
	s.notifyFails = []error{temporal.NewNonRetryableApplicationError("mailbox does not exist", "Rejected", nil)}
	s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal(1, s.notifyCalls)
	s.Require().Len(st.Flags, 1)
	s.Equal("notification_failed", st.Flags[0].Kind)
}

func (s *caseSuite) TestLeanInvalidSubmissionFailsAtOnce() {
	s.prefillFails = []error{temporal.NewApplicationError("email: not an address", contract.ErrTypeInvalidSubmission)}
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.Error(s.env.GetWorkflowError())
	s.Equal(1, s.prefillCalls)
}
