package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

const serviceRU = "relations-usagers"

// staff are the people of the tests, with the services they work in.
var (
	camilleRU   = withServices(camille, serviceRU, "vie-associative")
	dominiqueRU = withServices(dominique, serviceRU, "vie-associative", "voirie")
	noorRU      = contract.Actor{ID: "noor", Name: "Noor Haddad", Roles: []string{contract.RoleCaseworker}, Services: []string{serviceRU}}
	yannick     = contract.Actor{ID: "yannick", Name: "Yannick Le Gall", Roles: []string{contract.RoleCaseworker}, Services: []string{"voirie"}}
)

func withServices(a contract.Actor, services ...string) contract.Actor {
	a.Services = services
	return a
}

// serviceInput is a case of the relations-usagers service.
func serviceInput() contract.CaseInput {
	in := input(legacy)
	in.Service = serviceRU
	return in
}

func approve(version int, by contract.Actor) contract.ReviewInput {
	return contract.ReviewInput{Decision: contract.DecisionApprove, Version: version, Reviewer: by}
}

func (s *caseSuite) TestReviewerFromAnotherServiceRefused() {
	other := s.review(time.Minute, approve(1, yannick))
	boss := s.review(2*time.Minute, approve(1, withServices(dominique, "voirie")))
	ok := s.review(3*time.Minute, approve(1, camilleRU))
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())
	for _, refused := range []*outcome{other, boss} {
		s.Require().Error(refused.err)
		s.Equal(contract.ErrTypeForbidden, appErrType(refused.err))
		s.Contains(refused.err.Error(), "service relations-usagers")
	}
	s.NoError(ok.err)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal(serviceRU, st.Service)
	s.Len(st.Reviews, 1)
}

func (s *caseSuite) TestTwoApprovals() {
	s.prefill.Approval = contract.ApprovalPolicy{Roles: []string{contract.RoleCaseworker, contract.RoleSupervisor}, Approvals: 2}
	first := s.review(time.Minute, approve(1, camilleRU))
	again := s.review(2*time.Minute, approve(1, camilleRU))
	second := s.review(3*time.Minute, approve(1, dominiqueRU))
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())
	s.NoError(first.err)
	s.Equal(contract.ReviewResult{Stage: contract.StageAwaitingApproval, Version: 1}, first.result)
	s.Require().Error(again.err)
	s.Equal(contract.ErrTypeForbidden, appErrType(again.err))
	s.Contains(again.err.Error(), "already approved; a second, different approver is needed")
	s.NoError(second.err)
	s.Equal(contract.StageRendering, second.result.Stage)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal([]string{"submitted", "drafted", "approval_recorded", "approved", "rendered", "notified", "completed"}, s.events)
	s.Equal("camille", s.published[2].Actor)
	s.Equal("1 of 2 approvals", s.published[2].Reason)
	s.Equal("dominique", s.published[3].Actor)
	s.Require().Len(st.Approvals, 2)
	s.Equal([]string{"camille", "dominique"}, []string{st.Approvals[0].Reviewer.ID, st.Approvals[1].Reviewer.ID})
	s.Equal(2, st.Approval.Approvals)
	s.Len(st.Reviews, 2, "the refused second approval never reaches the history")
	s.Require().Len(s.renders, 1)
	s.Equal("dominique", s.renders[0].Approver.ID, "the letter is signed by the approval that completed it")
}

func (s *caseSuite) TestRejectAfterOneApprovalClearsIt() {
	s.prefill.Approval = contract.ApprovalPolicy{Roles: []string{contract.RoleCaseworker, contract.RoleSupervisor}, Approvals: 2}
	s.review(time.Minute, approve(1, camilleRU))
	rejected := s.review(2*time.Minute, contract.ReviewInput{Decision: contract.DecisionReject, Version: 1, Comment: "hors délai", Reviewer: dominiqueRU})
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())
	s.NoError(rejected.err)
	st := s.finalState()
	s.Equal(contract.StageRejected, st.Stage)
	s.Empty(st.Approvals)
	s.Equal([]string{"submitted", "drafted", "approval_recorded", "rejected"}, s.events)
}

