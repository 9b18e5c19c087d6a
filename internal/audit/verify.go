package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
)

// Break is one place where the audit chain or a letter is not what it
// should be, said precisely enough to find it.
type Break struct {
	// Index is the chain record concerned (0 for a letter), Seq its
	// sequence in the audit stream.
	Index   uint64 `json:"index,omitempty"`
	Seq     uint64 `json:"seq,omitempty"`
	CaseID  string `json:"case_id,omitempty"`
	Problem string `json:"problem"`
}

func (b Break) String() string {
	var where []string
	if b.Index > 0 {
		where = append(where, fmt.Sprintf("record #%d", b.Index))
	}
	if b.Seq > 0 {
		where = append(where, fmt.Sprintf("stream seq %d", b.Seq))
	}
	if b.CaseID != "" {
		where = append(where, "case "+b.CaseID)
	}
	if len(where) == 0 {
		return b.Problem
	}
	return strings.Join(where, ", ") + ": " + b.Problem
}

// ChainReport is what checking the audit chain found.
type ChainReport struct {
	Records int                  `json:"records"`
	Head    contract.AuditRecord `json:"head"`
	Digests int                  `json:"digests"`
	Breaks  []Break              `json:"breaks,omitempty"`
}

// VerifyChain checks every record's hash against its content, every
// link against the record before it, and every digest against the record
// it names; it reports each break once, and goes on from the record after
// it so that later breaks are found too.
func VerifyChain(entries []bus.ChainEntry, digests []contract.AuditDigest) ChainReport {
	rep := ChainReport{Records: len(entries), Digests: len(digests)}
	prev, next := contract.GenesisHash, uint64(1)
	byIndex := map[uint64]contract.AuditRecord{}
	for _, e := range entries {
		if e.Err != nil {
			rep.Breaks = append(rep.Breaks, Break{Seq: e.Seq, Problem: "not an audit record: " + e.Err.Error()})
			continue
		}
		r := e.Record
		br := Break{Index: r.Index, Seq: e.Seq, CaseID: r.CaseID}
		if got := r.ComputeHash(); got != r.Hash {
			br.Problem = fmt.Sprintf("%s %s: its content does not match its hash (altered after it was written)", r.Kind, r.Type)
			rep.Breaks = append(rep.Breaks, br)
		}
		switch {
		case r.Index == next+1 && r.Prev != prev:
			br.Problem = fmt.Sprintf("record #%d is missing: the chain goes from #%d to #%d", next, next-1, r.Index)
			rep.Breaks = append(rep.Breaks, br)
		case r.Index > next && r.Prev != prev:
			br.Problem = fmt.Sprintf("records #%d to #%d are missing: the chain goes from #%d to #%d", next, r.Index-1, next-1, r.Index)
			rep.Breaks = append(rep.Breaks, br)
		case r.Prev != prev:
			br.Problem = fmt.Sprintf("does not follow record #%d: its link %s… is not that record's hash %s…", next-1, short(r.Prev), short(prev))
			rep.Breaks = append(rep.Breaks, br)
		case r.Index != next:
			br.Problem = fmt.Sprintf("numbered #%d where #%d was due", r.Index, next)
			rep.Breaks = append(rep.Breaks, br)
		}
		prev, next = r.Hash, r.Index+1
		byIndex[r.Index] = r
		rep.Head = r
	}
	for _, d := range digests {
		rep.Breaks = append(rep.Breaks, checkDigest(d, byIndex)...)
	}
	return rep
}

// checkDigest compares a digest with the chain's record at its index.
func checkDigest(d contract.AuditDigest, byIndex map[uint64]contract.AuditRecord) []Break {
	if d.Index == 0 {
		return nil
	}
	r, ok := byIndex[d.Index]
	switch {
	case !ok:
		return []Break{{Problem: fmt.Sprintf("the digest of %s names record #%d, which the chain no longer holds", d.Day, d.Index)}}
	case r.Hash != d.Hash:
		return []Break{{Index: r.Index, CaseID: r.CaseID, Problem: fmt.Sprintf(
			"the digest of %s gives this record the hash %s…, the chain %s… (rewritten after that day)", d.Day, short(d.Hash), short(r.Hash))}}
	}
	return nil
}

// LetterReport is what checking one case's stored letter found.
type LetterReport struct {
	CaseID string `json:"case_id"`
	Object string `json:"object,omitempty"`
	// History is the SHA-256 the case's history recorded at rendering;
	// Stored the SHA-256 of the letter kept in the object store.
	History string `json:"history_sha256,omitempty"`
	Stored  string `json:"stored_sha256,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// Documents reads stored letters.
type Documents interface {
	Get(ctx context.Context, name string) ([]byte, error)
}

// VerifyLetter checks that the letter stored for case id is the one its
// history recorded: the Render activity's result names the object and its
// SHA-256. A case without a letter reports no object and no problem.
func VerifyLetter(ctx context.Context, c client.Client, docs Documents, id string) (LetterReport, error) {
	rep := LetterReport{CaseID: id}
	doc, err := renderedDocument(ctx, c, id)
	if err != nil || doc == nil {
		return rep, err
	}
	rep.Object, rep.History = doc.Object, doc.SHA256
	raw, err := docs.Get(ctx, doc.Object)
	if err != nil {
		rep.Problem = "the letter is missing from the store: " + err.Error()
		return rep, nil
	}
	sum := sha256.Sum256(raw)
	rep.Stored = hex.EncodeToString(sum[:])
	if rep.Stored != rep.History {
		rep.Problem = fmt.Sprintf("the stored letter %s has the SHA-256 %s…, its history says %s… (altered after it was sent)",
			doc.Object, short(rep.Stored), short(rep.History))
	}
	return rep, nil
}

// renderedDocument returns the last letter case id's history recorded as
// rendered, or nil.
func renderedDocument(ctx context.Context, c client.Client, id string) (*contract.Document, error) {
	iter := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	renders := map[int64]bool{}
	var doc *contract.Document
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			return nil, fmt.Errorf("audit: history of %s: %w", id, err)
		}
		doc = noteRender(e, renders, doc)
	}
	return doc, nil
}

// noteRender keeps track of the Render activities of a history and
// returns the document the last completed one produced.
func noteRender(e *historypb.HistoryEvent, renders map[int64]bool, doc *contract.Document) *contract.Document {
	if a := e.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == contract.ActivityRender {
		renders[e.GetEventId()] = true
	}
	a := e.GetActivityTaskCompletedEventAttributes()
	if a == nil || !renders[a.GetScheduledEventId()] {
		return doc
	}
	var d contract.Document
	if err := converter.GetDefaultDataConverter().FromPayloads(a.GetResult(), &d); err != nil {
		return doc
	}
	return &d
}

// ChainOfCase returns the chain records of case id, in order, for reports.
func ChainOfCase(entries []bus.ChainEntry, id string) []contract.AuditRecord {
	var out []contract.AuditRecord
	for _, e := range entries {
		if e.Err == nil && e.Record.CaseID == id {
			out = append(out, e.Record)
		}
	}
	return out
}

// RenderedHashes returns, from a case's chain records, the SHA-256 of
// every letter the chain saw rendered.
func RenderedHashes(recs []contract.AuditRecord) []string {
	var out []string
	for _, r := range recs {
		var e contract.Event
		if r.Kind == "event" && r.Type == contract.EventRendered && json.Unmarshal(r.Data, &e) == nil {
			out = append(out, e.SHA256)
		}
	}
	return out
}
