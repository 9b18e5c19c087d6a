package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sink is an SMTP server that keeps every message it receives as an .eml
// file in a folder: `dossier dev` runs one so a newcomer can read the
// emails Dossier sent, and tests use it as a real SMTP peer.
type Sink struct {
	Dir string
	srv *smtp.Server
	ln  net.Listener
	n   atomic.Int64
}

// SinkAuth makes a sink offer STARTTLS with cert and require PLAIN
// authentication as user/password, like a real relay.
type SinkAuth struct {
	TLS            *tls.Config
	User, Password string
}

// StartSink listens on addr (port 0 picks one) and stores messages in dir.
func StartSink(addr, dir string) (*Sink, error) {
	return StartSinkWithAuth(addr, dir, nil)
}

// StartSinkWithAuth is StartSink, with STARTTLS and authentication
// required when auth is set.
func StartSinkWithAuth(addr, dir string, auth *SinkAuth) (*Sink, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("smtp sink: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("smtp sink: %w", err)
	}
	s := &Sink{Dir: dir, ln: ln}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		if auth != nil {
			return &authSession{sinkSession: sinkSession{sink: s}, auth: auth}, nil
		}
		return &sinkSession{sink: s}, nil
	}))
	if auth != nil {
		s.srv.TLSConfig = auth.TLS
	}
	s.srv.Domain = "dossier-dev.localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	s.srv.MaxMessageBytes = 50 << 20
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the sink listens on.
func (s *Sink) Addr() *net.TCPAddr { return s.ln.Addr().(*net.TCPAddr) }

// Close stops the sink.
func (s *Sink) Close() error { return s.srv.Close() }

// Count is the number of messages received since the sink started.
func (s *Sink) Count() int { return int(s.n.Load()) }

type sinkSession struct{ sink *Sink }

func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }

// authSession refuses mail until the client authenticated (over TLS: the
// server offers no AUTH before STARTTLS).
type authSession struct {
	sinkSession
	auth   *SinkAuth
	authed bool
}

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (a *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != a.auth.User || password != a.auth.Password {
			return errors.New("invalid credentials")
		}
		a.authed = true
		return nil
	}), nil
}

func (a *authSession) Mail(from string, opts *smtp.MailOptions) error {
	if !a.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

// Data stores the message as <time>-<n>.eml.
func (ss *sinkSession) Data(r io.Reader) error {
	n := ss.sink.n.Add(1)
	name := filepath.Join(ss.sink.Dir, fmt.Sprintf("%s-%04d.eml", time.Now().UTC().Format("20060102T150405"), n))
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return writeAtomic(name, raw)
}