// A request for changes clears the approvals: the new draft needs two
// again, and who approved the old one may approve the new one.
func (s *caseSuite) TestChangesRequestedAfterOneApprovalClearsIt() {
	s.prefill.Approval = contract.ApprovalPolicy{Roles: []string{contract.RoleCaseworker, contract.RoleSupervisor}, Approvals: 2}
	s.review(time.Minute, approve(1, camilleRU))
	s.review(2*time.Minute, contract.ReviewInput{Decision: contract.DecisionRequestChanges, Version: 1, Comment: "citer la délibération", Reviewer: noorRU})
	again := s.review(3*time.Minute, approve(2, camilleRU))
	var between contract.CaseState
	s.env.RegisterDelayedCallback(func() { between = s.query() }, 4*time.Minute)
	last := s.review(5*time.Minute, approve(2, noorRU))
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())
	s.NoError(again.err)
	s.Equal(contract.ReviewResult{Stage: contract.StageAwaitingApproval, Version: 2}, again.result)
	s.Require().Len(between.Approvals, 1)
	s.Equal(2, between.Approvals[0].Version)
	s.NoError(last.err)
	s.Equal(contract.StageCompleted, s.finalState().Stage)
	s.Equal([]string{"submitted", "drafted", "approval_recorded", "changes_requested", "drafted",
		"approval_recorded", "approved", "rendered", "notified", "completed"}, s.events)
}

// An approval with an edited body makes a new version, which needs its
// own approvals: the editor's counts as the first.
func (s *caseSuite) TestEditedApprovalNeedsASecondApprover() {
	s.prefill.Approval = contract.ApprovalPolicy{Roles: []string{contract.RoleCaseworker, contract.RoleSupervisor}, Approvals: 2}
	s.review(time.Minute, approve(1, camilleRU))
	edit := approve(1, dominiqueRU)
	edit.Body = "Texte corrigé"
	edited := s.review(2*time.Minute, edit)
	stale := s.review(3*time.Minute, approve(1, camilleRU))
	self := s.review(4*time.Minute, approve(2, dominiqueRU))
	last := s.review(5*time.Minute, approve(2, camilleRU))
	s.env.ExecuteWorkflow(contract.WorkflowName, serviceInput())
	s.NoError(edited.err)
	s.Equal(contract.ReviewResult{Stage: contract.StageAwaitingApproval, Version: 2}, edited.result)
	s.Equal(contract.ErrTypeStaleVersion, appErrType(stale.err))
	s.Equal(contract.ErrTypeForbidden, appErrType(self.err), "the editor's approval already counts")
	s.NoError(last.err)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal(2, st.Draft.Version)
	s.Equal("Texte corrigé", st.Draft.Body)
	s.Equal("dominique", st.Draft.EditedBy)
	s.Require().Len(st.Approvals, 2)
	s.Equal([]string{"dominique", "camille"}, []string{st.Approvals[0].Reviewer.ID, st.Approvals[1].Reviewer.ID})
	s.Equal([]string{"submitted", "drafted", "approval_recorded", "approval_recorded", "approved", "rendered", "notified", "completed"}, s.events)
	s.Equal([]int{1, 2, 2}, []int{s.published[2].Version, s.published[3].Version, s.published[4].Version})
	last3 := st.Reviews[len(st.Reviews)-1]
	s.Require().NotNil(last3.KeptRatio)
	s.Equal(0.0, *last3.KeptRatio, "measured against the drafted text, which the edit replaced")
	s.Require().Len(s.renders, 1)
	s.Equal("Texte corrigé", s.renders[0].Draft.Body)
}

// Cases whose first approval was given before approvals were counted
// deliver on it, whatever their template asks.
func (s *caseSuite) TestTwoApprovalsBeforeTheVersionDeliverOnTheFirst() {
	s.prefill.Approval = contract.ApprovalPolicy{Approvals: 2}
	s.env.OnGetVersion(versionTwoApprovals, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.env.OnGetVersion(versionLeanCase, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion) // a case from before both
	s.review(time.Minute, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.Equal(contract.StageCompleted, s.finalState().Stage)
	s.Equal([]string{"submitted", "drafted", "approved", "rendered", "notified", "completed"}, s.events)
}

// query returns the case's state while its workflow runs.
func (s *caseSuite) query() contract.CaseState {
	var st contract.CaseState
	res, err := s.env.QueryWorkflow(contract.QueryState)
	s.Require().NoError(err)
	s.Require().NoError(res.Get(&st))
	return st
}
