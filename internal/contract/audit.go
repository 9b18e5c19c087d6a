package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// GenesisHash is the Prev of the audit chain's first record.
var GenesisHash = strings.Repeat("0", 64)

// AuditRecord is one link of the audit chain. Hash is the SHA-256 of Prev
// and of the record's JSON without its Hash, so that changing a record,
// removing one or inserting one breaks the links after it.
type AuditRecord struct {
	Index  uint64    `json:"index"`
	Kind   string    `json:"kind"` // "event" or "refusal"
	CaseID string    `json:"case_id"`
	Type   string    `json:"type"`
	Actor  string    `json:"actor,omitempty"`
	At     time.Time `json:"at"`
	// Data is the event or refusal as it was published.
	Data json.RawMessage `json:"data"`
	Prev string          `json:"prev"`
	Hash string          `json:"hash"`
}

// ComputeHash returns the hash r should carry.
func (r AuditRecord) ComputeHash() string {
	r.Hash = ""
	raw, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("contract: encode audit record: %v", err)) // every field encodes
	}
	sum := sha256.Sum256(append([]byte(r.Prev+"\n"), raw...))
	return hex.EncodeToString(sum[:])
}

// AuditDigest is what goes out on dossier.audit.digest: the head of the
// audit chain on a day.
type AuditDigest struct {
	Day   string    `json:"day"` // YYYY-MM-DD, Europe/Paris
	At    time.Time `json:"at"`
	Index uint64    `json:"index"`
	Hash  string    `json:"hash"`
}

// The audit digest's workflow, its schedule and its activity.
const (
	WorkflowAuditDigest = "AuditDigestWorkflow"
	ScheduleAuditDigest = "dossier-audit-digest"
	ActivityAuditDigest = "PublishAuditDigest"
)
