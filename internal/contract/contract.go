// Package contract is the agreement between Dossier's workflows, its
// activities and its clients (HTTP API, NATS bridge): task queue, update and
// query names, stage names, and the structs that cross those boundaries.
//
// Everything here is serialized into Temporal histories, so fields are only
// ever added, never renamed or removed.
package contract

import (
	"strings"
	"time"
)

// Namespace is the Temporal namespace every case lives in.
const Namespace = "dossier"

// TaskQueue is the Temporal task queue of the case worker.
const TaskQueue = "dossier-cases"

// WorkflowName is the registered name of the case workflow.
const WorkflowName = "CaseWorkflow"

// UpdateReview is the Temporal Update a reviewer sends to decide on a draft.
const UpdateReview = "review"

// UpdateAssign is the Temporal Update that claims a case or assigns it.
const UpdateAssign = "assign"

// QueryState is the Temporal Query that returns a case's CaseState.
const QueryState = "state"

// Stage is where a case stands in its lifecycle.
type Stage string

// The stages of a case, in lifecycle order; the last four are terminal.
const (
	StagePrefilling       Stage = "prefilling"
	StageDrafting         Stage = "drafting"
	StageAwaitingApproval Stage = "awaiting_approval"
	// StageAwaitingDocuments: a reviewer asked the applicant for missing
	// documents; the case waits for them, or for the date they were due.
	StageAwaitingDocuments Stage = "awaiting_documents"
	// StageDelegated: an approved letter waits for a legacy system's step
	// (a visa, a signature) before it is rendered.
	StageDelegated Stage = "delegated"
	StageRendering Stage = "rendering"
	StageNotifying Stage = "notifying"
	StageCompleted Stage = "completed"
	StageRejected  Stage = "rejected"
	StageFailed    Stage = "failed"
	StageCancelled Stage = "cancelled"
)

// Stages lists every stage, in lifecycle order.
var Stages = []Stage{
	StagePrefilling, StageDrafting, StageAwaitingApproval, StageAwaitingDocuments, StageDelegated, StageRendering,
	StageNotifying, StageCompleted, StageRejected, StageFailed, StageCancelled,
}

// Terminal reports whether a case in stage s has ended: its workflow
// is closed.
func (s Stage) Terminal() bool {
	switch s {
	case StageCompleted, StageRejected, StageFailed, StageCancelled:
		return true
	}
	return false
}

