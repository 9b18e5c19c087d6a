package api

import (
	"io"
	"net/http"
	"strconv"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
)

// maxKey bounds an Idempotency-Key header.
const maxKey = 200

func (s *Server) submit(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	if !actor.HasRole(contract.RoleIntegrator, contract.RoleCaseworker, contract.RoleSupervisor) {
		s.fail(w, r, &cases.Error{Kind: cases.KindForbidden, Message: actor.ID + " may not submit cases"})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > maxKey {
		s.fail(w, r, &cases.Error{Kind: cases.KindInvalid, Message: "Idempotency-Key is longer than 200 characters"})
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, intake.MaxSubmissionBytes))
	if err != nil {
		s.fail(w, r, cases.Invalid(intake.ErrTooLarge))
		return
	}
	body, err := intake.Decode(raw)
	if err != nil {
		s.fail(w, r, cases.Invalid(err))
		return
	}
	if key == "" {
		key = body.IdempotencyKey
	}
	id, _, err := s.Cases.Submit(r.Context(), cases.Submission{Body: body, By: actor, Channel: "http", Key: key})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A repeated key answers exactly as the first request did.
	w.Header().Set("Location", "/api/v1/cases/"+id)
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "reference": contract.Reference(id)})
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	list, err := s.Cases.List(r.Context(), actor, r.URL.Query().Get("stage"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []cases.Summary{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": list})
}

// caseView is a case as the API shows it.
type caseView struct {
	contract.CaseState
	Reference string `json:"reference"`
	// Waiting lists the steps that are retrying, and why.
	Waiting []cases.Pending `json:"waiting,omitempty"`
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	st, err := s.Cases.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := caseView{CaseState: st, Reference: contract.Reference(st.ID)}
	if st.Stage == contract.StagePrefilling || st.Stage == contract.StageRendering || st.Stage == contract.StageNotifying {
		view.Waiting = s.Cases.PendingSteps(r.Context(), st.ID)
	}
	writeJSON(w, http.StatusOK, view)
}

// reviewRequest is the body of a review; the reviewer comes from the token.
type reviewRequest struct {
	Decision contract.Decision `json:"decision"`
	Version  int               `json:"version"`
	Comment  string            `json:"comment"`
	Body     string            `json:"body"`
	// Documents and DueDate come with request_documents.
	Documents []string `json:"documents"`
	DueDate   string   `json:"due_date"`
}

func (s *Server) review(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	var req reviewRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Cases.Review(r.Context(), actor, r.PathValue("id"), contract.ReviewInput{
		Decision: req.Decision, Version: req.Version, Comment: req.Comment, Body: req.Body,
		Documents: req.Documents, DueDate: req.DueDate,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// documentsReceived declares that the documents a case waits for arrived;
// who says so comes from the token.
func (s *Server) documentsReceived(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	var req struct {
		Documents  []string `json:"documents"`
		ReceivedOn string   `json:"received_on"`
		Note       string   `json:"note"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Cases.DocumentsReceived(r.Context(), actor, r.PathValue("id"), contract.DocumentsReceived{
		Documents: req.Documents, ReceivedOn: req.ReceivedOn, Note: req.Note,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) document(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	raw, st, err := s.Cases.Document(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+contract.Reference(st.ID)+`.pdf"`)
	w.Header().Set("X-Content-SHA256", st.Document.SHA256)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(raw)
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	var req struct {
		Assignee string `json:"assignee"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	got, err := s.Cases.Assign(r.Context(), actor, r.PathValue("id"), req.Assignee)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"assignee": got})
}

// inbox is the caseworkers' inbox as JSON: the filters of the web app.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request, actor contract.Actor) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	res, err := s.Cases.Inbox(r.Context(), actor, cases.Filter{Stage: q.Get("stage"), Template: q.Get("template"),
		Assignee: q.Get("assignee"), Overdue: q.Get("overdue") == "true", Search: q.Get("q"), Page: page, PageSize: size})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
