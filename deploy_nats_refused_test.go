package dossier_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/verification"
)

// TestNATSLegacyRefused checks that the legacy systems may not pose as
// Dossier, read the letters or the buckets, or destroy the streams: the
// server refuses each attempt, and tells the client which subject it
// refused. With open permissions, every case fails.
func TestNATSLegacyRefused(t *testing.T) {
	d := startNATSDeployment(t)
	if err := d.worker.Documents().Put(ctx(t), "case-1/letter.pdf", []byte("%PDF-1.7")); err != nil {
		t.Fatal(err)
	}
	if err := d.worker.Verifications().Put(ctx(t), verification.Record{Code: "ABCD-1234"}); err != nil {
		t.Fatal(err)
	}
	letterMeta := "$O.dossier-documents.M." + base64.URLEncoding.EncodeToString([]byte("case-1/letter.pdf"))
	tests := []struct {
		name string
		try  func(ctx context.Context, nc *nats.Conn, js jetstream.JetStream) error
		want string // the refusal the server reports
		// wantErr is what the call returns: a refused request is never
		// answered, so it waits until its context ends.
		wantErr error
	}{
		{name: "publish a stage event", try: publish("dossier.events.submitted"), want: `Publish to "dossier.events.submitted"`},
		{name: "publish a stage event through JetStream", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.Publish(ctx, "dossier.events.approved", []byte(`{}`))
			return err
		}, want: `Publish to "dossier.events.approved"`, wantErr: context.DeadlineExceeded},
		{name: "publish a print job", try: publish("dossier.tasks.print"), want: `Publish to "dossier.tasks.print"`},
		{name: "publish a dead letter", try: publish(bus.SubjectDeadLetter), want: `Publish to "dossier.dlq.intake"`},
		{name: "forge a refusal", try: publish(bus.SubjectRefused), want: `Publish to "dossier.audit.refused"`},
		{name: "open the letters' bucket", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.ObjectStore(ctx, bus.DocumentsBucket)
			return err
		}, want: `Publish to "$JS.API.STREAM.INFO.OBJ_dossier-documents"`, wantErr: context.DeadlineExceeded},
		{name: "get a letter's description", try: request("$JS.API.DIRECT.GET.OBJ_dossier-documents." + letterMeta),
			want: `Publish to "$JS.API.DIRECT.GET.OBJ_dossier-documents.` + letterMeta + `"`, wantErr: context.DeadlineExceeded},
		{name: "consume the letters' stream", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.OrderedConsumer(ctx, "OBJ_dossier-documents", jetstream.OrderedConsumerConfig{})
			return err
		}, want: `Publish to "$JS.API.CONSUMER.CREATE.OBJ_dossier-documents.`, wantErr: context.DeadlineExceeded},
		{name: "subscribe to the letters' chunks", try: subscribe("$O.dossier-documents.>"), want: `Subscription to "$O.dossier-documents.>"`},
		{name: "open a key-value bucket", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.KeyValue(ctx, bus.VerifyBucket)
			return err
		}, want: `Publish to "$JS.API.STREAM.INFO.KV_dossier-verify"`, wantErr: context.DeadlineExceeded},
		{name: "get a key", try: request("$JS.API.DIRECT.GET.KV_dossier-verify.$KV.dossier-verify.ABCD1234"),
			want: `Publish to "$JS.API.DIRECT.GET.KV_dossier-verify.$KV.dossier-verify.ABCD1234"`, wantErr: context.DeadlineExceeded},
		{name: "watch a key-value bucket", try: subscribe("$KV.dossier-verify.>"), want: `Subscription to "$KV.dossier-verify.>"`},
		{name: "listen to Dossier's replies", try: subscribe(bus.InboxPrefix + ".>"), want: `Subscription to "_INBOX_dossier.>"`},
		{name: "delete a stream", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			return js.DeleteStream(ctx, bus.StreamEvents)
		}, want: `Publish to "$JS.API.STREAM.DELETE.DOSSIER_EVENTS"`, wantErr: context.DeadlineExceeded},
		{name: "shorten a stream's retention", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.UpdateStream(ctx, jetstream.StreamConfig{Name: bus.StreamEvents, Subjects: []string{bus.SubjectEvents}, MaxAge: time.Second})
			return err
		}, want: `Publish to "$JS.API.STREAM.UPDATE.DOSSIER_EVENTS"`, wantErr: context.DeadlineExceeded},
		{name: "take the bridge's task answers", try: request("$JS.API.CONSUMER.MSG.NEXT.DOSSIER_TASKS.dossier-task-completer"),
			want: `Publish to "$JS.API.CONSUMER.MSG.NEXT.DOSSIER_TASKS.dossier-task-completer"`, wantErr: context.DeadlineExceeded},
		{name: "turn the bridge's consumer to print jobs", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.CreateOrUpdateConsumer(ctx, bus.StreamTasks, jetstream.ConsumerConfig{Durable: "dossier-task-completer", FilterSubject: activities.SubjectPrint})
			return err
		}, want: `Publish to "$JS.API.CONSUMER.CREATE.DOSSIER_TASKS.dossier-task-completer.dossier.tasks.print"`, wantErr: context.DeadlineExceeded},
		{name: "forge an audit record", try: publish(bus.SubjectChain), want: `Publish to "dossier.audit.chain"`},
		{name: "read the audit chain", try: func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.CreateConsumer(ctx, bus.StreamAudit, jetstream.ConsumerConfig{Name: "crm", FilterSubject: bus.SubjectChain})
			return err
		}, want: `Publish to "$JS.API.CONSUMER.CREATE.DOSSIER_AUDIT.crm.dossier.audit.chain"`, wantErr: context.DeadlineExceeded},
		{name: "purge a stream", try: request("$JS.API.STREAM.PURGE.DOSSIER_INTAKE"),
			want: `Publish to "$JS.API.STREAM.PURGE.DOSSIER_INTAKE"`, wantErr: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc, js, refused := d.legacy(t)
			c, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			err := tt.try(c, nc, js)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			refused.want(t, tt.want)
		})
	}
	if n, ok := d.streamMsgs(t, bus.StreamEvents); !ok || n != 0 {
		t.Errorf("DOSSIER_EVENTS exists %v with %d events, want it kept and empty", ok, n)
	}
}

