package contract

import "time"

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
	// Documents and DueDate come with the documents_* events: what was
	// asked for (or received), and by when; Related names the
	// demande-pieces case that asks the applicant.
	Documents []string `json:"documents,omitempty"`
	DueDate   string   `json:"due_date,omitempty"`
	Related   string   `json:"related,omitempty"`
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
	// EventDocumentsRequested: a reviewer asked for missing documents and
	// the case waits; EventDocumentsReceived: they arrived;
	// EventDocumentsOverdue: the due date passed first. The case goes
	// back to awaiting_approval after either.
	EventDocumentsRequested = "documents_requested"
	EventDocumentsReceived  = "documents_received"
	EventDocumentsOverdue   = "documents_overdue"
)

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
	EventDocumentsRequested, EventDocumentsReceived, EventDocumentsOverdue,
	EventTaskSent, EventTaskDone, EventTaskFailed,
}
