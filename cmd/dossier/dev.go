package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/llm"
)

type devCmd struct {
	Data         string `help:"Data directory (Temporal database, JetStream store, outbox)." default:"./data" env:"DOSSIER_DATA"`
	HTTP         string `help:"Address of the HTTP API." default:"127.0.0.1:8080" env:"DOSSIER_HTTP_ADDR"`
	TemporalPort int    `help:"Temporal frontend gRPC port (0 picks a free one)." default:"7233"`
	NATSPort     int    `name:"nats-port" help:"NATS client port (0 picks a free one)." default:"4222"`
	UIPort       int    `name:"ui-port" help:"Temporal Web UI port (0 picks a free one)." default:"8233"`
	SMTPPort     int    `name:"smtp-port" help:"Port of the local SMTP sink that receives the emails sent (0 picks a free one)." default:"1025"`
	NoUI         bool   `name:"no-ui" help:"Do not start Temporal's Web UI."`
	NoDemo       bool   `name:"no-demo" help:"Do not open demo cases on a first start."`
	NoLegacySim  bool   `name:"no-legacy-sim" help:"Do not start the simulated legacy systems (answer legacy.> yourself)."`
}

func (c *devCmd) Run(ctx context.Context, logger *slog.Logger) error {
	models, err := llm.LoadRegistry("")
	if err != nil {
		return err
	}
	app := devstack.New(devstack.Options{Models: models,
		DataDir: c.Data, HTTPAddr: c.HTTP, TemporalPort: c.TemporalPort, NATSPort: c.NATSPort,
		UIPort: c.UIPort, SMTPPort: c.SMTPPort, NoUI: c.NoUI, NoDemo: c.NoDemo, NoLegacySim: c.NoLegacySim, Logger: logger,
	})
	devstack.LimitMemory()
	fmt.Fprintf(os.Stderr, "Starting Dossier in %s …\n", c.Data)
	err = app.Run(ctx, func(a *devstack.App) { a.PrintReady(os.Stdout) })
	if err == nil {
		fmt.Fprintln(os.Stderr, "Dossier stopped cleanly.")
	}
	return err
}
