package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

// With a relay that requires STARTTLS and authentication, the email goes
// with the right credentials and is refused with wrong ones.
func TestSMTPWithSTARTTLSAndAuth(t *testing.T) {
	cert, pool := testCertificate(t)
	sink, err := StartSinkWithAuth("127.0.0.1:0", t.TempDir(), &SinkAuth{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}, User: "dossier", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	e := activities.Email{MessageID: "tls-1@dossier", To: "zoe@example.org", Subject: "s", Text: "t", AttachmentName: "a.pdf", Attachment: []byte("%PDF")}
	for _, tt := range []struct {
		password string
		wantSent bool
	}{{"wrong", false}, {"s3cret", true}} {
		s := &SMTP{Host: "127.0.0.1", Port: sink.Addr().Port, TLS: "starttls", Username: "dossier", Password: tt.password,
			From: "no-reply@example.org", TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}, Sent: &memLedger{sent: map[string]bool{}}}
		_, err := s.Deliver(context.Background(), e)
		if (err == nil) != tt.wantSent {
			t.Errorf("password %q: %v, want sent %v", tt.password, err, tt.wantSent)
		}
	}
	if sink.Count() != 1 {
		t.Errorf("the relay received %d emails, want 1", sink.Count())
	}
}

// testCertificate makes a self-signed certificate for 127.0.0.1.
func testCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	parsed, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}
