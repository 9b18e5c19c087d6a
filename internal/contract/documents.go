package contract

import "time"

// UpdateDocumentsReceived is the Temporal Update that tells a case waiting
// for missing documents that they arrived.
const UpdateDocumentsReceived = "documents-received"

// DocumentsLetterTemplate is the template of the letter that asks the
// applicant for missing documents (CRPA art. L114-5 and R114-5).
const DocumentsLetterTemplate = "demande-pieces"

// DocumentsReceived is the payload of the documents-received Update: what
// arrived, on which day (YYYY-MM-DD, Europe/Paris; today when empty), and
// who says so (from the token or the NATS account, never from a body).
type DocumentsReceived struct {
	Documents  []string `json:"documents"`
	ReceivedOn string   `json:"received_on,omitempty"`
	Note       string   `json:"note,omitempty"`
	By         Actor    `json:"by"`
}

// DocumentsRequest is one request for missing documents and what became
// of it, as the case state keeps it.
type DocumentsRequest struct {
	Seq         int       `json:"seq"`
	RequestedAt time.Time `json:"requested_at"`
	RequestedBy string    `json:"requested_by"`
	Documents   []string  `json:"documents"`
	DueDate     string    `json:"due_date"`
	Comment     string    `json:"comment,omitempty"`
	// Letter is the demande-pieces case that asks the applicant for them.
	Letter string `json:"letter,omitempty"`
	// Received, ReceivedOn, ReceivedBy and Note are set when the documents
	// arrive; Overdue when the due date passed first.
	Received   []string  `json:"received,omitempty"`
	ReceivedOn string    `json:"received_on,omitempty"`
	ReceivedBy string    `json:"received_by,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitempty"`
	Note       string    `json:"note,omitempty"`
	Overdue    bool      `json:"overdue,omitempty"`
	// DeadlineBefore is the legal deadline before the request; the case's
	// Deadline is counted again when the request ends.
	DeadlineBefore string `json:"deadline_before,omitempty"`
}

// DocumentsLetterInput asks for the demande-pieces case of a request.
type DocumentsLetterInput struct {
	Parent  CaseInput         `json:"parent"`
	Facts   map[string]string `json:"facts"`
	Request DocumentsRequest  `json:"request"`
	// CaseID is the letter's case id, derived from the parent's.
	CaseID string `json:"case_id"`
}

// DocumentsLetter is the demande-pieces case to start, and the search
// attributes and memo it starts with.
type DocumentsLetter struct {
	Input          CaseInput `json:"input"`
	ApplicantWords []string  `json:"applicant_words"`
}

// MemoApplicant is the memo field that keeps the applicant's name, for lists.
const MemoApplicant = "applicant"
