package bus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// Audit subjects: refused attempts are kept on dossier.audit.refused.
const (
	StreamAudit    = "DOSSIER_AUDIT"
	SubjectRefused = "dossier.audit.refused"
)

func ensureAudit(ctx context.Context, js jetstream.JetStream) error {
	return ensureStream(ctx, js, jetstream.StreamConfig{
		Name: StreamAudit, Subjects: []string{"dossier.audit.>"}, Storage: jetstream.FileStorage,
		Description: "Refused attempts, the tamper-evident audit chain and its daily digests",
		Duplicates:  24 * time.Hour,
	})
}

// Refused keeps a refused attempt in the audit stream.
func (b *Bus) Refused(ctx context.Context, r cases.Refusal) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err = b.JS.Publish(ctx, SubjectRefused, raw); err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	rec := contract.AuditRecord{Kind: "refusal", CaseID: r.CaseID, Type: r.Action, Actor: r.Actor.ID, At: r.At, Data: raw}
	return b.AppendChain(ctx, rec, "audit.refusal."+hex.EncodeToString(sum[:16]))
}

// RefusedOf returns the refused attempts kept for case caseID, in the order
// they were kept, and an error when the stream cannot be read; records
// that do not decode are skipped.
func (b *Bus) RefusedOf(ctx context.Context, caseID string) ([]cases.Refusal, error) {
	return readSubject(ctx, b.JS, SubjectRefused, func(_ uint64, raw []byte) (cases.Refusal, bool) {
		var r cases.Refusal
		return r, json.Unmarshal(raw, &r) == nil && r.CaseID == caseID
	})
}