// ParseStage returns the Stage named s, or false if there is none.
func ParseStage(s string) (Stage, bool) {
	for _, st := range Stages {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// Applicant is the citizen or organisation the letter is addressed to.
type Applicant struct {
	Name    string   `json:"name" validate:"required,max=200"`
	Email   string   `json:"email" validate:"required,email,max=254"`
	Address []string `json:"address" validate:"required,min=1,max=6,dive,required,max=120"`
}

// Submission is a request for a letter, as integrators send it over HTTP or NATS.
type Submission struct {
	Template  string            `json:"template" validate:"required,max=64"`
	Language  string            `json:"language" validate:"required,oneof=fr en"`
	Applicant Applicant         `json:"applicant"`
	Facts     map[string]string `json:"facts"`
	// Channels are how the citizen receives the letter: "email" (the
	// default) and/or "postal" (through the legacy print system).
	Channels []string `json:"channels,omitempty" validate:"omitempty,max=2,unique,dive,oneof=email postal"`
	// IdempotencyKey names the case for systems that cannot set the
	// Nats-Msg-Id or Idempotency-Key header; a header wins over it.
	IdempotencyKey string `json:"idempotency_key,omitempty" validate:"max=200"`
}

// AssignInput is the payload of the assign Update: who takes the case, and
// who asks (from the session, never from a request body).
type AssignInput struct {
	Assignee string `json:"assignee"`
	By       Actor  `json:"by"`
}

// LegalDeadline is the date by which the administration must answer, and
// what its silence would mean: SVA (acceptance) or SVR (refusal).
type LegalDeadline struct {
	Rule   string `json:"rule"`
	Months int    `json:"months"`
	// Date is the last day, YYYY-MM-DD (Europe/Paris).
	Date string `json:"date"`
}

// Actor is an authenticated person or system acting on a case.
type Actor struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Title string   `json:"title,omitempty"`
	Roles []string `json:"roles,omitempty"`
	// Services are the teams whose cases the actor handles; auditors and
	// integrators have none.
	Services []string `json:"services,omitempty"`
}

// Handles reports whether the actor works in service.
func (a Actor) Handles(service string) bool {
	for _, s := range a.Services {
		if s == service {
			return true
		}
	}
	return false
}

// HasRole reports whether the actor holds one of roles.
func (a Actor) HasRole(roles ...string) bool {
	for _, have := range a.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// The roles an Actor may hold.
const (
	RoleCaseworker = "caseworker"
	RoleSupervisor = "supervisor"
	RoleAuditor    = "auditor"
	RoleIntegrator = "integrator"
)

// CaseInput starts a CaseWorkflow.
type CaseInput struct {
	CaseID      string     `json:"case_id"`
	Submission  Submission `json:"submission"`
	SubmittedBy Actor      `json:"submitted_by"`
	// Channel is how the submission arrived: "http" or "nats", or
	// "documents-request" for a demande-pieces letter a reviewer asked for.
	Channel     string    `json:"channel"`
	SubmittedAt time.Time `json:"submitted_at"`
	// Service is the team the case belongs to, from the administration's
	// configuration of which team handles which template.
	Service string `json:"service,omitempty"`
	// Deadlines says when to remind and escalate before the legal deadline.
	Deadlines DeadlinePolicy `json:"deadlines"`
	// Notify bounds the notification channels; zero values take defaults.
	Notify NotifyPolicy `json:"notify,omitempty"`
	// Parent is, for a demande-pieces letter a reviewer asked for, the
	// case that waits for the documents.
	Parent string `json:"parent,omitempty"`
	// Delegations are the steps of the case legacy systems perform.
	Delegations []DelegatedStep `json:"delegations,omitempty"`
}

// DeadlinePolicy is when a case waiting for a decision is brought to
// attention before its legal deadline: reminders to the caseworkers so
// many days before, and escalation to the supervisors.
type DeadlinePolicy struct {
	ReminderDays   []int `json:"reminder_days,omitempty"`
	EscalationDays int   `json:"escalation_days,omitempty"`
}

// DefaultDeadlinePolicy reminds 15 and 7 days before the deadline and
// escalates 3 days before.
var DefaultDeadlinePolicy = DeadlinePolicy{ReminderDays: []int{15, 7}, EscalationDays: 3}

// FieldError is one invalid field of a submission: its path (e.g.
// "facts.received_on"), the rule it breaks, and a message in the
// submission's language.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
}

// Source is where a fact's value comes from.
type Source struct {
	// Origin is "submission" or "legacy".
	Origin string `json:"origin"`
	// Query is the legacy query, "<system>.<query>", for legacy values.
	Query string `json:"query,omitempty"`
	// Key is the value the record was looked up by.
	Key string `json:"key,omitempty"`
	// At is when the legacy system answered.
	At time.Time `json:"at,omitempty"`
}

// Flag is something a caseworker must look at before approving, such as a
// legacy value that contradicts a submitted one.
type Flag struct {
	// Kind is "conflict" or "not_found".
	Kind      string `json:"kind"`
	Field     string `json:"field"`
	Message   string `json:"message"`
	Submitted string `json:"submitted,omitempty"`
	Legacy    string `json:"legacy,omitempty"`
	Query     string `json:"query,omitempty"`
}

// ApprovalPolicy is who may approve a case's letter and how many distinct
// people must, as its template version says.
type ApprovalPolicy struct {
	Roles     []string `json:"roles"`
	Approvals int      `json:"approvals"`
}

// PrefillResult is the validated, completed set of facts a letter is
// drafted from, pinned to the template version in force when the case started.
type PrefillResult struct {
	TemplateVersion int               `json:"template_version"`
	Facts           map[string]string `json:"facts"`
	Sources         map[string]Source `json:"sources,omitempty"`
	Flags           []Flag            `json:"flags,omitempty"`
	Approval        ApprovalPolicy    `json:"approval"`
	// Deadline is the case's legal deadline, when its template has one.
	Deadline *LegalDeadline `json:"deadline,omitempty"`
}

// DraftInput asks for a new draft of a case's letter.
type DraftInput struct {
	Case    CaseInput     `json:"case"`
	Prefill PrefillResult `json:"prefill"`
	Version int           `json:"version"`
	// Comment is the reviewer's request when a new draft is asked for,
	// and PreviousBody the draft it is about.
	Comment      string `json:"comment,omitempty"`
	PreviousBody string `json:"previous_body,omitempty"`
}

// Draft is one version of a case's letter and where it came from.
type Draft struct {
	Version         int    `json:"version"`
	Subject         string `json:"subject"`
	Body            string `json:"body"`
	Template        string `json:"template"`
	TemplateVersion int    `json:"template_version"`
	// Drafter is "template" for the deterministic drafter, or "llm".
	Drafter    string `json:"drafter"`
	Model      string `json:"model,omitempty"`
	PromptHash string `json:"prompt_hash,omitempty"`
	// Mentions are the legally required mentions printed under the letter.
	Mentions []string `json:"mentions"`
	// Comment is the reviewer's request this draft answers.
	Comment string `json:"comment,omitempty"`
	// ModelServed is the model id the endpoint says answered; Endpoint is
	// the configured endpoint's name.
	ModelServed string `json:"model_served,omitempty"`
	Endpoint    string `json:"endpoint,omitempty"`
	// Guardrails are the checks of the text kept; Attempts every model
	// call, with its checks, tokens and latency.
	Guardrails       []GuardrailResult `json:"guardrails,omitempty"`
	Attempts         []DraftAttempt    `json:"attempts,omitempty"`
	PromptTokens     int               `json:"prompt_tokens,omitempty"`
	CompletionTokens int               `json:"completion_tokens,omitempty"`
	LatencyMS        int64             `json:"latency_ms,omitempty"`
	// Flags tell the caseworker what to look at, e.g. that the model's
	// drafts failed the guardrails and the template's text is shown.
	Flags []Flag `json:"flags,omitempty"`
	// EditedBy names the reviewer who edited this version by hand.
	EditedBy string `json:"edited_by,omitempty"`
}

// GuardrailResult is one check of a model's draft.
type GuardrailResult struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// DraftAttempt is one call to a model for a draft.
type DraftAttempt struct {
	PromptHash       string            `json:"prompt_hash"`
	Guardrails       []GuardrailResult `json:"guardrails,omitempty"`
	PromptTokens     int               `json:"prompt_tokens,omitempty"`
	CompletionTokens int               `json:"completion_tokens,omitempty"`
	LatencyMS        int64             `json:"latency_ms"`
	Error            string            `json:"error,omitempty"`
}

// Decision is what a reviewer decides about a draft.
type Decision string

// The decisions a reviewer may take.
const (
	DecisionApprove        Decision = "approve"
	DecisionReject         Decision = "reject"
	DecisionRequestChanges Decision = "request_changes"
	// DecisionRequestDocuments asks the applicant for missing documents
	// (a demande-pieces letter) and suspends the case until they arrive.
	DecisionRequestDocuments Decision = "request_documents"
)

// ReviewInput is the payload of the review Update.
type ReviewInput struct {
	Decision Decision `json:"decision"`
	// Version is the draft version the reviewer read; an older one is refused.
	Version  int    `json:"version"`
	Comment  string `json:"comment,omitempty"`
	Body     string `json:"body,omitempty"`
	Reviewer Actor  `json:"reviewer"`
	// Documents and DueDate come with request_documents: what is missing,
	// one item each, and the day (YYYY-MM-DD) by which it must arrive.
	Documents []string `json:"documents,omitempty"`
	DueDate   string   `json:"due_date,omitempty"`
}

// ReviewResult is what the review Update returns once accepted.
type ReviewResult struct {
	Stage   Stage `json:"stage"`
	Version int   `json:"version"`
}

// Review is an accepted review, as recorded in the case state.
type Review struct {
	ReviewInput
	At time.Time `json:"at"`
	// KeptRatio, set on approval, is how much of the drafted text the
	// approved letter kept (1 = approved as drafted).
	KeptRatio *float64 `json:"kept_ratio,omitempty"`
	// Drafter is who drafted the approved text: "llm" or "template".
	Drafter string `json:"drafter,omitempty"`
}

// The error types a refused review carries (temporal.ApplicationError.Type()).
const (
	ErrTypeStaleVersion      = "StaleVersion"
	ErrTypeForbidden         = "Forbidden"
	ErrTypeInvalidReview     = "InvalidReview"
	ErrTypeNotReviewable     = "NotAwaitingApproval"
	ErrTypeInvalidSubmission = "InvalidSubmission"
	// ErrTypeInvalidAssign refuses an assignment that is malformed;
	// ErrTypeCaseClosed one on a completed, rejected or failed case.
	ErrTypeInvalidAssign = "InvalidAssign"
	ErrTypeCaseClosed    = "CaseClosed"
	// ErrTypeNotAwaitingDocuments refuses documents for a case that did
	// not ask for any; ErrTypeInvalidDocuments a malformed receipt.
	ErrTypeNotAwaitingDocuments = "NotAwaitingDocuments"
	ErrTypeInvalidDocuments     = "InvalidDocuments"
)

// CaseState is what the state Query returns.
type CaseState struct {
	ID              string            `json:"id"`
	Template        string            `json:"template"`
	TemplateVersion int               `json:"template_version,omitempty"`
	Language        string            `json:"language"`
	Stage           Stage             `json:"stage"`
	SubmittedBy     Actor             `json:"submitted_by"`
	SubmittedAt     time.Time         `json:"submitted_at"`
	Applicant       Applicant         `json:"applicant"`
	Facts           map[string]string `json:"facts,omitempty"`
	Sources         map[string]Source `json:"sources,omitempty"`
	Flags           []Flag            `json:"flags,omitempty"`
	Draft           *Draft            `json:"draft,omitempty"`
	// PreviousDrafts are the earlier versions, oldest first.
	PreviousDrafts []Draft        `json:"previous_drafts,omitempty"`
	Reviews        []Review       `json:"reviews,omitempty"`
	Document       *Document      `json:"document,omitempty"`
	Notifications  []Notification `json:"notifications,omitempty"`
	Failure        string         `json:"failure,omitempty"`
	FieldErrors    []FieldError   `json:"field_errors,omitempty"`
	// Service is the team the case belongs to; Assignee the caseworker
	// who holds it.
	Service  string `json:"service,omitempty"`
	Assignee string `json:"assignee,omitempty"`
	// Approvals are the approvals given to the current draft so far, when
	// the template asks for more than one.
	Approvals []Review         `json:"approvals,omitempty"`
	Approval  ApprovalPolicy   `json:"approval_policy"`
	Deadline  *LegalDeadline   `json:"deadline,omitempty"`
	Reminders []DeadlineNotice `json:"reminders,omitempty"`
	Escalated bool             `json:"escalated,omitempty"`
	// DocumentsRequests are the requests for missing documents, oldest
	// first; Parent is the case a demande-pieces letter was asked for.
	DocumentsRequests []DocumentsRequest `json:"documents_requests,omitempty"`
	Parent            string             `json:"parent,omitempty"`
	// Delegations are the delegated steps run so far, in order.
	Delegations []Delegation `json:"delegations,omitempty"`
}

// DeadlineNotice records a reminder or an escalation sent before the legal
// deadline.
type DeadlineNotice struct {
	Kind string    `json:"kind"` // "reminder" or "escalation"
	At   time.Time `json:"at"`
	// DaysLeft is the number of days left until the deadline.
	DaysLeft int `json:"days_left"`
}

// The activity names the case workflow schedules; activities.Activities has
// one method of each name.
const (
	ActivityPrefill = "Prefill"
	ActivityDraft   = "Draft"
	ActivityRender  = "Render"
	ActivityNotify  = "Notify"
	ActivityPublish = "PublishEvent"
	ActivityPrint   = "PrintLetter"
	// ActivityDocumentsLetter prepares the demande-pieces case of a
	// request for missing documents.
	ActivityDocumentsLetter = "PrepareDocumentsLetter"
)

// Reference is the short, human-readable reference of a case printed on its
// letters: "DOS-" and the first eight hex digits of its id.
func Reference(caseID string) string {
	ref := strings.ToUpper(strings.ReplaceAll(caseID, "-", ""))
	if len(ref) > 8 {
		ref = ref[:8]
	}
	return "DOS-" + ref
}
