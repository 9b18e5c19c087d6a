package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/internal/contract"
)

// stubs are the activities as the workflow sees them; each test decides
// what they return.
type stubs struct{}

func (*stubs) Prefill(context.Context, contract.CaseInput) (contract.PrefillResult, error) {
	return contract.PrefillResult{}, nil
}
func (*stubs) Draft(context.Context, contract.DraftInput) (contract.Draft, error) {
	return contract.Draft{}, nil
}
func (*stubs) Render(context.Context, contract.RenderInput) (contract.Document, error) {
	return contract.Document{}, nil
}
func (*stubs) Notify(context.Context, contract.NotifyInput) (contract.Notification, error) {
	return contract.Notification{}, nil
}
func (*stubs) PublishEvent(_ context.Context, e contract.Event) (contract.Event, error) {
	return e, nil
}
func (*stubs) DelegateTask(context.Context, contract.TaskInput) (contract.TaskAnswer, error) {
	return contract.TaskAnswer{}, nil
}
func (*stubs) PrepareDocumentsLetter(context.Context, contract.DocumentsLetterInput) (contract.DocumentsLetter, error) {
	return contract.DocumentsLetter{}, nil
}
func (*stubs) PrintLetter(context.Context, contract.NotifyInput) (contract.PrintResult, error) {
	return contract.PrintResult{}, nil
}

type caseSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env    *testsuite.TestWorkflowEnvironment
	events []string
	drafts []contract.DraftInput
	// prefillErr, when set, is what the prefill activity fails with;
	// prefill what it returns otherwise.
	prefillErr error
	prefill    contract.PrefillResult
	// notifyTakes is how long notifying the citizen takes, in the suite's clock.
	notifyTakes time.Duration
	// prefillFails and notifyFails are errors the next calls of these
	// activities fail with, one per call; the calls are counted.
	prefillFails, notifyFails []error
	prefillCalls, notifyCalls int
	// published are the events in full, renders the render inputs, and
	// attrs the search attributes upserted, the last value of each;
	// unsets counts the upserts that only removed attributes.
	published []contract.Event
	renders   []contract.RenderInput
	attrs     map[string]any
	unsets    int
}

func TestCaseWorkflow(t *testing.T) { suite.Run(t, new(caseSuite)) }

var (
	camille   = contract.Actor{ID: "camille", Name: "Camille Martin", Roles: []string{contract.RoleCaseworker}}
	dominique = contract.Actor{ID: "dominique", Name: "Dominique Bernard", Roles: []string{contract.RoleSupervisor}}
	alex      = contract.Actor{ID: "alex", Roles: []string{contract.RoleAuditor}}
	legacy    = contract.Actor{ID: "legacy", Roles: []string{contract.RoleIntegrator}}
)

func input(submitter contract.Actor) contract.CaseInput {
	return contract.CaseInput{
		CaseID: "0b8f3c1e-1111-4222-8333-444455556666",
		Submission: contract.Submission{Template: "accuse-reception", Language: "fr",
			Applicant: contract.Applicant{Name: "Zoë", Email: "zoe@example.org", Address: []string{"1 rue A"}},
			Facts:     map[string]string{"request_subject": "terrasse", "received_on": "2026-11-20"}},
		SubmittedBy: submitter, Channel: "http",
		SubmittedAt: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
	}
}

