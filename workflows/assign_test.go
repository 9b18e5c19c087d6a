package workflows

import (
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/dossier/dossier/internal/contract"
)

// assign sends the assign Update after delay and records its outcome.
func (s *caseSuite) assign(delay time.Duration, in contract.AssignInput) *assignOutcome {
	out := &assignOutcome{}
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(contract.UpdateAssign, "assign-"+in.By.ID+delay.String(), &testsuite.TestUpdateCallback{
			OnReject: func(err error) { out.err, out.done = err, true },
			OnAccept: func() {},
			OnComplete: func(v interface{}, err error) {
				out.done, out.err = true, err
				out.assignee, _ = v.(string)
			},
		}, in)
	}, delay)
	return out
}

type assignOutcome struct {
	assignee string
	err      error
	done     bool
}

func (s *caseSuite) TestClaimAndAssign() {
	claim := s.assign(time.Minute, contract.AssignInput{Assignee: "camille", By: camilleRU})
	taken := s.assign(2*time.Minute, contract.AssignInput{Assignee: "noor", By: noorRU})
	reassign := s.assign(3*time.Minute, contract.AssignInput{Assignee: "noor", By: dominiqueRU})
	var held contract.CaseState
	s.env.RegisterDelayedCallback(func() { held = s.query() }, 4*time.Minute)
	release := s.assign(5*time.Minute, contract.AssignInput{Assignee: "", By: dominiqueRU})
	s.review(time.Hour, approve(1, camilleRU))
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())

	s.NoError(claim.err)
	s.Equal("camille", claim.assignee)
	s.Require().Error(taken.err)
	s.Equal(contract.ErrTypeForbidden, appErrType(taken.err))
	s.Contains(taken.err.Error(), "assigned to camille")
	s.NoError(reassign.err)
	s.Equal("noor", reassign.assignee)
	s.Equal("noor", held.Assignee)
	s.NoError(release.err)
	st := s.finalState()
	s.Equal("", st.Assignee)
	s.Equal([]string{"submitted", "drafted", "assigned", "assigned", "assigned", "approved", "rendered", "notified", "completed"}, s.events)
	var who, whom []string
	var seq []int
	for _, e := range s.published[2:5] {
		who, whom, seq = append(who, e.Actor), append(whom, e.Reason), append(seq, e.Seq)
	}
	s.Equal([]string{"camille", "dominique", "dominique"}, who)
	s.Equal([]string{"camille", "noor", ""}, whom)
	s.Equal([]int{1, 2, 3}, seq)
	s.Equal("noor", s.attrs[contract.SearchAssignee.GetName()], "the last value set")
	s.Equal(1, s.unsets, "unassigned: the attribute is removed")
}

// Claiming a case one holds already changes nothing and announces nothing.
func (s *caseSuite) TestClaimTwiceIsANoOp() {
	first := s.assign(time.Minute, contract.AssignInput{Assignee: "camille", By: camilleRU})
	again := s.assign(2*time.Minute, contract.AssignInput{Assignee: "camille", By: camilleRU})
	s.review(time.Hour, approve(1, noorRU))
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())
	s.NoError(first.err)
	s.NoError(again.err)
	s.Equal("camille", again.assignee)
	s.Equal("camille", s.finalState().Assignee)
	s.Equal("camille", s.attrs[contract.SearchAssignee.GetName()])
	s.Equal([]string{"submitted", "drafted", "assigned", "approved", "rendered", "notified", "completed"}, s.events)
}

// TestValidateAssign checks every rule of the assign validator on a case
// of the relations-usagers service.
func TestValidateAssign(t *testing.T) {
	auditor := withServices(alex, serviceRU)
	tests := []struct {
		name     string
		stage    contract.Stage
		service  string
		holder   string
		in       contract.AssignInput
		wantType string
	}{
		{"caseworker claims", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: "camille", By: camilleRU}, ""},
		{"caseworker claims again", contract.StageAwaitingApproval, serviceRU, "camille", contract.AssignInput{Assignee: "camille", By: camilleRU}, ""},
		{"caseworker claims while drafting", contract.StageDrafting, serviceRU, "", contract.AssignInput{Assignee: "camille", By: camilleRU}, ""},
		{"caseworker takes someone else's", contract.StageAwaitingApproval, serviceRU, "noor", contract.AssignInput{Assignee: "camille", By: camilleRU}, contract.ErrTypeForbidden},
		{"caseworker assigns another", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: "noor", By: camilleRU}, contract.ErrTypeForbidden},
		{"caseworker unassigns", contract.StageAwaitingApproval, serviceRU, "camille", contract.AssignInput{Assignee: "", By: camilleRU}, contract.ErrTypeForbidden},
		{"caseworker of another service", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: "yannick", By: yannick}, contract.ErrTypeForbidden},
		{"old case without service", contract.StageAwaitingApproval, "", "", contract.AssignInput{Assignee: "yannick", By: yannick}, ""},
		{"supervisor reassigns", contract.StageAwaitingApproval, serviceRU, "camille", contract.AssignInput{Assignee: "noor", By: dominiqueRU}, ""},
		{"supervisor unassigns", contract.StageAwaitingApproval, serviceRU, "camille", contract.AssignInput{Assignee: "", By: dominiqueRU}, ""},
		{"supervisor of another service", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: "noor", By: withServices(dominique, "voirie")}, contract.ErrTypeForbidden},
		{"auditor", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: "alex", By: auditor}, contract.ErrTypeForbidden},
		{"anonymous", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: "camille"}, contract.ErrTypeForbidden},
		{"malformed assignee", contract.StageAwaitingApproval, serviceRU, "", contract.AssignInput{Assignee: " noor", By: dominiqueRU}, contract.ErrTypeInvalidAssign},
		{"completed", contract.StageCompleted, serviceRU, "", contract.AssignInput{Assignee: "noor", By: dominiqueRU}, contract.ErrTypeCaseClosed},
		{"rejected", contract.StageRejected, serviceRU, "", contract.AssignInput{Assignee: "camille", By: camilleRU}, contract.ErrTypeCaseClosed},
		{"failed", contract.StageFailed, serviceRU, "", contract.AssignInput{Assignee: "camille", By: camilleRU}, contract.ErrTypeCaseClosed},
		{"rendering is not closed", contract.StageRendering, serviceRU, "", contract.AssignInput{Assignee: "noor", By: dominiqueRU}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := serviceInput()
			in.Service = tt.service
			c := newCaseRun(in)
			c.state.Stage, c.state.Assignee = tt.stage, tt.holder
			err := c.validateAssign(nil, tt.in)
			switch {
			case tt.wantType == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.wantType != "" && (err == nil || appErrType(err) != tt.wantType):
				t.Errorf("error %v, want %s", err, tt.wantType)
			}
		})
	}
}
