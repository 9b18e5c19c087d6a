package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/contract"
)

// DraftsBucket keeps each model draft once written, so that a retried
// draft activity returns the same text instead of asking the model again.
const DraftsBucket = "dossier-drafts"

// Drafts is the draft cache in a NATS key-value bucket.
type Drafts struct {
	bucket *kvBucket
}

// Drafts returns the draft cache.
func (b *Bus) Drafts() *Drafts { return &Drafts{bucket: newKVBucket(b.JS, DraftsBucket)} }

// Get returns the draft stored under key, and whether there is one.
func (d *Drafts) Get(ctx context.Context, key string) (contract.Draft, bool, error) {
	var draft contract.Draft
	kv, err := d.bucket.open(ctx)
	if err != nil {
		return draft, false, err
	}
	entry, err := kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return draft, false, nil
	}
	if err != nil {
		return draft, false, fmt.Errorf("bus: draft %s: %w", key, err)
	}
	if err := json.Unmarshal(entry.Value(), &draft); err != nil {
		return draft, false, fmt.Errorf("bus: draft %s: %w", key, err)
	}
	return draft, true, nil
}

// Put stores a draft under key unless one is there already (the first
// one written wins), and returns the draft stored.
func (d *Drafts) Put(ctx context.Context, key string, draft contract.Draft) (contract.Draft, error) {
	kv, err := d.bucket.open(ctx)
	if err != nil {
		return draft, err
	}
	raw, _ := json.Marshal(draft)
	if _, err := kv.Create(ctx, key, raw); errors.Is(err, jetstream.ErrKeyExists) {
		stored, _, gerr := d.Get(ctx, key)
		return stored, gerr
	} else if err != nil {
		return draft, fmt.Errorf("bus: draft %s: %w", key, err)
	}
	return draft, nil
}
