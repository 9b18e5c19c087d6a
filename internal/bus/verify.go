package bus

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/verification"
)

// VerifyBucket keeps, by verification code, what the public verification
// page shows about each letter.
const VerifyBucket = "dossier-verify"

// Verifications is the verification records' store.
type Verifications struct{ bucket *kvBucket }

// Verifications returns the verification store.
func (b *Bus) Verifications() *Verifications {
	return &Verifications{bucket: newKVBucket(b.JS, VerifyBucket)}
}

func verifyKey(code string) string { return strings.ReplaceAll(code, "-", "") }

// Put stores r under its code; storing it again changes nothing.
func (v *Verifications) Put(ctx context.Context, r verification.Record) error {
	kv, err := v.bucket.open(ctx)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(r)
	_, err = kv.Put(ctx, verifyKey(r.Code), raw)
	return err
}

// Get returns the record of code, and whether there is one.
func (v *Verifications) Get(ctx context.Context, code string) (verification.Record, bool, error) {
	var r verification.Record
	kv, err := v.bucket.open(ctx)
	if err != nil {
		return r, false, err
	}
	entry, err := kv.Get(ctx, verifyKey(code))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	return r, true, json.Unmarshal(entry.Value(), &r)
}
