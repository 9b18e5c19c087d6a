package audit

import (
	"errors"
	"slices"
	"time"

	historypb "go.temporal.io/api/history/v1"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// Timeline is a case's history as an auditor reads it, oldest first in
// every list. Fields Dossier added over time are empty for the cases
// started before them.
type Timeline struct {
	CaseID          string             `json:"case_id"`
	Reference       string             `json:"reference"`
	Template        string             `json:"template"`
	TemplateVersion int                `json:"template_version,omitempty"`
	Language        string             `json:"language"`
	Service         string             `json:"service,omitempty"`
	Parent          string             `json:"parent,omitempty"`
	Applicant       contract.Applicant `json:"applicant"`
	// SubmittedBy sent the submission over Channel ("http", "nats",
	// "documents-request") at SubmittedAt.
	SubmittedBy contract.Actor `json:"submitted_by"`
	Channel     string         `json:"channel"`
	SubmittedAt time.Time      `json:"submitted_at"`
	// Status is the workflow's: running, completed, failed, canceled,
	// terminated, timed_out or continued_as_new; Stage the case's last one.
	Status    string         `json:"status"`
	Stage     contract.Stage `json:"stage"`
	StartedAt time.Time      `json:"started_at"`
	ClosedAt  time.Time      `json:"closed_at,omitzero"`
	// AsOf is the time of the history's last event: what the timeline
	// tells is true as of then.
	AsOf time.Time `json:"as_of"`

	Stages   []StageSpan                 `json:"stages"`
	Facts    []Fact                      `json:"facts,omitempty"`
	Flags    []contract.Flag             `json:"flags,omitempty"`
	Approval contract.ApprovalPolicy     `json:"approval_policy"`
	Deadline *contract.LegalDeadline     `json:"deadline,omitempty"`
	Drafts   []Draft                     `json:"drafts,omitempty"`
	Reviews  []Review                    `json:"reviews,omitempty"`
	Assigned []Assignment                `json:"assignments,omitempty"`
	Refused  []cases.Refusal             `json:"refused,omitempty"`
	Edits    *Edits                      `json:"edits,omitempty"`
	Letter   *Letter                     `json:"letter,omitempty"`
	Notified []Notification              `json:"notifications,omitempty"`
	Requests []contract.DocumentsRequest `json:"documents_requests,omitempty"`
	Steps    []contract.Delegation       `json:"delegations,omitempty"`
	Failure  *Failure                    `json:"failure,omitempty"`
	Cancel   *Cancel                     `json:"cancel,omitempty"`
	// Events are the stage events the case published, as it published them.
	Events []contract.Event `json:"events"`
	// Problems are the parts of the history that could not be read.
	Problems []string `json:"problems,omitempty"`
}

// StageSpan is a stage the case went through: when it entered it and how
// long it stayed. A terminal stage has no duration; the stage of a running
// case has none yet (Ongoing).
type StageSpan struct {
	Stage    contract.Stage `json:"stage"`
	Start    time.Time      `json:"start"`
	Duration time.Duration  `json:"duration_ns"`
	Ongoing  bool           `json:"ongoing,omitempty"`
}

// Fact is one prefilled value and where it came from.
type Fact struct {
	Name   string          `json:"name"`
	Value  string          `json:"value"`
	Source contract.Source `json:"source"`
}

// Draft is one draft the Draft activity produced, with its provenance, or
// the error that ended its attempts.
type Draft struct {
	contract.Draft
	RequestedAt time.Time `json:"requested_at"`
	At          time.Time `json:"at,omitzero"`
	Error       string    `json:"error,omitempty"`
}

// Review is a decision a reviewer sent and the case accepted (refused ones
// are in Refused), and the stage the case moved to.
type Review struct {
	contract.ReviewInput
	At     time.Time      `json:"at"`
	Result contract.Stage `json:"result,omitempty"`
	Error  string         `json:"error,omitempty"`
}

// Assignment is an accepted claim or assignment of the case.
type Assignment struct {
	Assignee string         `json:"assignee"`
	By       contract.Actor `json:"by"`
	At       time.Time      `json:"at"`
}

// Letter is the approved letter as it was rendered, and the stored document.
type Letter struct {
	contract.Document
	Version    int            `json:"version"`
	Subject    string         `json:"subject"`
	Body       string         `json:"body"`
	EditedBy   string         `json:"edited_by,omitempty"`
	Approver   contract.Actor `json:"approver"`
	ApprovedAt time.Time      `json:"approved_at"`
	RenderedAt time.Time      `json:"rendered_at,omitzero"`
}

// Notification is one attempt to send the letter on a channel, and how it
// ended: OK with the channel's message id, or Error.
type Notification struct {
	contract.Notification
	At       time.Time `json:"at"`
	OK       bool      `json:"ok"`
	Error    string    `json:"error,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
}

// Failure is why a case failed, with the invalid fields of its submission.
type Failure struct {
	Message string                `json:"message"`
	Fields  []contract.FieldError `json:"fields,omitempty"`
	At      time.Time             `json:"at"`
}

// Cancel is a cancellation Temporal received.
type Cancel struct {
	At       time.Time `json:"at"`
	Reason   string    `json:"reason,omitempty"`
	Identity string    `json:"identity,omitempty"`
}

// Errors TimelineOf returns for a history it cannot read.
var (
	ErrEmpty       = errors.New("audit: the history has no events")
	ErrNotACase    = errors.New("audit: the history is not a case's: it does not start with CaseWorkflow")
	ErrNoCaseInput = errors.New("audit: the case's start input does not decode")
)

// TimelineOf reads a case's history and returns its timeline, with the
// refused attempts of that case among refused (others are ignored). It
// returns ErrEmpty, ErrNotACase or ErrNoCaseInput for a history that is not
// a case's; a later event that does not decode is noted in Problems.
func TimelineOf(history *historypb.History, refused ...cases.Refusal) (Timeline, error) {
	events := history.GetEvents()
	if len(events) == 0 {
		return Timeline{}, ErrEmpty
	}
	b := newBuilder()
	if err := b.start(events[0]); err != nil {
		return Timeline{}, err
	}
	for _, e := range events[1:] {
		b.add(e)
	}
	b.finish(events[len(events)-1])
	for _, r := range refused {
		if r.CaseID == b.t.CaseID {
			b.t.Refused = append(b.t.Refused, r)
		}
	}
	slices.SortStableFunc(b.t.Refused, func(a, b cases.Refusal) int { return a.At.Compare(b.At) })
	return *b.t, nil
}
