// Package devstack runs all of Dossier in one process on embedded servers:
// Temporal (SQLite file), its Web UI, nats-server with JetStream, the
// worker, the NATS bridge and the HTTP API. `dossier dev` runs it, and the
// end-to-end tests start exactly the same thing on free ports.
package devstack

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporal"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/engine"
	"github.com/dossier/dossier/internal/legacysim"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/mail"
	webpkg "github.com/dossier/dossier/internal/web"
)

// Options configure the stack. Ports of 0 pick free ones.
type Options struct {
	DataDir      string
	HTTPAddr     string
	TemporalPort int
	NATSPort     int
	UIPort       int
	NoUI         bool
	NoDemo       bool
	// NoLegacySim leaves legacy.> unanswered unless real systems answer.
	NoLegacySim bool
	// Models are the language models the worker drafts with; empty for
	// the template drafter alone.
	Models llm.Registry
	// Notify overrides the print timeout and reminder (tests).
	Notify config.Notify
	// IntakeAckWait shortens how long the bridge keeps an unacknowledged
	// submission before it is delivered again (tests).
	IntakeAckWait time.Duration
	// Delegations, when set, replace the configured delegated steps (tests).
	Delegations map[string][]config.Delegation
	// AfterEmailSent runs once the SMTP sink accepted an email (tests).
	AfterEmailSent func(messageID string)
	// SMTPPort is the port of the local SMTP sink that receives the
	// emails (0 picks a free one).
	SMTPPort int
	// OIDC adds sign-in with an OpenID Connect provider to the demo accounts.
	OIDC   *webpkg.OIDCConfig
	Logger *slog.Logger
}

// App is the running stack.
type App struct {
	opts       Options
	lock       *os.File
	nats       *natsserver.Server
	natsPort   int // kept by StopNATS for StartNATS
	temporal   temporal.Server
	ui         *uiserver.Server
	client     client.Client
	bus        *bus.Bus
	worker     worker.Worker
	bridge     *bridge.Bridge
	completer  *bridge.Completer
	http       *app.HTTPServer
	deps       app.Deps
	workerOpts app.WorkerOptions
	started    bool
	sink       *mail.Sink
	legacy     *legacysim.Sim
	legacyConn *nats.Conn
	errs       chan error
	// FirstStart is true when the data dir held no database before Start.
	FirstStart bool
	// URLs of the running servers, set by Start.
	TemporalAddr, NATSURL, UIURL, HTTPURL, SMTPAddr string
	// DemoCases are the ids of the demo cases created by this start.
	DemoCases []string
}

// New returns a stack configured by opts; Start runs it.
func New(opts Options) *App {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &App{opts: opts, errs: make(chan error, 4)}
}

// Start starts every part in dependency order and returns when the API
// answers and a worker polls. On error, what was started is closed.
func (a *App) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := a.prepareDataDir(); err != nil {
		return err
	}
	if err := a.startServers(); err != nil {
		return err
	}
	if err := a.connect(ctx); err != nil {
		return err
	}
	if err := a.startRoles(ctx); err != nil {
		return err
	}
	if a.FirstStart && !a.opts.NoDemo {
		if a.DemoCases, err = seedDemo(ctx, a.deps.Cases()); err != nil {
			return fmt.Errorf("demo cases: %w", err)
		}
	}
	return nil
}