func (s *caseSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterWorkflowWithOptions(CaseWorkflow, workflow.RegisterOptions{Name: contract.WorkflowName})
	s.env.RegisterActivity(&stubs{})
	s.events, s.drafts, s.published, s.renders = nil, nil, nil, nil
	s.prefillErr, s.notifyTakes = nil, 0
	s.prefillFails, s.notifyFails, s.prefillCalls, s.notifyCalls = nil, nil, 0, 0
	s.prefill = contract.PrefillResult{TemplateVersion: 1, Facts: map[string]string{"request_subject": "terrasse"}}
	s.attrs, s.unsets = map[string]any{}, 0
	s.env.OnActivity(contract.ActivityPrefill, mock.Anything, mock.Anything).Return(
		func(context.Context, contract.CaseInput) (contract.PrefillResult, error) {
			if s.prefillCalls++; len(s.prefillFails) > 0 {
				err := s.prefillFails[0]
				s.prefillFails = s.prefillFails[1:]
				return contract.PrefillResult{}, err
			}
			if s.prefillErr != nil {
				return contract.PrefillResult{}, s.prefillErr
			}
			return s.prefill, nil
		})
	s.env.OnActivity(contract.ActivityDraft, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.DraftInput) (contract.Draft, error) {
			s.drafts = append(s.drafts, in)
			return contract.Draft{Version: in.Version, Subject: "Objet", Body: "Corps v" + string(rune('0'+in.Version)),
				Template: "accuse-reception", TemplateVersion: 1, Drafter: "template", Comment: in.Comment}, nil
		})
	s.env.OnActivity(contract.ActivityRender, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RenderInput) (contract.Document, error) {
			s.renders = append(s.renders, in)
			return contract.Document{Object: "cases/x/letter-v1.pdf", SHA256: "abc", Size: 10}, nil
		})
	s.env.OnActivity(contract.ActivityNotify, mock.Anything, mock.Anything).AfterFn(func() time.Duration { return s.notifyTakes }).Return(
		func(context.Context, contract.NotifyInput) (contract.Notification, error) {
			if s.notifyCalls++; len(s.notifyFails) > 0 {
				err := s.notifyFails[0]
				s.notifyFails = s.notifyFails[1:]
				return contract.Notification{}, err
			}
			return contract.Notification{Channel: "email", MessageID: "m@dossier"}, nil
		})
	s.env.OnActivity(contract.ActivityPublish, mock.Anything, mock.Anything).Return(
		func(_ context.Context, e contract.Event) (contract.Event, error) {
			s.events = append(s.events, e.Type)
			s.published = append(s.published, e)
			return e, nil
		})
	s.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		if sa.Size() == 0 {
			s.unsets++ // values removed are not readable
		}
		for key, value := range sa.GetUntypedValues() {
			s.attrs[key.GetName()] = value
		}
	}).Return(nil)
}

// review sends the review Update after delay and records its outcome.
type outcome struct {
	result contract.ReviewResult
	err    error
	done   bool
}

func (s *caseSuite) review(delay time.Duration, in contract.ReviewInput) *outcome {
	return s.update(delay, contract.UpdateReview, in.Reviewer.ID+delay.String(), in)
}

// update sends Update name with in after delay and records its outcome.
func (s *caseSuite) update(delay time.Duration, name, id string, in any) *outcome {
	out := &outcome{}
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { out.err, out.done = err, true },
			OnAccept: func() {},
			OnComplete: func(v interface{}, err error) {
				out.done, out.err = true, err
				if r, ok := v.(contract.ReviewResult); ok {
					out.result = r
				}
			},
		}, in)
	}, delay)
	return out
}

func (s *caseSuite) finalState() contract.CaseState {
	var st contract.CaseState
	s.Require().NoError(s.env.GetWorkflowResult(&st))
	return st
}

func (s *caseSuite) TestApprove() {
	ok := s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.True(s.env.IsWorkflowCompleted())
	s.Require().True(ok.done)
	s.NoError(ok.err)
	s.Equal(contract.StageRendering, ok.result.Stage)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal("abc", st.Document.SHA256)
	s.Equal([]string{"submitted", "drafted", "approved", "rendered", "notified", "completed"}, s.events)
	s.Require().Len(st.Reviews, 1)
	s.Equal("camille", st.Reviews[0].Reviewer.ID)
	s.Require().NotNil(st.Reviews[0].KeptRatio)
	s.Equal(1.0, *st.Reviews[0].KeptRatio, "approved as drafted")
	s.Equal("template", st.Reviews[0].Drafter)
}

func (s *caseSuite) TestApproveWithEditedBody() {
	s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Body: "Texte corrigé", Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	st := s.finalState()
	s.Equal(2, st.Draft.Version)
	s.Equal("Texte corrigé", st.Draft.Body)
	s.Equal("camille", st.Draft.EditedBy)
	s.Require().NotNil(st.Reviews[0].KeptRatio)
	s.Equal(0.0, *st.Reviews[0].KeptRatio, "the drafted text was replaced entirely")
}

func (s *caseSuite) TestReject() {
	ok := s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionReject, Version: 1, Comment: "hors compétence", Reviewer: dominique})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.NoError(ok.err)
	s.Equal(contract.StageRejected, ok.result.Stage)
	st := s.finalState()
	s.Equal(contract.StageRejected, st.Stage)
	s.Nil(st.Document)
	s.Equal([]string{"submitted", "drafted", "rejected"}, s.events)
}

func (s *caseSuite) TestRequestChangesThenApprove() {
	first := s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionRequestChanges, Version: 1, Comment: "préciser le délai", Reviewer: camille})
	stale := s.review(2*time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: camille})
	second := s.review(3*time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 2, Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.NoError(first.err)
	s.Equal(contract.StageDrafting, first.result.Stage)
	s.Require().Error(stale.err)
	s.Equal(contract.ErrTypeStaleVersion, appErrType(stale.err))
	s.NoError(second.err)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Equal(2, st.Draft.Version)
	s.Require().Len(s.drafts, 2)
	s.Equal("préciser le délai", s.drafts[1].Comment)
	s.Equal([]string{"submitted", "drafted", "changes_requested", "drafted", "approved", "rendered", "notified", "completed"}, s.events)
}

