package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// Cancellation is what a legacy system publishes on dossier.cases.cancel.
type Cancellation struct {
	CaseID string `json:"case_id"`
	Reason string `json:"reason"`
}

// DocumentsReceipt is what a legacy system publishes on
// dossier.cases.documents-received: the documents a case waits for arrived.
type DocumentsReceipt struct {
	CaseID     string   `json:"case_id"`
	Documents  []string `json:"documents"`
	ReceivedOn string   `json:"received_on,omitempty"`
	Note       string   `json:"note,omitempty"`
}

// command is a message that acts on an existing case, as the intake actor
// that submitted it.
type command func(ctx context.Context, raw []byte) (caseID string, err error)

// startCommands consumes dossier.cases.cancel and
// dossier.cases.documents-received durably.
func (b *Bridge) startCommands(ctx context.Context) error {
	for _, c := range []struct {
		subject, durable string
		run              command
	}{
		{bus.SubjectCancel, Consumer + "-cancel", b.cancel},
		{bus.SubjectDocumentsReceived, Consumer + "-documents", b.documentsReceived},
	} {
		cons, err := b.Bus.JS.CreateOrUpdateConsumer(ctx, bus.StreamIntake, jetstream.ConsumerConfig{
			Durable: c.durable, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
			MaxDeliver: 10, FilterSubject: c.subject,
		})
		if err != nil {
			return fmt.Errorf("bridge: %s consumer: %w", c.subject, err)
		}
		cc, err := cons.Consume(b.handleCommand(c.run))
		if err != nil {
			return fmt.Errorf("bridge: consume %s: %w", c.subject, err)
		}
		b.commands = append(b.commands, cc)
	}
	return nil
}

// handleCommand runs a command message: acked when it applied, retried
// when Dossier could not tell, dead-lettered when it can never apply.
func (b *Bridge) handleCommand(run command) jetstream.MessageHandler {
	return func(msg jetstream.Msg) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		id, err := run(ctx, msg.Data())
		switch {
		case err == nil:
			b.Logger.Info("intake: command applied", "subject", msg.Subject(), "id", id)
			_ = msg.Ack()
		case cases.KindOf(err) == cases.KindInternal:
			_ = msg.NakWithDelay(5 * time.Second)
		default:
			b.deadLetter(ctx, msg, err)
		}
	}
}

// cancel cancels the case, as the intake actor that submitted it.
func (b *Bridge) cancel(ctx context.Context, raw []byte) (string, error) {
	var c Cancellation
	if err := decodeStrict(raw, &c); err != nil {
		return "", err
	}
	if c.CaseID == "" || len(c.Reason) < 3 {
		return c.CaseID, &cases.Error{Kind: cases.KindInvalid, Message: "a cancellation needs case_id and a reason",
			Fields: []contract.FieldError{{Field: "reason", Rule: "required", Message: "is required"}}}
	}
	return c.CaseID, b.Cases.Cancel(ctx, Submitter, c.CaseID, c.Reason)
}

// documentsReceived tells the case its documents arrived, as the intake
// actor that submitted it; the workflow checks the rest.
func (b *Bridge) documentsReceived(ctx context.Context, raw []byte) (string, error) {
	var d DocumentsReceipt
	if err := decodeStrict(raw, &d); err != nil {
		return "", err
	}
	if d.CaseID == "" {
		return "", &cases.Error{Kind: cases.KindInvalid, Message: "a receipt of documents needs case_id",
			Fields: []contract.FieldError{{Field: "case_id", Rule: "required", Message: "is required"}}}
	}
	_, err := b.Cases.DocumentsReceived(ctx, Submitter, d.CaseID, contract.DocumentsReceived{
		Documents: d.Documents, ReceivedOn: d.ReceivedOn, Note: d.Note})
	return d.CaseID, err
}

// decodeStrict decodes a command's JSON, refusing unknown fields.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &cases.Error{Kind: cases.KindInvalid, Message: "invalid JSON: " + err.Error()}
	}
	return nil
}
