package workflows

import (
	"context"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// requestDocuments asks for two documents, due on due.
func requestDocuments(version int, by contract.Actor, due string) contract.ReviewInput {
	return contract.ReviewInput{Decision: contract.DecisionRequestDocuments, Version: version, Reviewer: by,
		Documents: []string{"Justificatif de domicile", "Plan de la terrasse"}, DueDate: due, Comment: "dossier incomplet"}
}

// received sends the documents-received Update after delay.
func (s *caseSuite) received(delay time.Duration, in contract.DocumentsReceived) *outcome {
	return s.update(delay, contract.UpdateDocumentsReceived, "docs"+delay.String(), in)
}

// letters records the demande-pieces cases the workflow prepares and
// starts; the started ones are the child workflows, stubbed.
type letters struct {
	prepared []contract.DocumentsLetterInput
	started  []contract.CaseInput
}

func (s *caseSuite) expectLetters() *letters {
	l := &letters{}
	s.env.OnActivity(contract.ActivityDocumentsLetter, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.DocumentsLetterInput) (contract.DocumentsLetter, error) {
			l.prepared = append(l.prepared, in)
			child := contract.CaseInput{CaseID: in.CaseID, Parent: in.Parent.CaseID,
				Submission: contract.Submission{Template: contract.DocumentsLetterTemplate, Applicant: in.Parent.Submission.Applicant}}
			return contract.DocumentsLetter{Input: child, ApplicantWords: []string{"zoe"}}, nil
		})
	// Mocks apply to the case under test too: it runs for real.
	s.env.OnWorkflow(contract.WorkflowName, mock.Anything, mock.MatchedBy(func(in contract.CaseInput) bool { return in.Parent == "" })).Return(CaseWorkflow)
	s.env.OnWorkflow(contract.WorkflowName, mock.Anything, mock.MatchedBy(func(in contract.CaseInput) bool { return in.Parent != "" })).Return(
		func(_ workflow.Context, in contract.CaseInput) (contract.CaseState, error) {
			l.started = append(l.started, in)
			return contract.CaseState{ID: in.CaseID, Stage: contract.StageCompleted}, nil
		})
	return l
}

// A reviewer asks for missing documents: the case waits, a demande-pieces
// letter is started for it, the integrator that submitted the case says
// they arrived, and the case goes back to its reviewers with the same
// draft, its SVR deadline pushed back by the days it waited.
func (s *caseSuite) TestDocumentsRequestedThenReceived() {
	l := s.expectLetters()
	s.withDeadline(at("2026-11-02", 9), "2026-12-02")
	asked := s.review(time.Hour, requestDocuments(1, camille, "2026-11-30"))
	got := s.received(10*24*time.Hour, contract.DocumentsReceived{Documents: []string{"Justificatif de domicile", "Plan"},
		ReceivedOn: "2026-11-11", Note: "reçus au guichet", By: legacy})
	s.review(11*24*time.Hour, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))

	s.NoError(asked.err)
	s.Equal(contract.StageAwaitingDocuments, asked.result.Stage)
	s.NoError(got.err)
	s.Equal(contract.StageAwaitingApproval, got.result.Stage)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal([]string{"submitted", "drafted", "documents_requested", "documents_received", "approved", "rendered", "notified", "completed"}, s.events)
	s.Len(s.drafts, 1, "the case goes back to its reviewers without a new draft")
	s.Require().Len(l.started, 1)
	s.Equal(input(legacy).CaseID, l.started[0].Parent)
	s.Require().Len(st.DocumentsRequests, 1)
	req := st.DocumentsRequests[0]
	s.Equal(l.started[0].CaseID, req.Letter)
	s.Equal([]string{"Justificatif de domicile", "Plan"}, req.Received)
	s.Equal("legacy", req.ReceivedBy)
	s.Equal("2026-11-11", req.ReceivedOn)
	s.Equal("2026-12-02", req.DeadlineBefore)
	s.Equal("2026-12-11", st.Deadline.Date, "SVR: suspended from 2 to 11 November")
	s.Equal(req.Letter, s.published[2].Related)
	s.Equal([]string{"Justificatif de domicile", "Plan de la terrasse"}, s.published[2].Documents)
	s.Equal("2026-11-30", s.published[2].DueDate)
	s.Equal("documents_received", st.Flags[len(st.Flags)-1].Kind)
}

// An SVA deadline only runs once every document has come (L114-5).
func (s *caseSuite) TestDocumentsReceivedRestartAnSVADeadline() {
	s.expectLetters()
	s.withDeadline(at("2026-11-02", 9), "2026-12-02")
	s.prefill.Deadline.Rule, s.prefill.Deadline.Months = "SVA", 2
	s.review(time.Hour, requestDocuments(1, camille, "2026-11-30"))
	s.received(10*24*time.Hour, contract.DocumentsReceived{Documents: []string{"Plan"}, By: camille})
	s.review(11*24*time.Hour, approve(1, dominique))
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal("2026-11-12", st.DocumentsRequests[0].ReceivedOn, "today in Paris when the receipt names no day")
	s.Equal("2027-01-12", st.Deadline.Date)
}

