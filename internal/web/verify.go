package web

import (
	"context"
	"net/http"

	"github.com/dossier/dossier/internal/verification"
)

// VerificationStore finds what a verification code confirms.
type VerificationStore interface {
	Get(ctx context.Context, code string) (verification.Record, bool, error)
}

// verify is the public page a letter's QR code leads to: it confirms the
// issuing service, the date, the subject and the document's fingerprint,
// and nothing else. It needs no sign-in; codes cannot be guessed.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, lang: langOf(w, r), sess: s.sessions.get(r)}
	code := verification.Normalize(r.PathValue("code"))
	var rec verification.Record
	found := false
	if code != "" && s.Verifications != nil {
		var err error
		if rec, found, err = s.Verifications.Get(r.Context(), code); err != nil {
			s.fail(req, http.StatusInternalServerError, err)
			return
		}
	}
	if !found {
		w.WriteHeader(http.StatusNotFound)
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(req, "verify", map[string]any{"Found": found, "Record": rec, "Code": r.PathValue("code")})
}