func publish(subject string) func(context.Context, *nats.Conn, jetstream.JetStream) error {
	return func(_ context.Context, nc *nats.Conn, _ jetstream.JetStream) error {
		if err := nc.Publish(subject, []byte(`{}`)); err != nil {
			return err
		}
		return nc.Flush()
	}
}

func request(subject string) func(context.Context, *nats.Conn, jetstream.JetStream) error {
	return func(ctx context.Context, nc *nats.Conn, _ jetstream.JetStream) error {
		_, err := nc.RequestWithContext(ctx, subject, nil)
		return err
	}
}

func subscribe(subject string) func(context.Context, *nats.Conn, jetstream.JetStream) error {
	return func(_ context.Context, nc *nats.Conn, _ jetstream.JetStream) error {
		if _, err := nc.SubscribeSync(subject); err != nil {
			return err
		}
		return nc.Flush()
	}
}

// TestNATSLegacyOverhearsNoReply listens on _INBOX.>, which the legacy
// systems may, while the API reads a letter: Dossier's replies arrive
// elsewhere.
func TestNATSLegacyOverhearsNoReply(t *testing.T) {
	d := startNATSDeployment(t)
	if err := d.worker.Documents().Put(ctx(t), "case-1/letter.pdf", []byte("%PDF-1.7")); err != nil {
		t.Fatal(err)
	}
	nc, _, refused := d.legacy(t)
	inbox, err := nc.SubscribeSync("_INBOX.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.api.Documents().Get(ctx(t), "case-1/letter.pdf"); err != nil {
		t.Fatal(err)
	}
	if m, err := inbox.NextMsg(300 * time.Millisecond); err == nil {
		t.Errorf("the legacy user overheard %s %q", m.Subject, m.Data)
	}
	refused.none(t, "legacy")
}
