package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// RefusalReader reads back the attempts a case refused, which Temporal
// does not record.
type RefusalReader interface {
	RefusedOf(ctx context.Context, caseID string) ([]cases.Refusal, error)
}

// canAudit reports whether the signed-in person may open audit pages:
// auditors, and the supervisors and caseworkers of the case's service
// (cases.Service.History checks the service).
func canAudit(a contract.Actor) bool {
	return a.HasRole(contract.RoleAuditor, contract.RoleSupervisor, contract.RoleCaseworker)
}

// timeline reads the case's history, with its refused attempts when
// withRefused; it fails the request itself and reports false when it
// cannot.
func (s *Server) timeline(req *request, withRefused bool) (audit.Timeline, string, bool) {
	if !canAudit(req.sess.actor) {
		s.fail(req, http.StatusForbidden, errors.New(translate(req.lang, "forbidden")))
		return audit.Timeline{}, "", false
	}
	id := req.r.PathValue("id")
	h, err := s.Cases.History(req.r.Context(), req.sess.actor, id)
	if err != nil {
		s.fail(req, kindStatus(err), err)
		return audit.Timeline{}, "", false
	}
	var refused []cases.Refusal
	warning := ""
	if withRefused && s.Refusals != nil {
		if refused, err = s.Refusals.RefusedOf(req.r.Context(), id); err != nil {
			s.Logger.Warn("read refused attempts", "case", id, "error", err)
			warning = translate(req.lang, "audit.norefused")
		}
	}
	tl, err := audit.TimelineOf(h, refused...)
	if err != nil {
		s.fail(req, http.StatusInternalServerError, err)
		return audit.Timeline{}, "", false
	}
	return tl, warning, true
}

// auditPage shows the case's timeline, as the history records it.
func (s *Server) auditPage(req *request) {
	tl, warning, ok := s.timeline(req, true)
	if !ok {
		return
	}
	s.render(req, "audit", map[string]any{"T": tl, "Warning": warning})
}

// explanation serves the explanation the citizen is entitled to, as a PDF.
func (s *Server) explanation(req *request) {
	tl, _, ok := s.timeline(req, false)
	if !ok {
		return
	}
	issuer := s.Administration
	if name := s.Services[tl.Service]; name != "" && issuer != "" {
		issuer += " — " + name
	}
	raw, err := audit.Explain(tl, audit.CatalogOptions(s.Catalog, tl, issuer)).PDF(s.renderer)
	if err != nil {
		s.fail(req, http.StatusInternalServerError, err)
		return
	}
	req.w.Header().Set("Content-Type", "application/pdf")
	req.w.Header().Set("Content-Disposition", `inline; filename="explication-`+tl.Reference+`.pdf"`)
	req.w.Header().Set("Cache-Control", "no-store")
	_, _ = req.w.Write(raw)
}

// clock is a time in Paris, to the second.
func clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(paris).Format("02/01/2006 15:04:05")
}

// duration is a stage's length, rounded for reading.
func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}
