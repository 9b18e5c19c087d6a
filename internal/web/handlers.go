package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, lang: langOf(w, r)}
	s.render(req, "login", map[string]any{"OIDC": s.OIDC != nil, "Demo": s.Auth != nil})
}

// login signs a demo account in; the session id is new at every sign-in.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, lang: langOf(w, r)}
	if s.Auth == nil {
		s.fail(req, http.StatusNotFound, errors.New(translate(req.lang, "notfound")))
		return
	}
	actor, ok := s.Auth.SignIn(r.PostFormValue("account"), r.PostFormValue("password"))
	if !ok || !actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor, contract.RoleAuditor) {
		w.WriteHeader(http.StatusUnauthorized)
		s.render(req, "login", map[string]any{"Error": translate(req.lang, "signin.failed"), "Account": r.PostFormValue("account"), "OIDC": s.OIDC != nil, "Demo": true})
		return
	}
	s.sessions.start(w, r, actor)
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	s.OIDC.start(w, r, s.Secure)
}

// oidcCallback finishes an OpenID Connect sign-in; the person must have an
// account in the administration's list.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, lang: langOf(w, r)}
	if s.OIDC == nil {
		http.NotFound(w, r)
		return
	}
	actor, err := s.OIDC.finish(w, r)
	if errors.Is(err, errNoAccount) {
		s.Logger.Warn("oidc sign-in without an account", "error", err)
		s.fail(req, http.StatusForbidden, errors.New(translate(req.lang, "forbidden")))
		return
	}
	if err != nil {
		s.Logger.Warn("oidc sign-in failed", "error", err)
		s.fail(req, http.StatusBadRequest, errors.New(translate(req.lang, "signin.failed")))
		return
	}
	s.sessions.start(w, r, actor)
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func (s *Server) logout(req *request) {
	s.sessions.end(req.w, req.r)
	http.Redirect(req.w, req.r, "/login", http.StatusSeeOther)
}

func (s *Server) inbox(req *request) {
	q := req.r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	f := cases.Filter{Stage: q.Get("stage"), Template: q.Get("template"), Assignee: q.Get("assignee"),
		Overdue: q.Get("overdue") == "1", Search: q.Get("q"), Page: page}
	if f.Stage == "" {
		f.Stage = string(contract.StageAwaitingApproval)
	}
	res, err := s.Cases.Inbox(req.r.Context(), req.sess.actor, f)
	if err != nil {
		s.fail(req, kindStatus(err), err)
		return
	}
	s.render(req, "inbox", map[string]any{"Page": res, "Filter": f, "Templates": s.Catalog.IDs(),
		"Stages": contract.Stages, "Query": q, "PageURL": pageURL(q)})
}

// pageURL returns a function giving the inbox URL of another page with the
// same filters.
func pageURL(q url.Values) func(int) string {
	return func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/inbox?" + v.Encode()
	}
}

func (s *Server) casePage(req *request) {
	s.showCase(req, http.StatusOK, "", "")
}

// showCase renders the case page with a message: done (after a decision)
// or refused (an attempt the case refused), under status.
func (s *Server) showCase(req *request, status int, done, refused string) {
	st, err := s.Cases.Get(req.r.Context(), req.sess.actor, req.r.PathValue("id"))
	if err != nil {
		s.fail(req, kindStatus(err), err)
		return
	}
	if done == "" {
		done = translate(req.lang, req.r.URL.Query().Get("done"))
		if done == req.r.URL.Query().Get("done") {
			done = ""
		}
	}
	req.w.WriteHeader(status)
	s.render(req, "case", map[string]any{"Case": st, "View": s.newCaseView(st, req.lang), "Done": done, "Refused": refused,
		"CanReview":        st.Stage == contract.StageAwaitingApproval && req.sess.actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor),
		"CanAct":           req.sess.actor.HasRole(contract.RoleCaseworker, contract.RoleSupervisor),
		"PendingDocuments": pendingDocuments(st),
		"Supervisor":       req.sess.actor.HasRole(contract.RoleSupervisor),
		"CanAudit":         canAudit(req.sess.actor)})
}

func (s *Server) review(req *request) {
	version, _ := strconv.Atoi(req.r.PostFormValue("version"))
	in := contract.ReviewInput{Decision: contract.Decision(req.r.PostFormValue("decision")), Version: version,
		Comment: req.r.PostFormValue("comment"), Body: editedBody(req)}
	if in.Decision == contract.DecisionRequestDocuments {
		in.Documents, in.DueDate = lines(req.r.PostFormValue("documents")), req.r.PostFormValue("due_date")
	}
	if _, err := s.Cases.Review(req.r.Context(), req.sess.actor, req.r.PathValue("id"), in); err != nil {
		s.refusal(req, err)
		return
	}
	http.Redirect(req.w, req.r, "/cases/"+req.r.PathValue("id")+"?done=done", http.StatusSeeOther)
}

