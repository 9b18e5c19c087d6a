package activities

import (
	"context"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
)

// PrepareDocumentsLetter builds the demande-pieces case that asks the
// applicant of in.Parent for the missing documents: same applicant,
// language, channels, service and submitter, with the facts that letter
// needs. The request's subject is the parent's own, or its template's
// title; its receipt day is the fact the parent's deadline counts from
// (received_on), or the day it was submitted; the silence rule is the
// parent's (SVR when it has none). The letter's own prefill validates
// these facts like any submission's.
func (a *Activities) PrepareDocumentsLetter(ctx context.Context, in contract.DocumentsLetterInput) (contract.DocumentsLetter, error) {
	parent := in.Parent
	t, err := a.Catalog.Get(parent.Submission.Template)
	if err != nil {
		return contract.DocumentsLetter{}, temporal.NewNonRetryableApplicationError(err.Error(), contract.ErrTypeInvalidSubmission, err)
	}
	lang := parent.Submission.Language
	subject := in.Facts["request_subject"]
	if subject == "" {
		subject = lowerFirst(t.Title[lang])
	}
	received := parent.SubmittedAt.In(contract.Paris).Format(time.DateOnly)
	rule := "SVR"
	if t.Deadline != nil {
		received, rule = in.Facts[t.Deadline.From], t.Deadline.Rule
	} else if in.Facts["received_on"] != "" {
		received = in.Facts["received_on"]
	}
	sub := contract.Submission{
		Template: contract.DocumentsLetterTemplate, Language: lang, Applicant: parent.Submission.Applicant,
		Channels: parent.Submission.Channels,
		Facts: map[string]string{
			"request_subject": subject, "received_on": received, "due_date": in.Request.DueDate,
			"missing_documents": strings.Join(in.Request.Documents, "\n"), "silence_rule": rule,
		},
	}
	letter := contract.CaseInput{
		CaseID: in.CaseID, Submission: sub, SubmittedBy: parent.SubmittedBy, Channel: "documents-request",
		SubmittedAt: activity.GetInfo(ctx).StartedTime, Service: parent.Service, Deadlines: parent.Deadlines,
		Notify: parent.Notify, Parent: parent.CaseID,
	}
	return contract.DocumentsLetter{Input: letter, ApplicantWords: contract.SearchWords(sub.Applicant.Name)}, nil
}

// lowerFirst lowers the first letter of a title, to use it inside a sentence.
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}
