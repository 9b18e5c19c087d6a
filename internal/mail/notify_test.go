package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/bus/bustest"
	"github.com/dossier/dossier/internal/mail"
)

// A notification retried after a crash (the relay accepted the email, the
// activity never reported it) sends nothing the second time: the sent
// ledger in NATS remembers the Message-ID.
func TestRetriedNotificationSendsOneEmail(t *testing.T) {
	b, err := bus.Dial(bustest.Server(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	sink, err := mail.StartSink("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	e := activities.Email{MessageID: "4a6a1111.letter-v1@dossier", To: "zoe@example.org", Subject: "Courrier", Text: "Bonjour.",
		AttachmentName: "DOS-4A6A1111.pdf", Attachment: []byte("%PDF-1.4")}
	// Two workers, as after a crash: nothing shared but the ledger.
	for range 2 {
		smtp := &mail.SMTP{Host: "127.0.0.1", Port: sink.Addr().Port, TLS: "none", From: "no-reply@example.org", Sent: b.Sent()}
		if _, err := smtp.Deliver(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if sink.Count() != 1 {
		t.Errorf("the relay received %d emails, want 1", sink.Count())
	}
}
