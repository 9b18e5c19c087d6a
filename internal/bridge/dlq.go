package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// DeadLetter is a submission the bridge could not turn into a case.
type DeadLetter struct {
	Seq            uint64                `json:"seq"`
	At             time.Time             `json:"at"`
	Reason         string                `json:"reason"`
	Errors         []contract.FieldError `json:"errors,omitempty"`
	Subject        string                `json:"original_subject"`
	IdempotencyKey string                `json:"idempotency_key,omitempty"`
	Payload        string                `json:"payload"`
}

// ListDeadLetters returns the dead letters kept on dossier.dlq.intake,
// oldest first.
func ListDeadLetters(ctx context.Context, js jetstream.JetStream) ([]DeadLetter, error) {
	stream, err := js.Stream(ctx, bus.StreamDeadLetter)
	if err != nil {
		return nil, fmt.Errorf("dlq: %w", err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("dlq: %w", err)
	}
	var out []DeadLetter
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		msg, err := stream.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // deleted after a replay
		}
		if err != nil {
			return nil, fmt.Errorf("dlq: message %d: %w", seq, err)
		}
		out = append(out, deadLetter(msg))
	}
	return out, nil
}

func deadLetter(m *jetstream.RawStreamMsg) DeadLetter {
	d := DeadLetter{Seq: m.Sequence, At: m.Time, Reason: m.Header.Get(HeaderReason), Subject: m.Header.Get("Dossier-Original-Subject"),
		IdempotencyKey: m.Header.Get(HeaderIdempotencyKey), Payload: string(m.Data)}
	_ = json.Unmarshal([]byte(m.Header.Get(HeaderErrors)), &d.Errors)
	return d
}

// ReplayDeadLetter publishes dead letter seq again on the subject it came
// on (a submission, a cancellation, documents received), with payload
// when the operator fixed it (nil keeps the original), under its first
// idempotency key so that a replay never opens a second case; the dead
// letter is then removed. The bridge checks it like any other message.
func ReplayDeadLetter(ctx context.Context, js jetstream.JetStream, seq uint64, payload []byte) error {
	stream, err := js.Stream(ctx, bus.StreamDeadLetter)
	if err != nil {
		return fmt.Errorf("dlq: %w", err)
	}
	m, err := stream.GetMsg(ctx, seq)
	if err != nil {
		return fmt.Errorf("dlq: message %d: %w", seq, err)
	}
	d := deadLetter(m)
	if payload == nil {
		payload = m.Data
	}
	out := nats.NewMsg(replaySubject(d.Subject))
	out.Data = payload
	out.Header.Set(HeaderIdempotencyKey, d.IdempotencyKey)
	out.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("replay.%s.%d", d.IdempotencyKey, seq))
	if _, err := js.PublishMsg(ctx, out); err != nil {
		return fmt.Errorf("dlq: replay %d: %w", seq, err)
	}
	return stream.DeleteMsg(ctx, seq)
}

// replaySubject is the intake subject a dead letter first came on; a
// submission's for a dead letter that does not say (kept before the
// bridge recorded it).
func replaySubject(original string) string {
	switch original {
	case bus.SubjectCancel, bus.SubjectDocumentsReceived:
		return original
	}
	return bus.SubjectSubmit
}
