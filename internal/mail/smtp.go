package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"html"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/dossier/dossier/activities"
)

// SMTP delivers emails to an SMTP relay. TLS is "starttls" (required, the
// default), "tls" (implicit, port 465) or "none" (a local relay or sink
// only); authentication is used when a username is set.
type SMTP struct {
	Host     string
	Port     int
	TLS      string
	Username string
	Password string
	From     string
	// TLSConfig overrides the TLS settings, e.g. to trust a private CA.
	TLSConfig *tls.Config
	// AfterSend, when set, runs once the relay accepted a message and the
	// ledger recorded it: tests use it to crash the worker right there.
	AfterSend func(messageID string)
	// Sent remembers the Message-IDs already accepted by the relay.
	Sent Ledger
}

// Ledger records the emails a relay accepted, by Message-ID.
type Ledger interface {
	Sent(ctx context.Context, messageID string) (bool, error)
	MarkSent(ctx context.Context, messageID string) error
}

// Deliver sends e once: an email whose Message-ID the ledger knows is not
// sent again, so a retry after a crash sends nothing twice. The ledger is
// written as soon as the relay accepts the message.
func (s *SMTP) Deliver(ctx context.Context, e activities.Email) (string, error) {
	location := fmt.Sprintf("smtp://%s:%d", s.Host, s.Port)
	if sent, err := s.Sent.Sent(ctx, e.MessageID); err != nil {
		return "", fmt.Errorf("smtp: ledger: %w", err)
	} else if sent {
		return location, nil
	}
	msg, err := Build(s.From, e)
	if err != nil {
		return "", err
	}
	msg.AddAlternativeString(gomail.TypeTextHTML, htmlBody(e.Text))
	client, err := s.client()
	if err != nil {
		return "", err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return "", fmt.Errorf("smtp: send %s: %w", e.MessageID, err)
	}
	if err := s.Sent.MarkSent(context.WithoutCancel(ctx), e.MessageID); err != nil {
		return "", fmt.Errorf("smtp: ledger: %w", err)
	}
	if s.AfterSend != nil {
		s.AfterSend(e.MessageID)
	}
	return location, nil
}

func (s *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port)}
	switch s.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return c, nil
}

// htmlBody is the HTML alternative of a plain-text email: escaped, one
// paragraph per blank-line-separated block.
func htmlBody(text string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><body style=\"font-family:Arial,sans-serif\">")
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}
