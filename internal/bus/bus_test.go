package bus_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/bus/bustest"
)

// TestRepliesStayOffTheCommonInbox reads a stored letter while another
// client listens on _INBOX.>, as a legacy system may: no reply reaches it,
// neither the bucket's details nor the letter's chunks.
func TestRepliesStayOffTheCommonInbox(t *testing.T) {
	url, b, ctx := dialTest(t)
	if err := b.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	letter := []byte("%PDF-1.7 letter to Zoë Lefèvre-Œuvray")
	if err := b.Documents().Put(ctx, "case-1/letter.pdf", letter); err != nil {
		t.Fatal(err)
	}
	other, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	overheard, err := other.SubscribeSync("_INBOX.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Documents().Get(ctx, "case-1/letter.pdf"); err != nil || !bytes.Equal(got, letter) {
		t.Fatalf("Get = %q, %v; want the letter", got, err)
	}
	if m, err := overheard.NextMsg(200 * time.Millisecond); err == nil {
		t.Errorf("a reply to Dossier reached _INBOX.>: %s %q", m.Subject, m.Data)
	}
}

// dialTest starts a nats-server and dials it as Dossier does; the
// context ends after 10 s, and everything with the test.
func dialTest(t *testing.T) (url string, b *bus.Bus, ctx context.Context) {
	t.Helper()
	url = bustest.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	b, err := bus.Dial(url, "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return url, b, ctx
}
