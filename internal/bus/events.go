package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/contract"
)

// Tail says which events TailEvents reads: from stream sequence Seq, or
// else from time Since, or else (both zero) from the next one published;
// only those of case CaseID when it is set.
type Tail struct {
	Seq    uint64
	Since  time.Time
	CaseID string
}

// StageEvent is an event read back from DOSSIER_EVENTS: its stream
// sequence, the envelope as published, and the envelope decoded. Err says
// why a message on the stream is not an envelope.
type StageEvent struct {
	Seq      uint64
	Raw      []byte
	Envelope contract.Envelope
	Err      error
}

// EventTail reads DOSSIER_EVENTS in order with an ordered consumer, which
// survives reconnections and NATS restarts without a gap.
type EventTail struct {
	msgs   jetstream.MessagesContext
	caseID string
}

// TailEvents starts reading the events from where from says. It returns an
// error when the stream cannot be read (no DOSSIER_EVENTS, no JetStream).
func TailEvents(ctx context.Context, js jetstream.JetStream, from Tail) (*EventTail, error) {
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{SubjectEvents}, DeliverPolicy: jetstream.DeliverNewPolicy}
	switch {
	case from.Seq > 0:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, from.Seq
	case !from.Since.IsZero():
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &from.Since
	}
	cons, err := js.OrderedConsumer(ctx, StreamEvents, cfg)
	if err != nil {
		return nil, fmt.Errorf("bus: events: %w", err)
	}
	msgs, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("bus: events: %w", err)
	}
	return &EventTail{msgs: msgs, caseID: from.CaseID}, nil
}

// Next waits for the next event (of the case, when the tail has one). It
// returns ctx's error once ctx ends.
func (t *EventTail) Next(ctx context.Context) (StageEvent, error) {
	for {
		msg, err := t.msgs.Next(jetstream.NextContext(ctx))
		if ctx.Err() != nil {
			return StageEvent{}, ctx.Err()
		}
		if err != nil {
			return StageEvent{}, fmt.Errorf("bus: events: %w", err)
		}
		e := stageEvent(msg)
		if t.caseID == "" || (e.Err == nil && e.Envelope.Subject == t.caseID) {
			return e, nil
		}
	}
}

// Stop ends the tail.
func (t *EventTail) Stop() { t.msgs.Stop() }

func stageEvent(msg jetstream.Msg) StageEvent {
	e := StageEvent{Raw: msg.Data()}
	if meta, err := msg.Metadata(); err == nil {
		e.Seq = meta.Sequence.Stream
	}
	if err := json.Unmarshal(msg.Data(), &e.Envelope); err != nil {
		e.Err = fmt.Errorf("not an event envelope: %w", err)
	} else if e.Envelope.Subject == "" || e.Envelope.Data.Type == "" {
		e.Err = errors.New("not an event envelope: no subject or type")
	}
	return e
}
