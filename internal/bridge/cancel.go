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

// startCancellations consumes dossier.cases.cancel durably.
func (b *Bridge) startCancellations(ctx context.Context) error {
	cons, err := b.Bus.JS.CreateOrUpdateConsumer(ctx, bus.StreamIntake, jetstream.ConsumerConfig{
		Durable: Consumer + "-cancel", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second,
		MaxDeliver: 10, FilterSubject: bus.SubjectCancel,
	})
	if err != nil {
		return fmt.Errorf("bridge: cancel consumer: %w", err)
	}
	b.cancelCC, err = cons.Consume(b.handleCancel)
	return err
}

// handleCancel cancels the case, as the intake actor that submitted it;
// a cancellation that can never apply goes to the dead letters.
func (b *Bridge) handleCancel(msg jetstream.Msg) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var c Cancellation
	dec := json.NewDecoder(bytes.NewReader(msg.Data()))
	dec.DisallowUnknownFields()
	err := dec.Decode(&c)
	if err == nil && (c.CaseID == "" || len(c.Reason) < 3) {
		err = &cases.Error{Kind: cases.KindInvalid, Message: "a cancellation needs case_id and a reason",
			Fields: []contract.FieldError{{Field: "reason", Rule: "required", Message: "is required"}}}
	} else if err != nil {
		err = &cases.Error{Kind: cases.KindInvalid, Message: "invalid JSON: " + err.Error()}
	}
	if err == nil {
		err = b.Cases.Cancel(ctx, Submitter, c.CaseID, c.Reason)
	}
	switch {
	case err == nil:
		b.Logger.Info("intake: case cancelled", "id", c.CaseID, "reason", c.Reason)
		_ = msg.Ack()
	case cases.KindOf(err) == cases.KindInternal:
		_ = msg.NakWithDelay(5 * time.Second)
	default:
		b.deadLetter(ctx, msg, err)
	}
}
