package bus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/cases"
)

// Audit subjects: refused attempts are kept on dossier.audit.refused.
const (
	StreamAudit    = "DOSSIER_AUDIT"
	SubjectRefused = "dossier.audit.refused"
)

func ensureAudit(ctx context.Context, js jetstream.JetStream) error {
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: StreamAudit, Subjects: []string{"dossier.audit.>"}, Storage: jetstream.FileStorage,
		Description: "Audit records Temporal does not keep, such as refused attempts",
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
	_, err = b.JS.Publish(ctx, SubjectRefused, raw)
	return err
}
