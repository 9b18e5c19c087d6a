package bus

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// SentBucket remembers the Message-IDs of the emails a relay accepted, so
// that a retried notification never sends a second email.
const SentBucket = "dossier-sent"

// SentLedger is the ledger of sent emails.
type SentLedger struct{ bucket *kvBucket }

// Sent returns the ledger of sent emails.
func (b *Bus) Sent() *SentLedger { return &SentLedger{bucket: newKVBucket(b.JS, SentBucket)} }

// sentKey makes a Message-ID a valid key.
func sentKey(messageID string) string {
	return strings.NewReplacer("@", "_at_", "<", "", ">", "", " ", "_").Replace(messageID)
}

// Sent reports whether the email messageID was sent.
func (l *SentLedger) Sent(ctx context.Context, messageID string) (bool, error) {
	kv, err := l.bucket.open(ctx)
	if err != nil {
		return false, err
	}
	_, err = kv.Get(ctx, sentKey(messageID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// MarkSent records that the email messageID was sent.
func (l *SentLedger) MarkSent(ctx context.Context, messageID string) error {
	kv, err := l.bucket.open(ctx)
	if err != nil {
		return err
	}
	_, err = kv.Put(ctx, sentKey(messageID), []byte(time.Now().UTC().Format(time.RFC3339)))
	return err
}
