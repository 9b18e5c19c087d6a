package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/engine"
	"github.com/dossier/dossier/internal/web"
)

// ConnectOptions say where a production role finds Temporal and NATS.
type ConnectOptions struct {
	TemporalAddr string
	NATSURL      string
	Name         string
	Config       config.File
	Logger       *slog.Logger
}

// Conn is a production role's connection to Temporal and NATS.
type Conn struct {
	Deps
}

// Connect dials Temporal and NATS, retrying for up to a minute while they
// come up, and makes sure the namespace, search attributes, streams and
// bucket exist. Every role does this, so they may start in any order.
func Connect(ctx context.Context, o ConnectOptions) (*Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := retry(ctx, o.Logger, func() (client.Client, error) { return engine.Dial(ctx, o.TemporalAddr, o.Logger) })
	if err != nil {
		return nil, err
	}
	b, err := retry(ctx, o.Logger, func() (*bus.Bus, error) { return bus.Dial(o.NATSURL, o.Name, bus.AuthFromEnv()) })
	if err != nil {
		c.Close()
		return nil, err
	}
	conn := &Conn{}
	if conn.Deps, err = NewDeps(c, b, o.Config, o.Logger); err != nil {
		conn.Close()
		return nil, err
	}
	if err := engine.EnsureNamespace(ctx, c); err != nil {
		conn.Close()
		return nil, err
	}
	if err := b.Ensure(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func retry[T any](ctx context.Context, logger *slog.Logger, dial func() (T, error)) (T, error) {
	for {
		v, err := dial()
		if err == nil {
			return v, nil
		}
		logger.Warn("waiting for dependency", "error", err)
		select {
		case <-ctx.Done():
			return v, fmt.Errorf("%w (gave up: %v)", err, ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}

// Close closes both connections.
func (c *Conn) Close() {
	if c.Temporal != nil {
		c.Temporal.Close()
	}
	if c.Bus != nil {
		c.Bus.Close()
	}
}

// RunWorker runs the case worker until ctx is cancelled.
func (c *Conn) RunWorker(ctx context.Context, o WorkerOptions) error {
	w, err := NewWorker(c.Deps, o)
	if err != nil {
		return err
	}
	if err := EnsureSchedules(ctx, c.Temporal); err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	c.Logger.Info("worker running")
	<-ctx.Done()
	w.Stop()
	return nil
}

// RunBridge runs the NATS intake bridge until ctx is cancelled.
func (c *Conn) RunBridge(ctx context.Context) error {
	b, done := NewBridge(c.Deps), NewCompleter(c.Deps)
	if err := b.Start(ctx); err != nil {
		return err
	}
	if err := done.Start(ctx); err != nil {
		b.Stop()
		return err
	}
	c.Logger.Info("bridge running")
	<-ctx.Done()
	b.Stop()
	done.Stop()
	return nil
}

// RunAPI serves the HTTP API and the web app on addr until ctx is
// cancelled. The web app signs people in with OpenID Connect when
// DOSSIER_OIDC_* are set, and only then.
func (c *Conn) RunAPI(ctx context.Context, addr string, accounts []config.Account) error {
	opts := WebOptions{Accounts: accounts, SecureCookies: true}
	if cfg, ok := web.OIDCFromEnv(); ok {
		opts.OIDC = &cfg
	}
	handler, err := NewWebHandler(ctx, c.Deps, opts)
	if err != nil {
		return err
	}
	srv, err := ListenHTTP(addr, handler)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	c.Logger.Info("api listening", "addr", srv.Addr())
	errs := make(chan error, 1)
	go func() { errs <- srv.Serve() }()
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
