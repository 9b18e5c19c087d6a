package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dossier/dossier/activities"
)

type memLedger struct {
	mu   sync.Mutex
	sent map[string]bool
}

func (l *memLedger) Sent(_ context.Context, id string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent[id], nil
}

func (l *memLedger) MarkSent(_ context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent[id] = true
	return nil
}

// An email goes through a real SMTP exchange with its text, HTML and PDF,
// and a second delivery of the same Message-ID (a retry after a crash)
// sends nothing.
func TestSMTPDeliversOnce(t *testing.T) {
	sink, err := StartSink("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	s := &SMTP{Host: "127.0.0.1", Port: sink.Addr().Port, TLS: "none", From: "no-reply@montreuil-sur-loire.example", Sent: &memLedger{sent: map[string]bool{}}}
	e := activities.Email{MessageID: "case-1.letter-v1@dossier", FromName: "Ville de Montreuil-sur-Loire", To: "zoe@example.org",
		ToName: "Zoë Lefèvre-Œuvray", Subject: "[DOS-1] Accusé de réception", Text: "Madame, Monsieur,\n\nVoici votre courrier <important>.",
		AttachmentName: "DOS-1.pdf", Attachment: []byte("%PDF-1.4 letter")}
	for range 2 {
		if _, err := s.Deliver(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(sink.Dir, "*.eml"))
	if sink.Count() != 1 || len(files) != 1 {
		t.Fatalf("the sink received %d messages (%d files), want 1", sink.Count(), len(files))
	}
	raw, _ := os.ReadFile(files[0])
	for _, want := range []string{"Message-ID: <case-1.letter-v1@dossier>", "text/plain", "text/html", "&lt;important&gt;", "application/pdf", `filename="DOS-1.pdf"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("email lacks %q", want)
		}
	}
}

func TestSMTPRefusesAnUnreachableRelay(t *testing.T) {
	s := &SMTP{Host: "127.0.0.1", Port: 1, TLS: "none", From: "no-reply@example.org", Sent: &memLedger{sent: map[string]bool{}}}
	_, err := s.Deliver(context.Background(), activities.Email{MessageID: "x@dossier", To: "a@example.org", Subject: "s", Text: "t", AttachmentName: "a.pdf", Attachment: []byte("%PDF")})
	if err == nil {
		t.Fatal("delivery to a closed port succeeded")
	}
	if sent, _ := s.Sent.Sent(context.Background(), "x@dossier"); sent {
		t.Error("a failed delivery was recorded as sent")
	}
}