// documentsReceived records that the documents a case waits for arrived.
func (s *Server) documentsReceived(req *request) {
	in := contract.DocumentsReceived{Documents: lines(req.r.PostFormValue("documents")),
		ReceivedOn: req.r.PostFormValue("received_on"), Note: req.r.PostFormValue("note")}
	if _, err := s.Cases.DocumentsReceived(req.r.Context(), req.sess.actor, req.r.PathValue("id"), in); err != nil {
		s.refusal(req, err)
		return
	}
	http.Redirect(req.w, req.r, "/cases/"+req.r.PathValue("id")+"?done=docs.recorded", http.StatusSeeOther)
}

// pendingDocuments are the documents the case waits for, one a line.
func pendingDocuments(st contract.CaseState) string {
	if n := len(st.DocumentsRequests); n > 0 && st.Stage == contract.StageAwaitingDocuments {
		return strings.Join(st.DocumentsRequests[n-1].Documents, "\n")
	}
	return ""
}

// lines are the non-blank lines of a textarea, trimmed.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(normalizeNewlines(text), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// editedBody is the letter text as the form sent it, when it is an
// approval and the caseworker changed it.
func editedBody(req *request) string {
	body := normalizeNewlines(req.r.PostFormValue("body"))
	if req.r.PostFormValue("decision") != string(contract.DecisionApprove) || body == normalizeNewlines(req.r.PostFormValue("original")) {
		return ""
	}
	return body
}

// refusal shows the case page again with why the attempt was refused.
func (s *Server) refusal(req *request, err error) {
	status := kindStatus(err)
	if status == http.StatusNotFound || status >= 500 {
		s.fail(req, status, err)
		return
	}
	msg := err.Error()
	var ce *cases.Error
	if errors.As(err, &ce) {
		msg = ce.Message
	}
	s.showCase(req, status, "", translate(req.lang, "refused", msg))
}

func (s *Server) preview(req *request) {
	pdf, err := s.Cases.PreviewLetter(req.r.Context(), req.sess.actor, req.r.PathValue("id"), normalizeNewlines(req.r.PostFormValue("body")))
	if err != nil {
		s.refusal(req, err)
		return
	}
	req.w.Header().Set("Content-Type", "application/pdf")
	req.w.Header().Set("Content-Disposition", `inline; filename="apercu.pdf"`)
	req.w.Header().Set("Cache-Control", "no-store")
	_, _ = req.w.Write(pdf)
}

func (s *Server) assign(req *request) {
	assignee := req.r.PostFormValue("assignee")
	if assignee == "me" {
		assignee = req.sess.actor.ID
	}
	if _, err := s.Cases.Assign(req.r.Context(), req.sess.actor, req.r.PathValue("id"), assignee); err != nil {
		s.refusal(req, err)
		return
	}
	http.Redirect(req.w, req.r, "/cases/"+req.r.PathValue("id")+"?done=assigned", http.StatusSeeOther)
}

func (s *Server) document(req *request) {
	raw, st, err := s.Cases.Document(req.r.Context(), req.sess.actor, req.r.PathValue("id"))
	if err != nil {
		s.fail(req, kindStatus(err), err)
		return
	}
	req.w.Header().Set("Content-Type", "application/pdf")
	req.w.Header().Set("Content-Disposition", `inline; filename="`+contract.Reference(st.ID)+`.pdf"`)
	_, _ = req.w.Write(raw)
}

// batchResult is the outcome of approving one selected case.
type batchResult struct {
	ID    string
	OK    bool
	Error string
}

// batchApprove approves the current draft of each selected case, as the
// caseworker would one by one (every rule of a single approval applies),
// and reports each outcome.
func (s *Server) batchApprove(req *request) {
	_ = req.r.ParseForm()
	var results []batchResult
	for _, id := range req.r.PostForm["case"] {
		version := 0
		if st, err := s.Cases.Get(req.r.Context(), req.sess.actor, id); err == nil && st.Draft != nil {
			version = st.Draft.Version
		}
		_, err := s.Cases.Review(req.r.Context(), req.sess.actor, id, contract.ReviewInput{Decision: contract.DecisionApprove, Version: version})
		r := batchResult{ID: id, OK: err == nil}
		if err != nil {
			r.Error = err.Error()
			var ce *cases.Error
			if errors.As(err, &ce) {
				r.Error = ce.Message
			}
		}
		results = append(results, r)
	}
	s.render(req, "batch", map[string]any{"Results": results})
}
