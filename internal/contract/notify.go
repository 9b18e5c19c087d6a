package contract

import "time"

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
