// Package web is the caseworkers' web app: sign-in, the inbox, the case
// page with the draft, its diffs and the PDF preview, review and
// assignment, batch approval. Pages are rendered on the server
// (html/template, assets embedded, no script needed); every state-changing
// request carries the session's anti-forgery token and is refused when it
// comes from another site.
package web

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

//go:embed pages/*.html
var pageFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Authenticator checks a demo account's credentials.
type Authenticator interface {
	SignIn(account, password string) (contract.Actor, bool)
}

// Server serves the web app.
type Server struct {
	Cases   *cases.Service
	Catalog *templates.Catalog
	Auth    Authenticator
	Logger  *slog.Logger
	// Services names each service id for display.
	Services map[string]string
	// Secure marks cookies Secure; leave it off only for http on loopback.
	Secure bool
	// OIDC signs people in with the administration's identity provider
	// (see NewOIDC); nil leaves only Auth.
	OIDC *oidcSignIn
	// Verifications back the public page /verify/{code}.
	Verifications VerificationStore
	// Refusals are read back for the audit page; nil leaves them out.
	Refusals RefusalReader
	// Administration heads the explanations of decisions.
	Administration string
	sessions       *sessions
	pages          map[string]*template.Template
	renderer       *pdf.Renderer
}

// Handler returns the web app's routes, protected against cross-origin
// state-changing requests.
func (s *Server) Handler() (http.Handler, error) {
	s.sessions = newSessions(s.Secure)
	if err := s.parsePages(); err != nil {
		return nil, err
	}
	renderer, err := pdf.NewRenderer()
	if err != nil {
		return nil, err
	}
	s.renderer = renderer
	static, _ := fs.Sub(staticFiles, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/inbox", http.StatusSeeOther) })
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /auth/login", s.oidcLogin)
	mux.HandleFunc("GET /auth/callback", s.oidcCallback)
	mux.Handle("POST /logout", s.auth(s.logout))
	mux.Handle("GET /inbox", s.auth(s.inbox))
	mux.Handle("GET /cases/{id}", s.auth(s.casePage))
	mux.Handle("GET /cases/{id}/document", s.auth(s.document))
	mux.Handle("GET /cases/{id}/audit", s.auth(s.auditPage))
	mux.Handle("GET /cases/{id}/explanation.pdf", s.auth(s.explanation))
	mux.Handle("POST /cases/{id}/review", s.auth(s.review))
	mux.Handle("POST /cases/{id}/preview", s.auth(s.preview))
	mux.Handle("POST /cases/{id}/assign", s.auth(s.assign))
	mux.Handle("POST /cases/{id}/documents-received", s.auth(s.documentsReceived))
	mux.Handle("POST /batch/approve", s.auth(s.batchApprove))
	mux.HandleFunc("GET /verify/{code}", s.verify)
	cop := http.NewCrossOriginProtection()
	return securityHeaders(cop.Handler(mux)), nil
}

// request is what every signed-in handler gets.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	sess *session
	lang string
}

// auth runs next for a signed-in person; others go to the sign-in page.
// On POST it also checks the session's anti-forgery token.
func (s *Server) auth(next func(*request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &request{w: w, r: r, sess: s.sessions.get(r), lang: langOf(w, r)}
		if req.sess == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && r.PostFormValue("csrf") != req.sess.csrf {
			s.fail(req, http.StatusForbidden, errors.New("the form has expired or was not sent by Dossier; reload the page"))
			return
		}
		next(req)
	})
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// fail renders an error page; internal errors are logged, not shown.
func (s *Server) fail(req *request, status int, err error) {
	msg := err.Error()
	var ce *cases.Error
	if errors.As(err, &ce) {
		msg = ce.Message
	}
	if status >= 500 {
		s.Logger.Error("web request failed", "path", req.r.URL.Path, "error", err)
		msg = "internal error"
	}
	req.w.WriteHeader(status)
	s.render(req, "error", map[string]any{"Status": status, "Message": msg})
}

func kindStatus(err error) int { return cases.HTTPStatus(cases.KindOf(err)) }

// render writes page name with data, adding what every page needs.
func (s *Server) render(req *request, name string, data map[string]any) {
	data["Lang"] = req.lang
	if req.sess != nil {
		data["Me"], data["CSRF"] = req.sess.actor, req.sess.csrf
	}
	req.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	req.w.Header().Set("Cache-Control", "no-store")
	if err := s.pages[name].ExecuteTemplate(req.w, "layout", data); err != nil {
		s.Logger.Error("render page", "page", name, "error", err)
	}
}

func (s *Server) parsePages() error {
	s.pages = map[string]*template.Template{}
	for _, name := range []string{"login", "inbox", "case", "batch", "error", "verify", "audit"} {
		t, err := template.New(name).Funcs(s.funcs()).ParseFS(pageFiles, "pages/layout.html", "pages/"+name+".html")
		if err != nil {
			return err
		}
		s.pages[name] = t
	}
	return nil
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t":    translate,
		"date": func(t time.Time) string { return t.In(paris).Format("02/01/2006") },
		"datep": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.In(paris).Format("02/01/2006")
		},
		"longdate": longDate,
		"ref":      contract.Reference,
		"title":    s.templateTitle,
		"service":  func(id string) string { return s.Services[id] },
		"diff":     diffHTML,
		"pct":      func(f float64) int { return int(f*100 + 0.5) },
		"add":      func(a, b int) int { return a + b },
		"clock":    clock,
		"ratio":    func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) },
		"duration": duration,
	}
}

func (s *Server) templateTitle(lang, id string) string {
	if t, err := s.Catalog.Get(id); err == nil {
		if title := t.Title[lang]; title != "" {
			return title
		}
		return t.Title["fr"]
	}
	return id
}

var paris = contract.Paris

func longDate(lang, day string) string {
	d, err := templates.LongDate(lang, day)
	if err != nil {
		return day
	}
	return d
}
