package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/engine"
)

// auditCmd holds the auditors' tools.
type auditCmd struct {
	Export   auditExportCmd   `cmd:"" help:"Write a case's workflow history in Temporal's JSON format (as temporal workflow show -o json)."`
	Replay   auditReplayCmd   `cmd:"" help:"Replay case histories against the current workflow code and report any that diverges."`
	Timeline auditTimelineCmd `cmd:"" help:"Print a case's timeline: stages, data and sources, drafts, decisions, refused attempts, edits, letter, notifications."`
	Explain  auditExplainCmd  `cmd:"" help:"Explain a decision to the citizen, in French (CRPA R311-3-1-2, AI Act art. 86): text, or a PDF with -o."`
	Verify   auditVerifyCmd   `cmd:"" help:"Check the audit chain, its digests and the stored letters against their histories; exit 1 on any break."`
}

// auditTemporal is where the auditors' tools read the cases.
type auditTemporal struct {
	Temporal  string `help:"Temporal frontend host:port." default:"127.0.0.1:7233" env:"DOSSIER_TEMPORAL_ADDRESS"`
	Namespace string `help:"Temporal namespace of the cases." default:"dossier"`
}

func (t auditTemporal) dial(ctx context.Context, logger *slog.Logger) (client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return engine.DialNamespace(ctx, t.Temporal, t.Namespace, logger)
}

type auditExportCmd struct {
	auditTemporal
	Case   string `arg:"" help:"Case id."`
	Output string `short:"o" help:"File to write; standard output when empty." placeholder:"FILE" type:"path"`
}

// Run writes the history only once Temporal has returned all of it: an
// unknown case or a failure leaves no file behind.
func (c *auditExportCmd) Run(ctx context.Context, logger *slog.Logger, out io.Writer) error {
	tc, err := c.dial(ctx, logger)
	if err != nil {
		return err
	}
	defer tc.Close()
	raw, err := audit.Export(ctx, tc, c.Case)
	if errors.Is(err, audit.ErrNotFound) {
		return fmt.Errorf("%w (namespace %s at %s)", err, c.Namespace, c.Temporal)
	}
	if err != nil {
		return err
	}
	if c.Output == "" {
		_, err = out.Write(raw)
		return err
	}
	if err := writeFile(c.Output, raw); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "History of case %s written to %s.\n", c.Case, c.Output)
	return nil
}

// writeFile writes raw to path through a temporary file in the same
// folder, so that path never holds half a history.
func writeFile(path string, raw []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dossier-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type auditReplayCmd struct {
	auditTemporal
	Paths    []string  `arg:"" optional:"" help:"History files (JSON) or folders of them." placeholder:"FILE|DIR"`
	Case     string    `help:"Replay this case's history, read from Temporal." placeholder:"ID"`
	All      bool      `help:"Replay every case Temporal keeps, open and closed."`
	Since    sinceFlag `help:"With --all, only the cases started since then: a date (2026-11-20), an RFC 3339 time or a duration ago (720h)." placeholder:"DATE"`
	Parallel int       `help:"Histories replayed at once." default:"4"`
}

// Validate asks for exactly one source of histories.
func (c *auditReplayCmd) Validate() error {
	sources := 0
	for _, given := range []bool{len(c.Paths) > 0, c.Case != "", c.All} {
		if given {
			sources++
		}
	}
	if sources != 1 {
		return errors.New("give one source: history files or folders, --case ID or --all")
	}
	if !c.Since.IsZero() && !c.All {
		return errors.New("--since goes with --all")
	}
	return nil
}

// Run prints one line per history, then the summary; it fails when a
// history diverges or cannot be read.
func (c *auditReplayCmd) Run(ctx context.Context, logger *slog.Logger, out io.Writer) error {
	histories, done, err := c.histories(ctx, logger)
	if err != nil {
		return err
	}
	defer done()
	if len(histories) == 0 {
		fmt.Fprintln(out, "No case to replay.")
		return nil
	}
	s := audit.Replay(ctx, histories, audit.Options{Parallel: c.Parallel, Report: out, Progress: os.Stderr})
	fmt.Fprintln(out, s)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted after %d of %d histories", len(s.Results), len(histories))
	}
	if s.Failed() {
		return fmt.Errorf("%d of %d histories do not replay", s.Diverged+s.Unreadable, len(s.Results))
	}
	return nil
}

// histories returns the histories to replay and a function that closes
// the Temporal connection they need, if any.
func (c *auditReplayCmd) histories(ctx context.Context, logger *slog.Logger) ([]audit.History, func(), error) {
	if len(c.Paths) > 0 {
		h, err := audit.Files(c.Paths)
		return h, func() {}, err
	}
	tc, err := c.dial(ctx, logger)
	if err != nil {
		return nil, nil, err
	}
	if c.Case != "" {
		return []audit.History{audit.Case(tc, c.Case)}, tc.Close, nil
	}
	h, err := audit.AllCases(ctx, tc, c.Since.Time)
	if err != nil {
		tc.Close()
		return nil, nil, err
	}
	return h, tc.Close, nil
}
