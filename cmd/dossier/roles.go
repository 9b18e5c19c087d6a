package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/app"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/mail"
)

// connection is how a production role reaches Temporal and NATS.
type connection struct {
	Temporal string `help:"Temporal frontend host:port." default:"127.0.0.1:7233" env:"DOSSIER_TEMPORAL_ADDRESS"`
	NATS     string `name:"nats" help:"NATS server URL." default:"nats://127.0.0.1:4222" env:"DOSSIER_NATS_URL"`
	Config   string `help:"YAML file with the administration printed on letters." env:"DOSSIER_CONFIG" type:"existingfile"`
}

func (c connection) connect(ctx context.Context, logger *slog.Logger, role string) (*app.Conn, error) {
	cfg, err := config.Load(c.Config)
	if err != nil {
		return nil, err
	}
	return app.Connect(ctx, app.ConnectOptions{TemporalAddr: c.Temporal, NATSURL: c.NATS, Name: "dossier-" + role, Config: cfg, Logger: logger})
}

type workerCmd struct {
	connection
	Outbox       string `help:"Folder where emails to citizens are written when no SMTP relay is set." default:"./outbox" env:"DOSSIER_OUTBOX"`
	SMTPHost     string `name:"smtp-host" help:"SMTP relay host; emails go to --outbox when empty." env:"DOSSIER_SMTP_HOST"`
	SMTPPort     int    `name:"smtp-port" help:"SMTP relay port." default:"587" env:"DOSSIER_SMTP_PORT"`
	SMTPTLS      string `name:"smtp-tls" help:"starttls (required), tls (implicit) or none (a local relay only)." default:"starttls" enum:"starttls,tls,none" env:"DOSSIER_SMTP_TLS"`
	SMTPUser     string `name:"smtp-user" help:"SMTP user name (PLAIN authentication when set)." env:"DOSSIER_SMTP_USER"`
	SMTPPassword string `name:"smtp-password" help:"SMTP password." env:"DOSSIER_SMTP_PASSWORD"`
	MailFrom     string `name:"mail-from" help:"Sender address of the emails to citizens." env:"DOSSIER_MAIL_FROM"`
	// VerifySecret keys the letters' verification codes; keep it stable.
	VerifySecret string `help:"Secret that keys the verification codes printed on letters (none: no code)." env:"DOSSIER_VERIFY_SECRET"`
	PublicURL    string `name:"public-url" help:"Public URL of the web app, printed on letters for verification." env:"DOSSIER_PUBLIC_URL"`
}

func (c *workerCmd) Run(ctx context.Context, logger *slog.Logger) error {
	conn, err := c.connect(ctx, logger, "worker")
	if err != nil {
		return err
	}
	defer conn.Close()
	models, err := llm.LoadRegistry(c.Config)
	if err != nil {
		return err
	}
	if c.VerifySecret != "" && c.PublicURL == "" {
		return fmt.Errorf("DOSSIER_VERIFY_SECRET is set: set DOSSIER_PUBLIC_URL too, the verification page's address printed on letters")
	}
	smtp := mail.SMTP{Host: c.SMTPHost, Port: c.SMTPPort, TLS: c.SMTPTLS, Username: c.SMTPUser, Password: c.SMTPPassword, From: c.MailFrom}
	return conn.RunWorker(ctx, app.WorkerOptions{OutboxDir: c.Outbox, SMTP: smtp, Models: models, VerifySecret: []byte(c.VerifySecret), PublicURL: c.PublicURL})
}

type apiCmd struct {
	connection
	HTTP     string `help:"Address to serve the API on." default:"127.0.0.1:8080" env:"DOSSIER_HTTP_ADDR"`
	Accounts string `help:"YAML file of accounts with hashed tokens." env:"DOSSIER_ACCOUNTS_FILE"`
}

func (c *apiCmd) Run(ctx context.Context, logger *slog.Logger) error {
	accounts, err := config.LoadAccounts(c.Accounts)
	if err != nil {
		return err
	}
	conn, err := c.connect(ctx, logger, "api")
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.RunAPI(ctx, c.HTTP, accounts)
}

type bridgeCmd struct {
	connection
}

func (c *bridgeCmd) Run(ctx context.Context, logger *slog.Logger) error {
	conn, err := c.connect(ctx, logger, "bridge")
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.RunBridge(ctx)
}

type healthcheckCmd struct {
	URL string `arg:"" help:"URL to check, e.g. http://127.0.0.1:8080/healthz."`
}

func (c *healthcheckCmd) Run(ctx context.Context, _ *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", c.URL, resp.Status)
	}
	return nil
}
