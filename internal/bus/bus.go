// Package bus connects Dossier to NATS: the JetStream streams of the
// integrators' contract (intake, events, dead letters) and the object store
// that keeps rendered letters.
package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Subjects and streams of the integrators' contract.
const (
	SubjectSubmit = "dossier.cases.submit"
	SubjectCancel = "dossier.cases.cancel"
	// SubjectDocumentsReceived tells a case waiting for missing documents
	// that they arrived.
	SubjectDocumentsReceived = "dossier.cases.documents-received"
	SubjectEvents            = "dossier.events.>"
	SubjectDeadLetter        = "dossier.dlq.intake"
	StreamIntake             = "DOSSIER_INTAKE"
	StreamEvents             = "DOSSIER_EVENTS"
	StreamDeadLetter         = "DOSSIER_DLQ"
	// StreamTasks carries delegated tasks (dossier.tasks.<name>) and the
	// legacy systems' answers (dossier.tasks.<name>.done).
	StreamTasks     = "DOSSIER_TASKS"
	DocumentsBucket = "dossier-documents"
	// InboxPrefix is where the replies to Dossier's requests arrive, JetStream's
	// included (object chunks, key-value entries, legacy records): not under
	// the usual _INBOX, which legacy systems may subscribe to for their own
	// replies, so that a NATS server can keep Dossier's replies from them
	// (deploy/nats.conf).
	InboxPrefix = "_INBOX_dossier"
)

// Bus is a NATS connection with JetStream.
type Bus struct {
	Conn  *nats.Conn
	JS    jetstream.JetStream
	chain chainCache
}

// Dial connects to the NATS server at url and opens JetStream, with the
// authentication given (at most one Auth). The connection reconnects
// forever: a NATS restart never takes Dossier down. Replies arrive under
// InboxPrefix.
func Dial(url, name string, auth ...Auth) (*Bus, error) {
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second),
		nats.CustomInboxPrefix(InboxPrefix)}
	for _, a := range auth {
		more, err := a.options()
		if err != nil {
			return nil, err
		}
		opts = append(opts, more...)
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	return &Bus{Conn: nc, JS: js}, nil
}

// Close drains and closes the connection.
func (b *Bus) Close() {
	if err := b.Conn.Drain(); err != nil {
		b.Conn.Close()
	}
}

// Ensure creates or updates the streams and the documents bucket. It is
// safe to call at every start, from every role.
func (b *Bus) Ensure(ctx context.Context) error {
	streams := []jetstream.StreamConfig{
		{Name: StreamIntake, Subjects: []string{SubjectSubmit, SubjectCancel, SubjectDocumentsReceived}, Storage: jetstream.FileStorage,
			Duplicates: 24 * time.Hour, MaxAge: 30 * 24 * time.Hour},
		{Name: StreamEvents, Subjects: []string{SubjectEvents}, Storage: jetstream.FileStorage,
			Duplicates: 24 * time.Hour, MaxAge: 90 * 24 * time.Hour},
		{Name: StreamDeadLetter, Subjects: []string{"dossier.dlq.>"}, Storage: jetstream.FileStorage},
		{Name: StreamTasks, Subjects: []string{"dossier.tasks.>"}, Storage: jetstream.FileStorage,
			Duplicates: 24 * time.Hour, MaxAge: 30 * 24 * time.Hour},
	}
	for _, cfg := range streams {
		if err := ensureStream(ctx, b.JS, cfg); err != nil {
			return err
		}
	}
	_, err := b.JS.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: DocumentsBucket, Description: "Rendered letters, by case", Storage: jetstream.FileStorage,
	})
	if err != nil {
		return fmt.Errorf("bus: bucket %s: %w", DocumentsBucket, err)
	}
	if err := ensureBuckets(ctx, b.JS); err != nil {
		return err
	}
	return ensureAudit(ctx, b.JS)
}

// ensureStream creates or updates a stream, compressed with S2: its
// messages are small JSON documents much alike (events, audit records),
// which S2 shrinks about three times as JetStream seals each block. A
// server that refuses to change the compression of an existing stream
// keeps the stream as it is, with every other setting updated.
func ensureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) error {
	cfg.Compression = jetstream.S2Compression
	_, err := js.CreateOrUpdateStream(ctx, cfg)
	if err != nil {
		if s, serr := js.Stream(ctx, cfg.Name); serr == nil && s.CachedInfo().Config.Compression != cfg.Compression {
			cfg.Compression = s.CachedInfo().Config.Compression
			_, err = js.CreateOrUpdateStream(ctx, cfg)
		}
	}
	if err != nil {
		return fmt.Errorf("bus: stream %s: %w", cfg.Name, err)
	}
	return nil
}

// Publish publishes data on subject through JetStream with msgID as
// Nats-Msg-Id, so that a republish within the stream's window is dropped.
func (b *Bus) Publish(ctx context.Context, subject, msgID string, data []byte) error {
	_, err := b.JS.Publish(ctx, subject, data, jetstream.WithMsgID(msgID))
	if err != nil {
		return fmt.Errorf("bus: publish %s: %w", subject, err)
	}
	return nil
}

// Ready reports whether the connection is up and JetStream answers.
func (b *Bus) Ready(ctx context.Context) error {
	if !b.Conn.IsConnected() {
		return errors.New("bus: not connected")
	}
	_, err := b.JS.AccountInfo(ctx)
	return err
}

// ErrNoAnswer is returned when nobody answers a request in time: the
// legacy system is down, absent or too slow.
var ErrNoAnswer = errors.New("bus: no answer")

// Request sends a NATS request and returns the reply's data, or
// ErrNoAnswer when nobody answers before ctx ends.
func (b *Bus) Request(ctx context.Context, subject string, data []byte) ([]byte, error) {
	msg, err := b.Conn.RequestWithContext(ctx, subject, data)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return nil, fmt.Errorf("%w on %s: no responders", ErrNoAnswer, subject)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout):
		return nil, fmt.Errorf("%w on %s: timed out", ErrNoAnswer, subject)
	case err != nil:
		return nil, fmt.Errorf("bus: request %s: %w", subject, err)
	}
	return msg.Data, nil
}
