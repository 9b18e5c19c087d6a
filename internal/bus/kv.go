package bus

import (
	"context"
	"fmt"
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

// bucket opens the key-value bucket name.
func bucket(ctx context.Context, js jetstream.JetStream, name string) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("bus: bucket %s: %w", name, err)
	}
	return kv, nil
}