func (s *caseSuite) TestRefusedReviews() {
	tests := []struct {
		name     string
		in       contract.ReviewInput
		wantType string
	}{
		{"stale version", contract.ReviewInput{Decision: contract.DecisionApprove, Version: 7, Reviewer: camille}, contract.ErrTypeStaleVersion},
		{"self approval", contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: legacyCaseworker()}, contract.ErrTypeForbidden},
		{"auditor", contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: alex}, contract.ErrTypeForbidden},
		{"anonymous", contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1}, contract.ErrTypeForbidden},
		{"unknown decision", contract.ReviewInput{Decision: "maybe", Version: 1, Reviewer: camille}, contract.ErrTypeInvalidReview},
		{"reject without reason", contract.ReviewInput{Decision: contract.DecisionReject, Version: 1, Reviewer: camille}, contract.ErrTypeInvalidReview},
	}
	var outs []*outcome
	for i, tt := range tests {
		outs = append(outs, s.review(time.Duration(i+1)*time.Minute, tt.in))
	}
	final := s.review(time.Hour, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: dominique})
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacyCaseworker()))
	for i, tt := range tests {
		s.Require().True(outs[i].done, tt.name)
		s.Require().Error(outs[i].err, tt.name)
		s.Equal(tt.wantType, appErrType(outs[i].err), tt.name)
	}
	s.NoError(final.err)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Len(st.Reviews, 1, "refused attempts never reach the history")
}

// legacyCaseworker is a caseworker who submitted the case herself.
func legacyCaseworker() contract.Actor {
	return contract.Actor{ID: "sam", Roles: []string{contract.RoleCaseworker}}
}

func (s *caseSuite) TestInvalidSubmissionFails() {
	fields := []contract.FieldError{{Field: "applicant.email", Message: "must be an email address"}}
	s.prefillErr = temporal.NewNonRetryableApplicationError("invalid submission", contract.ErrTypeInvalidSubmission, nil, fields)
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.True(s.env.IsWorkflowCompleted())
	err := s.env.GetWorkflowError()
	s.Require().Error(err)
	s.Contains(err.Error(), "invalid submission")
	var st contract.CaseState
	res, qerr := s.env.QueryWorkflow(contract.QueryState)
	s.Require().NoError(qerr)
	s.Require().NoError(res.Get(&st))
	s.Equal(contract.StageFailed, st.Stage)
	s.Equal(fields, st.FieldErrors)
	s.Nil(st.Draft)
	s.Equal([]string{"submitted", "failed"}, s.events)
}

func (s *caseSuite) TestStateQueryWhileAwaiting() {
	var st contract.CaseState
	s.env.RegisterDelayedCallback(func() {
		res, err := s.env.QueryWorkflow(contract.QueryState)
		s.Require().NoError(err)
		s.Require().NoError(res.Get(&st))
		s.env.CancelWorkflow()
	}, time.Minute)
	s.env.ExecuteWorkflow(contract.WorkflowName, input(legacy))
	s.True(temporal.IsCanceledError(s.env.GetWorkflowError()), "a cancelled case ends cancelled: %v", s.env.GetWorkflowError())
	s.Equal(contract.StageAwaitingApproval, st.Stage)
	s.Equal(1, st.Draft.Version)
	s.Equal("Zoë", st.Applicant.Name)
}

func appErrType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return "not an application error: " + err.Error()
}

// A letter asked by email and by post: the print system fails, the email
// goes, the case completes with the postal channel flagged.
func (s *caseSuite) TestFailedChannelIsFlaggedWithoutBlockingTheOthers() {
	in := input(legacy)
	in.Submission.Channels = []string{contract.ChannelEmail, contract.ChannelPostal}
	s.env.OnActivity(contract.ActivityPrint, mock.Anything, mock.Anything).Return(contract.PrintResult{},
		temporal.NewApplicationError("print system: failed: paper jam", "PrintFailed"))
	s.review(time.Minute, contract.ReviewInput{Decision: contract.DecisionApprove, Version: 1, Reviewer: camille})
	s.env.ExecuteWorkflow(contract.WorkflowName, in)
	st := s.finalState()
	s.Equal(contract.StageCompleted, st.Stage)
	s.Require().Len(st.Notifications, 1)
	s.Equal("email", st.Notifications[0].Channel)
	s.Require().Len(st.Flags, 1)
	s.Equal("channels.postal", st.Flags[0].Field)
	s.Contains(s.events, contract.EventNotificationFailed)
}
