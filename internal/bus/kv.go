package bus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// buckets are the key-value buckets Dossier keeps, created by Ensure.
var buckets = []jetstream.KeyValueConfig{
	{Bucket: DraftsBucket, Description: "Model drafts by case and version, for idempotent retries", TTL: 30 * 24 * time.Hour},
	{Bucket: VerifyBucket, Description: "What /verify/{code} confirms about each letter"},
	{Bucket: SentBucket, Description: "Message-IDs of the emails sent", TTL: 365 * 24 * time.Hour},
}

// ensureBuckets creates or updates every key-value bucket, compressed
// (drafts are letters of text) unless the server refuses to change the
// compression of an existing bucket.
func ensureBuckets(ctx context.Context, js jetstream.JetStream) error {
	for _, cfg := range buckets {
		cfg.Storage, cfg.Compression = jetstream.FileStorage, true
		_, err := js.CreateOrUpdateKeyValue(ctx, cfg)
		if err != nil {
			cfg.Compression = false
			_, err = js.CreateOrUpdateKeyValue(ctx, cfg)
		}
		if err != nil {
			return fmt.Errorf("bus: bucket %s: %w", cfg.Bucket, err)
		}
	}
	return nil
}

// kvBucket is a key-value bucket opened once, at its first use: opening
// asks the server for the bucket's stream, a round trip each read and
// write would otherwise make first. A bucket that cannot be opened is
// tried again at the next use.
type kvBucket struct {
	js   jetstream.JetStream
	name string
	mu   sync.Mutex
	kv   jetstream.KeyValue
}

func newKVBucket(js jetstream.JetStream, name string) *kvBucket {
	return &kvBucket{js: js, name: name}
}

// open returns the bucket, opening it on first use.
func (b *kvBucket) open(ctx context.Context) (jetstream.KeyValue, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.kv != nil {
		return b.kv, nil
	}
	kv, err := b.js.KeyValue(ctx, b.name)
	if err != nil {
		return nil, fmt.Errorf("bus: bucket %s: %w", b.name, err)
	}
	b.kv = kv
	return kv, nil
}
