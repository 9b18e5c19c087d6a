// Package cases is what every entry point (HTTP API, NATS bridge, demo
// data) does to a case: submit it, read it, list cases, review a draft and
// fetch its letter. It talks to Temporal and the document store, and
// returns errors with a kind.
package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// DocumentReader reads stored letters.
type DocumentReader interface {
	Get(ctx context.Context, name string) ([]byte, error)
}

// Service operates on cases.
type Service struct {
	Temporal  client.Client
	Validator *intake.Validator
	Documents DocumentReader
	// Now is the clock used to date submissions; time.Now when nil.
	Now func() time.Time
	// ServiceOf names the team that handles a template's cases.
	ServiceOf func(template string) string
	// Deadlines is when cases are brought to attention before their
	// legal deadline.
	Deadlines contract.DeadlinePolicy
	// Notify bounds the notification channels of new cases.
	Notify contract.NotifyPolicy
	// DelegationsOf lists the steps legacy systems perform for a
	// template's cases; nil for none.
	DelegationsOf func(template string) []contract.DelegatedStep
	// Refusals keeps the attempts the cases refused; nil keeps none.
	Refusals RefusalLog
	// TemplateIDs are the templates the inbox counts cases of.
	TemplateIDs []string
	// Preview renders a letter as it would be sent; nil disables previews.
	Preview func(contract.RenderInput) ([]byte, error)

	countCache  ttlCache[Counts]     // by inbox, without the actor's own
	mineCache   ttlCache[int]        // the actor's own cases, by inbox
	windowHints ttlCache[windowHint] // deadline bounds of recent inbox reads
}

// Memo keys: the submission's fingerprint, and the applicant's name for
// lists (memos come back with visibility results).
const (
	memoFingerprint = "submission_sha256"
	memoApplicant   = contract.MemoApplicant
)

// Submission is one request to open a case.
type Submission struct {
	Body    contract.Submission
	By      contract.Actor
	Channel string // "http", "nats" or "demo"
	// Key is the idempotency key; the same key from the same submitter
	// always names the same case.
	Key string
}

// Submit validates the submission and starts the case workflow; an invalid
// one starts nothing. It returns the case id. A repeated key
// returns the existing case (created is false); the same key with a
// different submission is a conflict.
func (s *Service) Submit(ctx context.Context, sub Submission) (id string, created bool, err error) {
	if err := s.Validator.Validate(sub.Body); err != nil {
		return "", false, Invalid(err)
	}
	id = intake.CaseID(sub.Channel, sub.By.ID, sub.Key)
	fingerprint := intake.Fingerprint(sub.Body)
	in := contract.CaseInput{CaseID: id, Submission: sub.Body, SubmittedBy: sub.By, Channel: sub.Channel, SubmittedAt: s.now(),
		Service: s.serviceOf(sub.Body.Template), Deadlines: s.Deadlines, Notify: s.Notify}
	if s.DelegationsOf != nil {
		in.Delegations = s.DelegationsOf(sub.Body.Template)
	}
	_, err = s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                contract.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// A repeated key must be told apart from a new case.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		// Where a worker of the queue runs in this process (dossier dev),
		// the server hands it the first workflow task in its answer to the
		// start, instead of through its task queues.
		EnableEagerStart: true,
		Memo:             map[string]any{memoFingerprint: fingerprint, memoApplicant: sub.Body.Applicant.Name},
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.SearchStage.ValueSet(string(contract.StagePrefilling)),
			contract.SearchTemplate.ValueSet(sub.Body.Template),
			contract.SearchSubmitter.ValueSet(sub.By.ID),
			contract.SearchService.ValueSet(in.Service),
			contract.SearchApplicant.ValueSet(contract.SearchWords(sub.Body.Applicant.Name)),
		),
	}, contract.WorkflowName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return id, false, s.checkSameSubmission(ctx, id, fingerprint)
	}
	if err != nil {
		return "", false, &Error{Kind: KindInternal, Message: "start case", Err: err}
	}
	return id, true, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) checkSameSubmission(ctx context.Context, id, fingerprint string) error {
	desc, err := s.Temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return &Error{Kind: KindInternal, Message: "describe case", Err: err}
	}
	var stored string
	field := desc.GetWorkflowExecutionInfo().GetMemo().GetFields()[memoFingerprint]
	if field != nil {
		_ = converter.GetDefaultDataConverter().FromPayload(field, &stored)
	}
	if stored != "" && stored != fingerprint {
		return errorf(KindConflict, "idempotency key already used for a different submission (case %s)", id)
	}
	return nil
}

// notFound reports whether err means the case does not exist.
func notFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}

func wrapTemporal(err error, what string, id string) error {
	if notFound(err) {
		return errorf(KindNotFound, "no case %s", id)
	}
	return &Error{Kind: KindInternal, Message: fmt.Sprintf("%s %s", what, id), Err: err}
}

func (s *Service) serviceOf(template string) string {
	if s.ServiceOf == nil {
		return ""
	}
	return s.ServiceOf(template)
}
