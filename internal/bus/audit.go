package bus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: StreamAudit, Subjects: []string{"dossier.audit.>"}, Storage: jetstream.FileStorage,
		Description: "Refused attempts, the tamper-evident audit chain and its daily digests",
		Duplicates:  24 * time.Hour,
	})
	if err != nil {
		return fmt.Errorf("bus: stream %s: %w", StreamAudit, err)
	}
	return nil
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
