// Command dossier runs Dossier: `dossier dev` starts everything in one
// process on embedded servers; `dossier worker`, `dossier api` and
// `dossier bridge` are the production roles, connecting to an external
// Temporal and NATS.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
)

// cli is the command line; each command's Run does config → dial → run.
type cli struct {
	LogLevel slog.Level `help:"Log level: debug, info, warn, error." default:"info" env:"DOSSIER_LOG_LEVEL"`

	Dev         devCmd         `cmd:"" help:"Run everything in one process: Temporal, NATS, worker, bridge, API, Web UI, demo data."`
	Worker      workerCmd      `cmd:"" help:"Run the case worker against an external Temporal and NATS."`
	API         apiCmd         `cmd:"" name:"api" help:"Run the HTTP API against an external Temporal and NATS."`
	Bridge      bridgeCmd      `cmd:"" help:"Run the NATS intake bridge against an external Temporal and NATS."`
	Templates   templatesCmd   `cmd:"" help:"List, show, check and lock letter templates."`
	DLQ         dlqCmd         `cmd:"" name:"dlq" help:"Inspect and resubmit the submissions that could not become cases."`
	Events      eventsCmd      `cmd:"" help:"Follow the stage events published on dossier.events.>."`
	Audit       auditCmd       `cmd:"" help:"Auditors' tools: export, replay, timeline and explanation of case histories; verify the audit chain and the letters."`
	Bench       benchCmd       `cmd:"" help:"Measure Dossier on this machine against baselines run in the same process (docs/benchmarks.md)."`
	LegacySim   legacySimCmd   `cmd:"" name:"legacy-sim" help:"Run simulated legacy systems (rna, population, voirie) answering on legacy.> from seed data."`
	Healthcheck healthcheckCmd `cmd:"" help:"Exit 0 when the given /healthz URL answers 200 (for container healthchecks)."`
}

func main() {
	var c cli
	parser := kong.Must(&c,
		kong.Name("dossier"),
		kong.Description("Dossier turns a citizen's case file into an approved, signed and sent administrative letter."),
		kong.UsageOnError(),
	)
	kctx, err := parser.Parse(os.Args[1:])
	if err != nil {
		parser.FatalIfErrorf(usageError{err})
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	kctx.BindTo(ctx, (*context.Context)(nil))
	kctx.Bind(logger)
	kctx.BindTo(os.Stdout, (*io.Writer)(nil))
	if err = kctx.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "dossier:", err)
		os.Exit(1)
	}
}

// usageError makes a command line that does not parse exit with status 2,
// as Go's flag package and POSIX utilities do (kong's own status is 80),
// so that scripts tell a mistyped flag from a failed run (1).
type usageError struct{ error }

func (usageError) ExitCode() int   { return 2 }
func (e usageError) Unwrap() error { return e.error }
