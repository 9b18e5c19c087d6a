package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/internal/legacysim"
)

type legacySimCmd struct {
	NATS string   `name:"nats" help:"NATS server URL." default:"nats://127.0.0.1:4222" env:"DOSSIER_NATS_URL"`
	Down []string `help:"Systems to start in an outage (no answer), e.g. --down rna."`
}

func (c *legacySimCmd) Run(ctx context.Context, logger *slog.Logger) error {
	nc, err := nats.Connect(c.NATS, nats.Name("dossier-legacy-sim"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("legacy-sim: %w", err)
	}
	defer nc.Close()
	sim, err := legacysim.Start(nc, logger, c.Down...)
	if err != nil {
		return err
	}
	defer sim.Stop()
	queries, _ := legacysim.Seed()
	for _, q := range queries {
		logger.Info("legacy-sim answering", "subject", "legacy."+q.Query, "records", len(q.Records))
	}
	<-ctx.Done()
	return nil
}
