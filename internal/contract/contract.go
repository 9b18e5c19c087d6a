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

	"go.temporal.io/sdk/temporal"
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

// The stages of a case, in lifecycle order; the last three are terminal.
const (
	StagePrefilling       Stage = "prefilling"
	StageDrafting         Stage = "drafting"
	StageAwaitingApproval Stage = "awaiting_approval"
	StageRendering        Stage = "rendering"
	StageNotifying        Stage = "notifying"
	StageCompleted        Stage = "completed"
	StageRejected         Stage = "rejected"
	StageFailed           Stage = "failed"
	StageCancelled        Stage = "cancelled"
)

// Stages lists every stage, in lifecycle order.
var Stages = []Stage{
	StagePrefilling, StageDrafting, StageAwaitingApproval, StageRendering,
	StageNotifying, StageCompleted, StageRejected, StageFailed, StageCancelled,
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

// The notification channels.
const (
	ChannelEmail  = "email"
	ChannelPostal = "postal"
)

// ChannelsOf returns the submission's channels, email when none is chosen.
func ChannelsOf(s Submission) []string {
	if len(s.Channels) == 0 {
		return []string{ChannelEmail}
	}
	return s.Channels
}

// PrintJob is published on dossier.tasks.print for the legacy print
// system; its answer on dossier.tasks.print.done carries the token back.
type PrintJob struct {
	Token     string    `json:"token"`
	CaseID    string    `json:"case_id"`
	Reference string    `json:"reference"`
	Recipient []string  `json:"recipient"`
	Document  Document  `json:"document"`
	Requested time.Time `json:"requested"`
}

// PrintResult is the print system's answer.
type PrintResult struct {
	Token    string `json:"token"`
	Status   string `json:"status"` // "posted" or "failed"
	Tracking string `json:"tracking,omitempty"`
	Error    string `json:"error,omitempty"`
}

// NotifyPolicy bounds the notification channels: how long the print
// system has to answer, and when a reminder goes out.
type NotifyPolicy struct {
	PrintTimeout  time.Duration `json:"print_timeout,omitempty"`
	PrintReminder time.Duration `json:"print_reminder,omitempty"`
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
	// Channel is how the submission arrived: "http" or "nats".
	Channel     string    `json:"channel"`
	SubmittedAt time.Time `json:"submitted_at"`
	// Service is the team the case belongs to, from the administration's
	// configuration of which team handles which template.
	Service string `json:"service,omitempty"`
	// Deadlines says when to remind and escalate before the legal deadline.
	Deadlines DeadlinePolicy `json:"deadlines"`
	// Notify bounds the notification channels; zero values take defaults.
	Notify NotifyPolicy `json:"notify,omitempty"`
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
)

// ReviewInput is the payload of the review Update.
type ReviewInput struct {
	Decision Decision `json:"decision"`
	// Version is the draft version the reviewer read; an older one is refused.
	Version  int    `json:"version"`
	Comment  string `json:"comment,omitempty"`
	Body     string `json:"body,omitempty"`
	Reviewer Actor  `json:"reviewer"`
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
)

// RenderInput asks for the approved letter to be rendered and stored.
type RenderInput struct {
	Case     CaseInput `json:"case"`
	Draft    Draft     `json:"draft"`
	Approver Actor     `json:"approver"`
	// ApprovedAt dates the letter; rendering never reads the clock.
	ApprovedAt time.Time `json:"approved_at"`
}

// Document is a stored letter: a reference and a hash, never its bytes.
type Document struct {
	Object string `json:"object"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
	// VerificationCode is printed on the letter; /verify/{code} confirms it.
	VerificationCode string `json:"verification_code,omitempty"`
}

// NotifyInput asks for the citizen to be notified of a stored letter.
type NotifyInput struct {
	Case     CaseInput `json:"case"`
	Draft    Draft     `json:"draft"`
	Document Document  `json:"document"`
}

// Notification records how the citizen was notified.
type Notification struct {
	Channel   string `json:"channel"`
	MessageID string `json:"message_id"`
	Location  string `json:"location,omitempty"`
}

// Event is published on dossier.events.<Type> at each stage transition.
type Event struct {
	Type     string       `json:"type"`
	CaseID   string       `json:"case_id"`
	Template string       `json:"template"`
	Stage    Stage        `json:"stage"`
	Version  int          `json:"version,omitempty"`
	Actor    string       `json:"actor,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	SHA256   string       `json:"sha256,omitempty"`
	// KeptRatio and Drafter come with the approved event: how much of the
	// drafted text the approved letter kept, and who drafted it.
	KeptRatio *float64  `json:"kept_ratio,omitempty"`
	Drafter   string    `json:"drafter,omitempty"`
	Time      time.Time `json:"time"`
	// Seq tells apart events of one type and draft version that a case
	// may publish more than once (assigned, deadline_reminder,
	// approval_recorded): 1, 2, … in the order published; 0 for the others.
	Seq int `json:"seq,omitempty"`
}

// The event types, published on dossier.events.<type>.
const (
	EventSubmitted        = "submitted"
	EventDrafted          = "drafted"
	EventApproved         = "approved"
	EventChangesRequested = "changes_requested"
	EventRejected         = "rejected"
	EventRendered         = "rendered"
	EventNotified         = "notified"
	EventCompleted        = "completed"
	EventFailed           = "failed"
	// EventAssigned, EventDeadlineReminder and EventEscalated follow the
	// case's handling and its legal deadline.
	EventAssigned         = "assigned"
	EventDeadlineReminder = "deadline_reminder"
	EventEscalated        = "escalated"
	// EventPrintReminder: the print system has not answered yet;
	// EventNotificationFailed: a channel failed for good (flagged).
	EventPrintReminder      = "print_reminder"
	EventNotificationFailed = "notification_failed"
	// EventCancelled: the case was cancelled before its letter went out.
	EventCancelled = "cancelled"
	// EventApprovalRecorded is an approval kept while the template asks
	// for more approvals of the same draft version.
	EventApprovalRecorded = "approval_recorded"
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
}

// DeadlineNotice records a reminder or an escalation sent before the legal
// deadline.
type DeadlineNotice struct {
	Kind string    `json:"kind"` // "reminder" or "escalation"
	At   time.Time `json:"at"`
	// DaysLeft is the number of days left until the deadline.
	DaysLeft int `json:"days_left"`
}

// The custom search attributes Dossier keeps on every case, so that inboxes
// and lists are visibility queries.
var (
	SearchStage     = temporal.NewSearchAttributeKeyKeyword("CaseStage")
	SearchTemplate  = temporal.NewSearchAttributeKeyKeyword("CaseTemplate")
	SearchSubmitter = temporal.NewSearchAttributeKeyKeyword("CaseSubmitter")
	// SearchDrafter and SearchKeptRatio are set at approval: who drafted
	// the approved text, and how much of it the caseworker kept.
	SearchDrafter   = temporal.NewSearchAttributeKeyKeyword("CaseDrafter")
	SearchKeptRatio = temporal.NewSearchAttributeKeyFloat64("CaseKeptRatio")
	// SearchService is the team a case belongs to, SearchAssignee who
	// holds it, SearchDeadline its legal deadline, SearchApplicant the
	// words of the applicant's name (lower case, no accents) for search.
	SearchService   = temporal.NewSearchAttributeKeyKeyword("CaseService")
	SearchAssignee  = temporal.NewSearchAttributeKeyKeyword("CaseAssignee")
	SearchDeadline  = temporal.NewSearchAttributeKeyTime("CaseDeadline")
	SearchApplicant = temporal.NewSearchAttributeKeyKeywordList("CaseApplicant")
	SearchEscalated = temporal.NewSearchAttributeKeyBool("CaseEscalated")
)

// KeywordSearchAttributes and DoubleSearchAttributes list the custom search
// attributes by type, for registration on the namespace.
var (
	KeywordSearchAttributes = []string{
		SearchStage.GetName(), SearchTemplate.GetName(), SearchSubmitter.GetName(), SearchDrafter.GetName(),
		SearchService.GetName(), SearchAssignee.GetName(),
	}
	DoubleSearchAttributes = []string{SearchKeptRatio.GetName()}
	// Typed further: CaseDeadline (Datetime), CaseApplicant (KeywordList),
	// CaseEscalated (Bool).
	DatetimeSearchAttributes    = []string{SearchDeadline.GetName()}
	KeywordListSearchAttributes = []string{SearchApplicant.GetName()}
	BoolSearchAttributes        = []string{SearchEscalated.GetName()}
)

// The activity names the case workflow schedules; activities.Activities has
// one method of each name.
const (
	ActivityPrefill = "Prefill"
	ActivityDraft   = "Draft"
	ActivityRender  = "Render"
	ActivityNotify  = "Notify"
	ActivityPublish = "PublishEvent"
	ActivityPrint   = "PrintLetter"
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

// EventSchemaVersion is the version of Event, the data of every envelope.
// It changes only when a field changes meaning or goes away.
const EventSchemaVersion = "1"

// Envelope is what goes on dossier.events.<type>: a CloudEvents 1.0
// structured-mode envelope around an Event.
type Envelope struct {
	SpecVersion     string    `json:"specversion"`
	ID              string    `json:"id"`
	Source          string    `json:"source"`
	Type            string    `json:"type"`
	Time            time.Time `json:"time"`
	Subject         string    `json:"subject"`
	DataContentType string    `json:"datacontenttype"`
	DataSchema      string    `json:"dataschema"`
	Data            Event     `json:"data"`
}

// EventTypePrefix prefixes the CloudEvents type of every Dossier event.
const EventTypePrefix = "fr.dossier.case."

// Wrap puts e in its envelope; id is its Nats-Msg-Id, unique per case,
// event, version and repetition.
func Wrap(e Event, id string) Envelope {
	return Envelope{SpecVersion: "1.0", ID: id, Source: "dossier", Type: EventTypePrefix + e.Type, Time: e.Time,
		Subject: e.CaseID, DataContentType: "application/json", DataSchema: "dossier:event:v" + EventSchemaVersion, Data: e}
}

// EventTypes lists every event type, as docs/asyncapi.yaml does.
var EventTypes = []string{
	EventSubmitted, EventDrafted, EventApprovalRecorded, EventApproved, EventChangesRequested, EventRejected,
	EventRendered, EventNotified, EventCompleted, EventFailed, EventAssigned, EventDeadlineReminder, EventEscalated,
	EventPrintReminder, EventNotificationFailed, EventCancelled,
}
