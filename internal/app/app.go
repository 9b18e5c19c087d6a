// Package app wires Dossier's roles (worker, API, bridge) from their
// clients. `dossier dev` runs all three over the embedded servers; the
// production subcommands run one each against external Temporal and NATS.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/api"
	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/engine"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/mail"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
	"github.com/dossier/dossier/workflows"
)

// Deps are the clients and settings the roles share.
type Deps struct {
	Temporal client.Client
	Bus      *bus.Bus
	Logger   *slog.Logger
	Catalog  *templates.Catalog
	Config   config.File
	// cases is the one case service of the roles that NewDeps made: the
	// web app, the API and the intake bridge share its inbox counts.
	cases *cases.Service
}

// NewDeps loads the template catalogue and bundles the clients.
func NewDeps(c client.Client, b *bus.Bus, cfg config.File, logger *slog.Logger) (Deps, error) {
	catalog, err := templates.Load()
	if err != nil {
		return Deps{}, err
	}
	d := Deps{Temporal: c, Bus: b, Logger: logger, Catalog: catalog, Config: cfg}
	d.cases = d.newCases()
	return d, nil
}

// Cases returns the case service over the deps' clients: the same one
// for every role of deps made by NewDeps (the web app gives it its
// letter previews).
func (d Deps) Cases() *cases.Service {
	if d.cases != nil {
		return d.cases
	}
	return d.newCases()
}

func (d Deps) newCases() *cases.Service {
	return &cases.Service{Temporal: d.Temporal, Validator: intake.NewValidator(d.Catalog), Documents: d.Bus.Documents(),
		ServiceOf: d.Config.ServiceOf, Deadlines: contract.DeadlinePolicy(d.Config.Deadlines), Refusals: d.Bus,
		Notify: contract.NotifyPolicy(d.Config.Notify), DelegationsOf: d.Config.DelegationsOf,
		TemplateIDs: d.Catalog.IDs()}
}

// WorkerOptions are the worker's own settings.
type WorkerOptions struct {
	// OutboxDir is where emails to citizens are written when no SMTP
	// relay is configured.
	OutboxDir string
	// SMTP, when its Host is set, sends the emails through a relay.
	SMTP mail.SMTP
	// Models are the language models; empty for the template drafter alone.
	Models llm.Registry
	// VerifySecret, when set, gives every letter a verification code that
	// PublicURL/verify/{code} confirms.
	VerifySecret []byte
	PublicURL    string
	// WorkflowCache bounds how many open cases the worker keeps in
	// memory (DefaultWorkflowCache when zero); the others are replayed
	// from their history when they move.
	WorkflowCache int
}

// DefaultWorkflowCache is how many open cases a worker keeps in memory.
// The SDK keeps 10,000 by default, about 1.3 GB at some 136 KB a case;
// 2,000 hold a day's work of a large service in about 270 MB, and a case
// waiting for its caseworker for weeks costs a replay of its history
// (milliseconds) when it moves again.
const DefaultWorkflowCache = 2000

// NewWorker returns a worker for the case task queue with the workflow and
// every activity registered.
func NewWorker(d Deps, o WorkerOptions) (worker.Worker, error) {
	renderer, err := pdf.NewRenderer()
	if err != nil {
		return nil, err
	}
	if o.WorkflowCache <= 0 {
		o.WorkflowCache = DefaultWorkflowCache
	}
	// Process-wide, and only heeded before the process's first SDK worker
	// starts: a process that also runs the Temporal server (dossier dev)
	// sizes it before the server's own workers start.
	worker.SetStickyWorkflowCacheSize(o.WorkflowCache)
	w := worker.New(d.Temporal, contract.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.CaseWorkflow, workflow.RegisterOptions{Name: contract.WorkflowName})
	w.RegisterWorkflowWithOptions(workflows.AuditDigestWorkflow, workflow.RegisterOptions{Name: contract.WorkflowAuditDigest})
	w.RegisterActivityWithOptions(&activities.Activities{
		Catalog:        d.Catalog,
		Validator:      intake.NewValidator(d.Catalog),
		Administration: d.Config.Administration,
		Renderer:       renderer,
		Documents:      d.Bus.Documents(),
		Events:         d.Bus,
		Mail:           mailer(d, o),
		Legacy:         d.Bus,
		Models:         o.Models,
		Drafts:         d.Bus.Drafts(),
		Audit:          d.Bus,
		Verify:         verify(d, o),
	}, activity.RegisterOptions{})
	return w, nil
}

// NewBridge returns the NATS intake bridge.
func NewBridge(d Deps) *bridge.Bridge {
	return &bridge.Bridge{Bus: d.Bus, Cases: d.Cases(), Logger: d.Logger}
}

// NewCompleter returns what completes delegated tasks (print jobs) from
// the legacy systems' answers.
func NewCompleter(d Deps) *bridge.Completer {
	return &bridge.Completer{Bus: d.Bus, Temporal: d.Temporal}
}

// NewAPI returns the HTTP API accepting accounts, with readiness checks on
// Temporal, NATS and the presence of a worker.
func NewAPI(d Deps, accounts []config.Account) *api.Server {
	return &api.Server{
		Cases:    d.Cases(),
		Accounts: api.NewAccounts(accounts),
		Logger:   d.Logger,
		Checks: []api.Check{
			{Name: "temporal", Run: func(ctx context.Context) error {
				_, err := d.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
				return err
			}},
			{Name: "nats", Run: d.Bus.Ready},
			{Name: "worker", Run: func(ctx context.Context) error { return engine.WorkerReady(ctx, d.Temporal) }},
		},
	}
}

// HTTPServer serves handler on a listener bound now, so that a port of 0
// is resolved before the server is announced.
type HTTPServer struct {
	srv *http.Server
	ln  net.Listener
}

// ListenHTTP binds addr for handler.
func ListenHTTP(addr string, handler http.Handler) (*HTTPServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute}
	return &HTTPServer{srv: srv, ln: ln}, nil
}

// Addr is the bound address.
func (h *HTTPServer) Addr() string { return h.ln.Addr().String() }

// Serve serves until Shutdown; it returns nil after a clean shutdown.
func (h *HTTPServer) Serve() error {
	if err := h.srv.Serve(h.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting requests and waits for those in flight.
func (h *HTTPServer) Shutdown(ctx context.Context) error { return h.srv.Shutdown(ctx) }

func verify(d Deps, o WorkerOptions) *activities.Verify {
	if len(o.VerifySecret) == 0 {
		return nil
	}
	return &activities.Verify{Secret: o.VerifySecret, BaseURL: o.PublicURL, Store: d.Bus.Verifications()}
}

// mailer sends through the SMTP relay when one is configured, with the
// sent-ledger that keeps retries from sending twice; else to the outbox.
func mailer(d Deps, o WorkerOptions) activities.Mailer {
	if o.SMTP.Host == "" {
		return &mail.Outbox{Dir: o.OutboxDir, From: "no-reply@dossier.invalid"}
	}
	smtp := o.SMTP
	smtp.Sent = d.Bus.Sent()
	if smtp.From == "" {
		smtp.From = "no-reply@dossier.invalid"
	}
	return &smtp
}
