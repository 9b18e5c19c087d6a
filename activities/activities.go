// Package activities implements the stages of a case that touch the world:
// validating and completing the submission, drafting, rendering and storing
// the letter, notifying the citizen and publishing stage events.
//
// Every activity is idempotent: running it twice leaves one letter, one
// stored object, one event and one email.
package activities

import (
	"context"
	"time"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/internal/verification"
	"github.com/dossier/dossier/templates"
)

// Publisher publishes a message once per msgID (deduplicated by the bus).
type Publisher interface {
	Publish(ctx context.Context, subject, msgID string, data []byte) error
}

// DocumentStore keeps rendered letters by name.
type DocumentStore interface {
	Put(ctx context.Context, name string, data []byte) error
	Get(ctx context.Context, name string) ([]byte, error)
}

// AuditLog keeps records on the tamper-evident audit chain, once per msgID.
type AuditLog interface {
	AppendChain(ctx context.Context, rec contract.AuditRecord, msgID string) error
	PublishDigest(ctx context.Context, day string, now time.Time) (contract.AuditDigest, error)
}

// Mailer delivers an email at most once per Message-ID.
type Mailer interface {
	Deliver(ctx context.Context, e Email) (location string, err error)
}

// Renderer turns a letter into PDF bytes, the same bytes for the same letter.
type Renderer interface {
	Render(l pdf.Letter) ([]byte, error)
}

// Activities holds the clients the stage activities use. Build it once per
// worker and register it; the workflow calls its methods by name.
type Activities struct {
	Catalog        *templates.Catalog
	Validator      *intake.Validator
	Administration config.Administration
	Renderer       Renderer
	Documents      DocumentStore
	Events         Publisher
	// Audit, when set, chains every published event for the auditors.
	Audit  AuditLog
	Mail   Mailer
	Legacy Legacy
	// LegacyTimeout bounds each legacy request; LookupTimeout when zero.
	LegacyTimeout time.Duration
	// Models are the configured language models; none means the template
	// drafter writes every letter.
	Models llm.Registry
	// Drafts keeps model drafts so that a retried draft returns the same text.
	Drafts DraftCache
	// Verify, when set, prints a verification code on every letter.
	Verify *Verify
}

// Verify is how letters get their verification code: the administration's
// secret, the public URL of the verification page, and where the records
// the page shows are kept.
type Verify struct {
	Secret  []byte
	BaseURL string
	Store   interface {
		Put(ctx context.Context, r verification.Record) error
	}
}
