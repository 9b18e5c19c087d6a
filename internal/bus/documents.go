package bus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrNoDocument is returned for a document name the store does not hold.
var ErrNoDocument = errors.New("bus: no such document")

// Documents stores rendered letters in the NATS object store.
type Documents struct {
	js jetstream.JetStream
}

// Documents returns the store of the dossier-documents bucket.
func (b *Bus) Documents() *Documents {
	return &Documents{js: b.JS}
}

func (d *Documents) bucket(ctx context.Context) (jetstream.ObjectStore, error) {
	obs, err := d.js.ObjectStore(ctx, DocumentsBucket)
	if err != nil {
		return nil, fmt.Errorf("bus: bucket %s: %w", DocumentsBucket, err)
	}
	return obs, nil
}

// Put stores data under name. Storing the same bytes again is a no-op;
// different bytes under an existing name replace them.
func (d *Documents) Put(ctx context.Context, name string, data []byte) error {
	obs, err := d.bucket(ctx)
	if err != nil {
		return err
	}
	if info, err := obs.GetInfo(ctx, name); err == nil && info.Digest == digest(data) {
		return nil
	}
	if _, err := obs.Put(ctx, jetstream.ObjectMeta{Name: name}, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("bus: put %s: %w", name, err)
	}
	return nil
}

// Get returns the bytes stored under name, or ErrNoDocument.
func (d *Documents) Get(ctx context.Context, name string) ([]byte, error) {
	obs, err := d.bucket(ctx)
	if err != nil {
		return nil, err
	}
	data, err := obs.GetBytes(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNoDocument, name)
	}
	if err != nil {
		return nil, fmt.Errorf("bus: get %s: %w", name, err)
	}
	return data, nil
}

// digest is the object store's digest notation for data.
func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "SHA-256=" + base64.URLEncoding.EncodeToString(sum[:])
}
