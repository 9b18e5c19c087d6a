package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"

	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/engine"
)

type auditVerifyCmd struct {
	Case string `arg:"" optional:"" help:"Case id: check the chain and this case's letter."`
	All  bool   `help:"Check the chain and the letters of every case."`
	JSON bool   `help:"Print the report as JSON."`
	auditTemporal
	NATS string `name:"nats" help:"NATS server URL." default:"nats://127.0.0.1:4222" env:"DOSSIER_NATS_URL"`
}

// verifyReport is the whole report of `dossier audit verify`.
type verifyReport struct {
	Chain   audit.ChainReport    `json:"chain"`
	Letters []audit.LetterReport `json:"letters"`
	// CaseRecords counts the chain records of the case asked about.
	CaseRecords int `json:"case_records,omitempty"`
}

func (c *auditVerifyCmd) Validate() error {
	if (c.Case == "") == !c.All {
		return fmt.Errorf("give a case id or --all")
	}
	return nil
}

func (c *auditVerifyCmd) Run(ctx context.Context, out io.Writer, logger *slog.Logger) error {
	b, err := bus.Dial(c.NATS, "dossier-audit", bus.AuthFromEnv())
	if err != nil {
		return err
	}
	defer b.Close()
	tc, err := c.dial(ctx, logger)
	if err != nil {
		return err
	}
	defer tc.Close()
	rep, err := c.verify(ctx, b, tc)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		printVerify(out, rep, c.Case)
	}
	if err == nil && rep.broken() {
		return fmt.Errorf("the audit trail is broken: see the report above")
	}
	return err
}

func (c *auditVerifyCmd) verify(ctx context.Context, b *bus.Bus, tc client.Client) (verifyReport, error) {
	entries, err := b.ReadChain(ctx)
	if err != nil {
		return verifyReport{}, err
	}
	digests, err := b.ReadDigests(ctx)
	if err != nil {
		return verifyReport{}, err
	}
	rep := verifyReport{Chain: audit.VerifyChain(entries, digests)}
	ids := []string{c.Case}
	if c.All {
		execs, err := engine.Cases(ctx, tc)
		if err != nil {
			return rep, err
		}
		ids = ids[:0]
		for _, e := range execs {
			ids = append(ids, e.ID)
		}
	} else {
		rep.CaseRecords = len(audit.ChainOfCase(entries, c.Case))
	}
	for _, id := range ids {
		letter, err := audit.VerifyLetter(ctx, tc, b.Documents(), id)
		if err != nil {
			return rep, err
		}
		if letter.Problem == "" && letter.History != "" && !slices.Contains(audit.RenderedHashes(audit.ChainOfCase(entries, id)), letter.History) {
			letter.Problem = "the audit chain has no record of rendering this letter"
		}
		rep.Letters = append(rep.Letters, letter)
	}
	return rep, nil
}

func (r verifyReport) broken() bool {
	if len(r.Chain.Breaks) > 0 {
		return true
	}
	for _, l := range r.Letters {
		if l.Problem != "" {
			return true
		}
	}
	return false
}

func printVerify(out io.Writer, r verifyReport, caseID string) {
	fmt.Fprintf(out, "Audit chain: %d records, %d daily digests", r.Chain.Records, r.Chain.Digests)
	if r.Chain.Head.Index > 0 {
		fmt.Fprintf(out, ", head #%d %s", r.Chain.Head.Index, r.Chain.Head.Hash)
	}
	fmt.Fprintln(out)
	if caseID != "" {
		fmt.Fprintf(out, "Case %s: %d records in the chain\n", caseID, r.CaseRecords)
	}
	for _, br := range r.Chain.Breaks {
		fmt.Fprintln(out, "  BROKEN", br)
	}
	letters, ok := 0, 0
	for _, l := range r.Letters {
		if l.History == "" && l.Problem == "" {
			continue
		}
		letters++
		if l.Problem != "" {
			fmt.Fprintf(out, "  BROKEN case %s: %s\n", l.CaseID, l.Problem)
			continue
		}
		ok++
	}
	fmt.Fprintf(out, "Letters: %d checked, %d match their history\n", letters, ok)
	if !r.broken() {
		fmt.Fprintln(out, "OK: no break found.")
	}
}
