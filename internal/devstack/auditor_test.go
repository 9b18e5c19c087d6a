package devstack_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

// checkAuditorReadsOnly checks that the auditor reads every demo case, of
// every service, and their letters, over the API and in the web app, and
// that every attempt of theirs to change one is refused (403), whatever
// its stage, and changes nothing. It approves the first demo case and asks
// for documents on the second, so that there is a letter to read and a
// case waiting for documents.
func checkAuditorReadsOnly(t *testing.T, app *devstack.App) {
	t.Helper()
	dominique := client(t, app, "dev-dominique")
	alex := dominique.as("dev-alex")
	ids := app.DemoCases
	if err := wantCount(alex.list(""), len(ids)); err != nil {
		t.Errorf("the auditor: %v", err)
	}
	services := map[string]bool{}
	for _, id := range ids {
		services[alex.get(id).Service] = true
	}
	if len(services) != 3 {
		t.Errorf("the auditor read cases of services %v, want the three services of the demo cases", services)
	}

	letter, waiting := ids[0], ids[1] // the third stays awaiting approval
	dominique.want(http.StatusOK, "POST", "/api/v1/cases/"+letter+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	due := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	dominique.want(http.StatusOK, "POST", "/api/v1/cases/"+waiting+"/review", map[string]any{"decision": "request_documents", "version": 1,
		"documents": []string{"Statuts signés de l'association"}, "due_date": due}, nil)
	dominique.waitStage(letter, contract.StageCompleted)
	dominique.waitStage(waiting, contract.StageAwaitingDocuments)
	if status, pdf := alex.do("GET", "/api/v1/cases/"+letter+"/document", nil); status != http.StatusOK || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("the auditor downloading the letter: status %d, %d bytes; want a PDF", status, len(pdf))
	}

	before := map[string]caseView{}
	for _, id := range ids {
		before[id] = alex.get(id)
	}
	refusedOverAPI(t, alex, ids)
	refusedInWebApp(t, app, ids)
	for _, id := range ids {
		got, was := alex.get(id), before[id]
		if got.Stage != was.Stage || len(got.Reviews) != len(was.Reviews) || got.Assignee != was.Assignee || len(got.DocumentsRequests) != len(was.DocumentsRequests) {
			t.Errorf("case %s changed after the auditor's attempts: %s, %d reviews, assignee %q; was %s, %d reviews, assignee %q",
				id, got.Stage, len(got.Reviews), got.Assignee, was.Stage, len(was.Reviews), was.Assignee)
		}
	}
}

// refusedOverAPI checks that every change the auditor tries over the API,
// on each case, is forbidden.
func refusedOverAPI(t *testing.T, alex apiClient, ids []string) {
	t.Helper()
	alex.want(http.StatusForbidden, "POST", "/api/v1/cases", submission("Auditeur Curieux"), nil)
	attempts := []struct {
		path string
		body map[string]any
	}{
		{"/review", map[string]any{"decision": "approve", "version": 1}},
		{"/review", map[string]any{"decision": "reject", "version": 1, "comment": "Hors compétence."}},
		{"/review", map[string]any{"decision": "request_changes", "version": 1, "comment": "Préciser."}},
		{"/review", map[string]any{"decision": "request_documents", "version": 1, "documents": []string{"Kbis"},
			"due_date": time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}},
		{"/assign", map[string]any{"assignee": "alex"}},
		{"/assign", map[string]any{"assignee": "camille"}},
		{"/documents-received", map[string]any{"documents": []string{"Statuts signés de l'association"}}},
	}
	for _, id := range ids {
		for _, a := range attempts {
			if status, raw := alex.do("POST", "/api/v1/cases/"+id+a.path, a.body); status != http.StatusForbidden {
				t.Errorf("the auditor POST %s %v on case %s: status %d, want 403 (%s)", a.path, a.body, id, status, raw)
			}
		}
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// refusedInWebApp signs the auditor in to the web app: each case page
// shows no review, assignment or documents form, and posting them anyway
// is forbidden.
func refusedInWebApp(t *testing.T, app *devstack.App, ids []string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	web := &http.Client{Jar: jar}
	page := func(resp *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	status, inbox := page(web.PostForm(app.HTTPURL+"/login", url.Values{"account": {"alex"}, "password": {"dev-alex"}}))
	m := csrfField.FindStringSubmatch(inbox)
	if status != http.StatusOK || m == nil {
		t.Fatalf("alex signing in to the web app: status %d, no anti-forgery token in the page", status)
	}
	csrf := m[1]
	for _, id := range ids {
		status, body := page(web.Get(app.HTTPURL + "/cases/" + id))
		if status != http.StatusOK || !strings.Contains(body, contract.Reference(id)) {
			t.Errorf("alex reading case %s in the web app: status %d", id, status)
		}
		for _, action := range []string{"review", "assign", "documents-received"} {
			if strings.Contains(body, `action="/cases/`+id+"/"+action+`"`) {
				t.Errorf("case page %s shows the auditor the %s form", id, action)
			}
		}
		for action, form := range map[string]url.Values{
			"review":             {"decision": {"approve"}, "version": {"1"}},
			"assign":             {"assignee": {"alex"}},
			"documents-received": {"documents": {"Statuts signés de l'association"}},
		} {
			form.Set("csrf", csrf)
			if status, _ := page(web.PostForm(app.HTTPURL+"/cases/"+id+"/"+action, form)); status != http.StatusForbidden {
				t.Errorf("alex posting %s on case %s in the web app: status %d, want 403", action, id, status)
			}
		}
	}
}