// Documents that never come: at the end of the due day the case goes back
// to its reviewers, flagged, and a reviewer may then reject it.
func (s *caseSuite) TestDocumentsOverdue() {
	s.expectLetters()
	s.env.SetStartTime(at("2026-11-02", 9))
	s.review(time.Hour, requestDocuments(1, camille, "2026-11-10"))
	late := s.received(9*24*time.Hour, contract.DocumentsReceived{Documents: []string{"Plan"}, By: legacy})
	s.review(9*24*time.Hour+time.Hour, contract.ReviewInput{Decision: contract.DecisionReject, Version: 1, Comment: "pièces non reçues", Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal(contract.StageRejected, st.Stage)
	s.Equal([]string{"submitted", "drafted", "documents_requested", "documents_overdue", "rejected"}, s.events)
	s.True(st.DocumentsRequests[0].Overdue)
	s.Equal("documents_overdue", st.Flags[len(st.Flags)-1].Kind)
	s.Require().Error(late.err, "documents after the due date, once the case moved on")
	s.Equal(contract.ErrTypeNotAwaitingDocuments, appErrType(late.err))
}

func (s *caseSuite) TestRefusedDocumentsRequestsAndReceipts() {
	s.expectLetters()
	s.env.SetStartTime(at("2026-11-02", 9))
	noDocs := requestDocuments(1, camille, "2026-11-30")
	noDocs.Documents = nil
	tooFar := requestDocuments(1, camille, "2027-06-01")
	withBody := requestDocuments(1, camille, "2026-11-30")
	withBody.Body = "texte"
	reviews := []struct {
		name string
		in   contract.ReviewInput
	}{
		{"no documents", noDocs},
		{"due today", requestDocuments(1, camille, "2026-11-02")},
		{"due date not a date", requestDocuments(1, camille, "30/11/2026")},
		{"due more than six months ahead", tooFar},
		{"with an edited body", withBody},
	}
	var refused []*outcome
	for i, tt := range reviews {
		refused = append(refused, s.review(time.Duration(i+1)*time.Minute, tt.in))
	}
	early := s.received(30*time.Minute, contract.DocumentsReceived{Documents: []string{"Plan"}, By: legacy})
	s.review(time.Hour, requestDocuments(1, camille, "2026-11-30"))
	other := contract.Actor{ID: "other-system", Roles: []string{contract.RoleIntegrator}}
	receipts := []struct {
		name string
		in   contract.DocumentsReceived
		want string
	}{
		{"an auditor", contract.DocumentsReceived{Documents: []string{"Plan"}, By: alex}, contract.ErrTypeForbidden},
		{"another integrator", contract.DocumentsReceived{Documents: []string{"Plan"}, By: other}, contract.ErrTypeForbidden},
		{"no documents", contract.DocumentsReceived{By: legacy}, contract.ErrTypeInvalidDocuments},
		{"received tomorrow", contract.DocumentsReceived{Documents: []string{"Plan"}, ReceivedOn: "2026-11-03", By: legacy}, contract.ErrTypeInvalidDocuments},
		{"received before the request", contract.DocumentsReceived{Documents: []string{"Plan"}, ReceivedOn: "2026-11-01", By: legacy}, contract.ErrTypeInvalidDocuments},
	}
	var bad []*outcome
	for i, tt := range receipts {
		bad = append(bad, s.received(2*time.Hour+time.Duration(i)*time.Minute, tt.in))
	}
	s.received(3*time.Hour, contract.DocumentsReceived{Documents: []string{"Plan"}, By: legacy})
	s.review(4*time.Hour, approve(1, camille))
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	for i, tt := range reviews {
		s.Require().True(refused[i].done, tt.name)
		s.Equal(contract.ErrTypeInvalidReview, appErrType(refused[i].err), tt.name)
	}
	s.Equal(contract.ErrTypeNotAwaitingDocuments, appErrType(early.err), "documents before any request")
	for i, tt := range receipts {
		s.Require().True(bad[i].done, tt.name)
		s.Equal(tt.want, appErrType(bad[i].err), tt.name)
	}
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Len(st.DocumentsRequests, 1, "refused requests never reach the history")
}

// A demande-pieces letter does not itself wait for documents.
func (s *caseSuite) TestDocumentsLetterCannotRequestDocuments() {
	in := input(legacy)
	in.Submission.Template = contract.DocumentsLetterTemplate
	asked := s.review(time.Minute, requestDocuments(1, camille, "2026-12-30"))
	s.review(time.Hour, approve(1, camille))
	s.env.SetStartTime(at("2026-11-26", 9))
	s.env.ExecuteWorkflow(contract.WorkflowName, in)
	s.Equal(contract.ErrTypeInvalidReview, appErrType(asked.err))
	s.Equal(contract.StageCompleted, s.finalState().Stage)
}
