// Package api is Dossier's HTTP API: JSON over HTTP, authenticated with
// bearer tokens, mapped onto the case service.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// Check is one readiness check of /healthz; it returns nil when ready.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Server serves the HTTP API.
type Server struct {
	Cases    *cases.Service
	Accounts *Accounts
	Checks   []Check
	Logger   *slog.Logger
}

// maxBody bounds a request body.
const maxBody = 1 << 20

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.Handle("POST /api/v1/cases", s.auth(s.submit))
	mux.Handle("GET /api/v1/cases", s.auth(s.list))
	mux.Handle("GET /api/v1/cases/{id}", s.auth(s.get))
	mux.Handle("POST /api/v1/cases/{id}/review", s.auth(s.review))
	mux.Handle("GET /api/v1/cases/{id}/document", s.auth(s.document))
	mux.Handle("POST /api/v1/cases/{id}/assign", s.auth(s.assign))
	mux.Handle("POST /api/v1/cases/{id}/documents-received", s.auth(s.documentsReceived))
	mux.Handle("GET /api/v1/inbox", s.auth(s.inbox))
	return mux
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, code := map[string]string{}, http.StatusOK
	for _, c := range s.Checks {
		status[c.Name] = "ok"
		if err := c.Run(ctx); err != nil {
			status[c.Name], code = err.Error(), http.StatusServiceUnavailable
		}
	}
	writeJSON(w, code, status)
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error  string                `json:"error"`
	Fields []contract.FieldError `json:"fields,omitempty"`
}

// fail writes err with the status of its kind; only internal errors are
// logged, and their details never reach the caller.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := cases.KindOf(err)
	body := errorBody{Error: "internal error"}
	var ce *cases.Error
	if errors.As(err, &ce) && kind != cases.KindInternal {
		body = errorBody{Error: ce.Message, Fields: ce.Fields}
	}
	if kind == cases.KindInternal {
		s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	writeJSON(w, cases.HTTPStatus(kind), body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decode reads a JSON body strictly: unknown fields, trailing data and
// oversized bodies are refused with a message naming the problem.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &cases.Error{Kind: cases.KindInvalid, Message: fmt.Sprintf("invalid JSON body: %v", err)}
	}
	if dec.More() {
		return &cases.Error{Kind: cases.KindInvalid, Message: "invalid JSON body: trailing data after the object"}
	}
	return nil
}
