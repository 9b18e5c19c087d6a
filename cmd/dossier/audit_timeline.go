package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/engine"
)

// auditCaseSource is where the auditors' commands read a case's history.
type auditCaseSource struct {
	Temporal  string `help:"Temporal frontend host:port." default:"127.0.0.1:7233" env:"DOSSIER_TEMPORAL_ADDRESS"`
	Namespace string `help:"Temporal namespace of the cases." default:"dossier" env:"DOSSIER_TEMPORAL_NAMESPACE"`
}

// timeline reads case id's history, and its refused attempts from the
// NATS server at natsURL unless it is empty. Refused attempts that cannot
// be read are left out, and the timeline says so in its problems.
func (s auditCaseSource) timeline(ctx context.Context, logger *slog.Logger, id, natsURL string) (audit.Timeline, error) {
	c, err := client.DialContext(ctx, client.Options{HostPort: s.Temporal, Namespace: s.Namespace,
		Logger: sdklog.NewStructuredLogger(logger)})
	if err != nil {
		return audit.Timeline{}, fmt.Errorf("dial temporal %s: %w", s.Temporal, err)
	}
	defer c.Close()
	h, err := engine.History(ctx, c, id, "")
	if err != nil {
		return audit.Timeline{}, err
	}
	refused, refusedErr := refusedOf(ctx, natsURL, id)
	tl, err := audit.TimelineOf(h, refused...)
	if err == nil && refusedErr != nil {
		tl.Problems = append(tl.Problems, "refused attempts not read: "+refusedErr.Error())
	}
	return tl, err
}

// refusedOf reads the refused attempts of case id kept on NATS.
func refusedOf(ctx context.Context, natsURL, id string) ([]cases.Refusal, error) {
	if natsURL == "" {
		return nil, nil
	}
	b, err := bus.Dial(natsURL, "dossier-audit", bus.AuthFromEnv())
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.RefusedOf(ctx, id)
}

type auditTimelineCmd struct {
	auditCaseSource
	NATS string `name:"nats" help:"NATS server URL, for the refused attempts (empty: leave them out)." default:"nats://127.0.0.1:4222" env:"DOSSIER_NATS_URL"`
	Case string `arg:"" help:"Case id."`
	JSON bool   `help:"Print the timeline as JSON."`
}

func (c *auditTimelineCmd) Run(ctx context.Context, logger *slog.Logger, out io.Writer) error {
	tl, err := c.timeline(ctx, logger, c.Case, c.NATS)
	if err != nil {
		return err
	}
	for _, p := range tl.Problems {
		fmt.Fprintln(os.Stderr, "dossier: warning:", p)
	}
	if c.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(tl)
	}
	return audit.WriteText(out, tl)
}
