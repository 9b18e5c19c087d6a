package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/dossier/dossier/internal/contract"
)

// Email is one message to a citizen, with the letter attached.
type Email struct {
	// MessageID derives from the case and letter version, so a retried
	// delivery is recognised as the same message.
	MessageID      string
	FromName       string
	To             string
	ToName         string
	Subject        string
	Text           string
	AttachmentName string
	Attachment     []byte
}

// Notify sends the citizen their letter. It reads the stored PDF back and
// refuses to send one whose hash differs from the approved document's.
func (a *Activities) Notify(ctx context.Context, in contract.NotifyInput) (contract.Notification, error) {
	raw, err := a.Documents.Get(ctx, in.Document.Object)
	if err != nil {
		return contract.Notification{}, fmt.Errorf("notify %s: %w", in.Case.CaseID, err)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != in.Document.SHA256 {
		return contract.Notification{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("stored letter %s does not match its hash %s", in.Document.Object, in.Document.SHA256), "DocumentAltered", nil)
	}
	email := a.email(in, raw)
	location, err := a.Mail.Deliver(ctx, email)
	if err != nil {
		return contract.Notification{}, fmt.Errorf("notify %s: %w", in.Case.CaseID, err)
	}
	return contract.Notification{Channel: "email", MessageID: email.MessageID, Location: location}, nil
}

func (a *Activities) email(in contract.NotifyInput, letter []byte) Email {
	app := in.Case.Submission.Applicant
	ref := contract.Reference(in.Case.CaseID)
	text := fmt.Sprintf("Madame, Monsieur,\n\nVous trouverez ci-joint le courrier de %s relatif à votre demande (référence %s) : %s.\n\nPour toute question, contactez le service : %s.\n\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n",
		a.Administration.Name, ref, in.Draft.Subject, a.Administration.Contact)
	return Email{
		MessageID:      fmt.Sprintf("%s.letter-v%d@dossier", in.Case.CaseID, in.Draft.Version),
		FromName:       a.Administration.Name,
		To:             app.Email,
		ToName:         app.Name,
		Subject:        fmt.Sprintf("[%s] %s", ref, in.Draft.Subject),
		Text:           text,
		AttachmentName: ref + ".pdf",
		Attachment:     letter,
	}
}

// PublishEvent publishes a stage event on dossier.events.<type> in its
// CloudEvents envelope, with a message id (also the envelope's id) built
// from the case, the event and the draft version, so that a retried
// publish is dropped by the bus as a duplicate, and chains it for the
// auditors. It returns the event: a local activity's marker keeps its
// result, not its input, and the case's history must keep the event.
func (a *Activities) PublishEvent(ctx context.Context, e contract.Event) (contract.Event, error) {
	return e, a.publishEvent(ctx, e)
}

// publishEvent publishes the event and appends its audit record at the
// same time: the two round trips to NATS overlap instead of adding up.
// It returns once both are kept, or with the first error; a retry keeps
// each once (both carry a message id), so a record appended for an event
// whose publish failed is joined by the event at the retry.
func (a *Activities) publishEvent(ctx context.Context, e contract.Event) error {
	msgID := fmt.Sprintf("%s.%s.%d", e.CaseID, e.Type, e.Version)
	if e.Seq > 0 {
		msgID += fmt.Sprintf(".%d", e.Seq) // repeated events of one version: assignments, reminders
	}
	data, err := json.Marshal(contract.Wrap(e, msgID))
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "BadEvent", err)
	}
	chained := make(chan error, 1)
	if a.Audit == nil {
		chained <- nil
	} else {
		raw, _ := json.Marshal(e)
		rec := contract.AuditRecord{Kind: "event", CaseID: e.CaseID, Type: e.Type, Actor: e.Actor, At: e.Time, Data: raw}
		go func() { chained <- a.Audit.AppendChain(ctx, rec, "audit."+msgID) }()
	}
	err = a.Events.Publish(ctx, "dossier.events."+e.Type, msgID, data)
	return errors.Join(err, <-chained)
}

// PublishAuditDigest publishes the audit chain's head as the digest of
// day on dossier.audit.digest; the same day twice is kept once.
func (a *Activities) PublishAuditDigest(ctx context.Context, day string) (contract.AuditDigest, error) {
	if a.Audit == nil {
		return contract.AuditDigest{}, temporal.NewNonRetryableApplicationError("no audit chain configured", "NoAuditChain", nil)
	}
	return a.Audit.PublishDigest(ctx, day, activity.GetInfo(ctx).StartedTime)
}