func (a *App) prepareDataDir() error {
	if err := os.MkdirAll(a.opts.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	lock, err := lockDir(a.opts.DataDir)
	if err != nil {
		return err
	}
	a.lock = lock
	_, err = os.Stat(a.path("temporal.db"))
	a.FirstStart = errors.Is(err, fs.ErrNotExist)
	return nil
}

func (a *App) path(name string) string { return filepath.Join(a.opts.DataDir, name) }

func (a *App) startServers() error {
	var err error
	if a.nats, err = startNATS(a.opts.NATSPort, a.path("jetstream")); err != nil {
		return err
	}
	a.NATSURL = a.nats.ClientURL()
	port, err := pickPort(a.opts.TemporalPort)
	if err != nil {
		return err
	}
	a.TemporalAddr = hostPort(port)
	// The SDK keeps one cache of open workflows for the whole process,
	// sized when its first worker starts: the Temporal server's own system
	// workers start first, and would fix it at the SDK's 10,000.
	worker.SetStickyWorkflowCacheSize(app.DefaultWorkflowCache)
	if a.temporal, err = startTemporal(temporalOptions{DBFile: a.path("temporal.db"), Port: port, LogFile: a.path("temporal.log")}); err != nil {
		return err
	}
	if a.opts.NoUI {
		return nil
	}
	uiPort, err := pickPort(a.opts.UIPort)
	if err != nil {
		return err
	}
	if a.ui, err = startUI(uiPort, a.TemporalAddr, a.errs); err != nil {
		return err
	}
	a.UIURL = "http://" + hostPort(uiPort) + "/namespaces/dossier/workflows"
	return nil
}

func (a *App) connect(ctx context.Context) error {
	var err error
	if a.client, err = engine.Dial(ctx, a.TemporalAddr, a.opts.Logger); err != nil {
		return err
	}
	if err := engine.EnsureNamespace(ctx, a.client); err != nil {
		return err
	}
	if err := trimVisibilityIndexes(a.path("temporal.db")); err != nil {
		return err
	}
	if a.bus, err = bus.Dial(a.NATSURL, "dossier-dev"); err != nil {
		return err
	}
	if err := a.bus.Ensure(ctx); err != nil {
		return err
	}
	if a.opts.NoLegacySim {
		return nil
	}
	return a.startLegacySim()
}

func (a *App) startRoles(ctx context.Context) error {
	cfg := config.Dev()
	if a.opts.Delegations != nil {
		cfg.Delegations = a.opts.Delegations
	}
	if a.opts.Notify != (config.Notify{}) {
		cfg.Notify = a.opts.Notify
	}
	d, err := app.NewDeps(a.client, a.bus, cfg, a.opts.Logger)
	if err != nil {
		return err
	}
	a.deps = d
	// The web app runs over http on loopback in dev, so its cookies are
	// not marked Secure; production serves it behind TLS. It listens
	// first: its URL is printed on letters (the verification page).
	web := app.WebOptions{Accounts: config.Dev().Accounts, DemoSignIn: true, OIDC: a.opts.OIDC}
	handler, err := app.NewWebHandler(ctx, d, web)
	if err != nil {
		return err
	}
	if a.http, err = app.ListenHTTP(a.opts.HTTPAddr, handler); err != nil {
		return fmt.Errorf("http: %w", err)
	}
	a.HTTPURL = "http://" + a.http.Addr()
	go func() {
		if err := a.http.Serve(); err != nil {
			a.errs <- fmt.Errorf("http: %w", err)
		}
	}()
	secret, err := verifySecret(a.path("verify.key"))
	if err != nil {
		return err
	}
	if a.sink, err = mail.StartSink(net.JoinHostPort("127.0.0.1", strconv.Itoa(a.opts.SMTPPort)), a.path("mailbox")); err != nil {
		return err
	}
	a.SMTPAddr = a.sink.Addr().String()
	a.workerOpts = app.WorkerOptions{Models: a.opts.Models, VerifySecret: secret, PublicURL: a.HTTPURL,
		SMTP: mail.SMTP{Host: "127.0.0.1", Port: a.sink.Addr().Port, TLS: "none", From: "no-reply@montreuil-sur-loire.example",
			AfterSend: a.opts.AfterEmailSent}}
	if err := a.StartWorker(); err != nil {
		return err
	}
	a.bridge, a.completer = app.NewBridge(d), app.NewCompleter(d)
	a.bridge.AckWait = a.opts.IntakeAckWait
	if err := a.bridge.Start(ctx); err != nil {
		return err
	}
	if err := a.completer.Start(ctx); err != nil {
		return err
	}
	return waitWorker(ctx, a.client)
}

// verifySecret reads the data dir's verification secret, creating it on
// first start: letters re-rendered later must get the same codes.
func verifySecret(path string) ([]byte, error) {
	if raw, err := os.ReadFile(path); err == nil {
		return raw, nil
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return nil, fmt.Errorf("verification secret: %w", err)
	}
	return secret, nil
}

func waitWorker(ctx context.Context, c client.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		err := engine.WorkerReady(ctx, c)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("worker not ready: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Client is the stack's Temporal client.
func (a *App) Client() client.Client { return a.client }

// Bus is the stack's NATS connection.
func (a *App) Bus() *bus.Bus { return a.bus }

// Run starts the stack, calls ready, and runs until ctx is cancelled or a
// server fails; then it closes everything.
func (a *App) Run(ctx context.Context, ready func(*App)) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	defer a.Close()
	ready(a)
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.errs:
		return err
	}
}

// Close stops every part in reverse order: no new requests, then no new
// work, then the servers. Cases in flight resume at the next start.
func (a *App) Close() {
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = a.http.Shutdown(ctx)
		cancel()
	}
	if a.bridge != nil {
		a.bridge.Stop()
	}
	if a.completer != nil {
		a.completer.Stop()
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	if a.sink != nil {
		_ = a.sink.Close()
	}
	if a.client != nil {
		a.client.Close()
	}
	if a.bus != nil {
		a.bus.Close()
	}
	a.stopLegacySim()
	if a.ui != nil {
		a.ui.Stop()
	}
	if a.temporal != nil {
		_ = a.temporal.Stop()
	}
	if a.nats != nil {
		a.nats.Shutdown()
		a.nats.WaitForShutdown()
	}
	if a.lock != nil {
		a.lock.Close()
	}
	*a = App{opts: a.opts, errs: a.errs, TemporalAddr: a.TemporalAddr, NATSURL: a.NATSURL, UIURL: a.UIURL, HTTPURL: a.HTTPURL, SMTPAddr: a.SMTPAddr}
}

// DataDir is the stack's data directory.
func (a *App) DataDir() string { return a.opts.DataDir }

// StopWorker stops the stack's worker: cases stay where they are. Tests
// use it as a worker crash, benchmarks to measure visibility alone.
func (a *App) StopWorker() {
	if a.worker != nil {
		a.worker.Stop()
		a.worker = nil
	}
}

// StartWorker starts a new worker, as after a crash (without the test hooks).
func (a *App) StartWorker() error {
	opts := a.workerOpts
	if a.worker != nil {
		return nil
	}
	if a.started {
		opts.SMTP.AfterSend = nil
	}
	w, err := app.NewWorker(a.deps, opts)
	if err != nil {
		return err
	}
	if !a.started {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := app.EnsureSchedules(ctx, a.client); err != nil {
			return err
		}
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	a.worker, a.started = w, true
	return nil
}

// StopBridge stops consuming submissions, as a bridge that crashed does:
// the messages it had not acknowledged are delivered again once their ack
// wait is over. Tests use it to take a bridge's place.
func (a *App) StopBridge() {
	if a.bridge != nil {
		a.bridge.Stop()
	}
}

// StartBridge consumes submissions again after StopBridge.
func (a *App) StartBridge(ctx context.Context) error {
	return a.bridge.Start(ctx)
}
