// Package bridge turns submissions published on NATS into cases. It reads
// the intake stream through a durable consumer and acknowledges a message
// only once its workflow has started (or was found already started), so a
// crash between the two replays the message instead of losing it.
package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// Consumer is the durable consumer name of the intake stream.
const Consumer = "dossier-bridge"

// Submitter is the actor recorded on cases that arrive over NATS.
var Submitter = contract.Actor{ID: "nats-intake", Name: "NATS intake", Roles: []string{contract.RoleIntegrator}}

// Bridge consumes dossier.cases.submit.
type Bridge struct {
	Bus    *bus.Bus
	Cases  *cases.Service
	Logger *slog.Logger
	// AckWait is how long a submission being turned into a case stays
	// with this bridge before it is delivered again (30 s when zero).
	AckWait  time.Duration
	cc       jetstream.ConsumeContext
	commands []jetstream.ConsumeContext
}

// Start begins consuming; Stop ends it.
func (b *Bridge) Start(ctx context.Context) error {
	cons, err := b.Bus.JS.CreateOrUpdateConsumer(ctx, bus.StreamIntake, jetstream.ConsumerConfig{
		Durable:    Consumer,
		AckPolicy:  jetstream.AckExplicitPolicy,
		MaxDeliver: 10,
		// With a back-off, nats-server takes its first step as the ack
		// wait, and the later ones as the waits of the next deliveries.
		BackOff:       []time.Duration{b.ackWait(), 2 * b.ackWait(), 5 * time.Minute},
		FilterSubject: bus.SubjectSubmit,
	})
	if err != nil {
		return fmt.Errorf("bridge: consumer: %w", err)
	}
	b.cc, err = cons.Consume(b.handle)
	if err != nil {
		return fmt.Errorf("bridge: consume: %w", err)
	}
	return b.startCommands(ctx)
}

func (b *Bridge) ackWait() time.Duration {
	if b.AckWait > 0 {
		return b.AckWait
	}
	return 30 * time.Second
}

// Stop stops consuming; messages in flight are redelivered later.
func (b *Bridge) Stop() {
	if b.cc != nil {
		b.cc.Stop()
	}
	for _, cc := range b.commands {
		cc.Stop()
	}
}

func (b *Bridge) handle(msg jetstream.Msg) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub, err := intake.Decode(msg.Data())
	if err == nil {
		var id string
		var created bool
		id, created, err = b.Cases.Submit(ctx, cases.Submission{Body: sub, By: Submitter, Channel: "nats", Key: idempotencyKey(msg)})
		if err == nil {
			b.Logger.Info("intake: case", "id", id, "created", created)
			_ = msg.Ack()
			return
		}
	}
	if kind := cases.KindOf(cases.Invalid(err)); kind != cases.KindInternal {
		b.deadLetter(ctx, msg, cases.Invalid(err))
		return
	}
	b.Logger.Warn("intake: start case failed, will retry", "error", err)
	_ = msg.NakWithDelay(5 * time.Second)
}

// idempotencyKey is the message's Nats-Msg-Id, or its stream sequence when
// it has none, so that a redelivery never opens a second case.
func idempotencyKey(msg jetstream.Msg) string {
	if key := msg.Headers().Get(HeaderIdempotencyKey); key != "" {
		return key // a replayed dead letter keeps its first key
	}
	if id := msg.Headers().Get(jetstream.MsgIDHeader); id != "" {
		return id
	}
	var probe struct {
		Key string `json:"idempotency_key"`
	}
	if json.Unmarshal(msg.Data(), &probe) == nil && probe.Key != "" {
		return probe.Key
	}
	meta, err := msg.Metadata()
	if err != nil {
		return ""
	}
	return fmt.Sprintf("seq:%d", meta.Sequence.Stream)
}

// Headers a dead letter carries besides the original ones.
const (
	HeaderReason = "Dossier-Reason"
	// HeaderErrors holds the field errors as JSON: [{"field","rule","message"}].
	HeaderErrors = "Dossier-Errors"
	// HeaderIdempotencyKey keeps a dead letter's idempotency key (its first
	// Nats-Msg-Id, or its stream sequence) for a replay.
	HeaderIdempotencyKey = "Dossier-Idempotency-Key"
)

// deadLetter moves a message that can never become a case to
// dossier.dlq.intake, with its headers, the reason and the field errors,
// so nothing queues behind it.
func (b *Bridge) deadLetter(ctx context.Context, msg jetstream.Msg, refusal error) {
	reason := refusal.Error()
	out := nats.NewMsg(bus.SubjectDeadLetter)
	out.Data = msg.Data()
	for k, v := range msg.Headers() {
		out.Header[k] = v
	}
	out.Header.Del(jetstream.MsgIDHeader)
	out.Header.Set(HeaderIdempotencyKey, idempotencyKey(msg))
	var ce *cases.Error
	if errors.As(refusal, &ce) {
		reason = ce.Message
		for _, f := range ce.Fields {
			reason += "; " + f.Field + ": " + f.Message
		}
		if len(ce.Fields) > 0 {
			raw, _ := json.Marshal(ce.Fields)
			out.Header.Set(HeaderErrors, string(raw))
		}
	}
	out.Header.Set(HeaderReason, reason)
	out.Header.Set("Dossier-Original-Subject", msg.Subject())
	if _, err := b.Bus.JS.PublishMsg(ctx, out); err != nil {
		b.Logger.Error("intake: dead letter failed, will retry", "error", err)
		_ = msg.NakWithDelay(5 * time.Second)
		return
	}
	b.Logger.Warn("intake: dead-lettered a submission", "reason", refusal)
	_ = msg.Term()
}
