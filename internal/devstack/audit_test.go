package devstack_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// webUser is a person signed in to the web app over HTTP, their session
// cookie kept as a browser keeps it.
type webUser struct {
	t    *testing.T
	base string
	c    *http.Client
}

// signInWeb signs account in with the demo password, dev-<account>.
func signInWeb(t *testing.T, app *devstack.App, account string) webUser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u := webUser{t: t, base: app.HTTPURL, c: &http.Client{Jar: jar}}
	resp, err := u.c.PostForm(u.base+"/login", url.Values{"account": {account}, "password": {"dev-" + account}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/inbox" {
		t.Fatalf("sign in as %s: %d on %s, want the inbox", account, resp.StatusCode, resp.Request.URL)
	}
	return u
}

// open gets path and checks its status; it returns the body and its type.
func (u webUser) open(status int, path string) ([]byte, string) {
	u.t.Helper()
	resp, err := u.c.Get(u.base + path)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		u.t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, status, body)
	}
	return body, resp.Header.Get("Content-Type")
}

// TestAuditPage: an auditor reads a case's audit trail in the web app (the
// stages, the approver, the refused attempt kept on NATS, the letter's
// SHA-256) and downloads the explanation for the applicant; a supervisor
// of the case's service may too; a caseworker of another service gets 403.
func TestAuditPage(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	var created struct{ ID string }
	client(t, app, "dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Zoë Lefèvre-Œuvray"), &created)
	id := created.ID
	camille := client(t, app, "dev-camille")
	camille.waitStage(id, contract.StageAwaitingApproval)
	camille.want(http.StatusConflict, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 2}, nil)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	done := camille.waitStage(id, contract.StageCompleted)

	alex := signInWeb(t, app, "alex")
	casePage, _ := alex.open(http.StatusOK, "/cases/"+id)
	if !strings.Contains(string(casePage), `href="/cases/`+id+`/audit"`) {
		t.Error("the case page has no link to the audit trail")
	}
	page, _ := alex.open(http.StatusOK, "/cases/"+id+"/audit")
	for _, want := range []string{"Journal d&#39;audit", "en préparation", "Camille Martin (camille)", "approve (v1)",
		"Tentatives refusées", "draft version 2 is stale", done.Document.SHA256, `href="/cases/` + id + `/explanation.pdf"`,
		"rédigé à partir du modèle de lettre, sans IA", "100.0 % du texte conservé"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	raw, kind := alex.open(http.StatusOK, "/cases/"+id+"/explanation.pdf")
	text := flat(pdftest.Text(t, raw))
	for _, want := range []string{"Ville de Montreuil-sur-Loire", "Explication du traitement de votre demande", "approuvé par Camille Martin",
		"sans intelligence artificielle", "Objet de la demande : « inscription sur les listes électorales »", done.Document.SHA256} {
		if kind != "application/pdf" || !strings.Contains(text, want) {
			t.Errorf("the explanation (%s) does not say %q:\n%s", kind, want, text)
		}
	}

	signInWeb(t, app, "dominique").open(http.StatusOK, "/cases/"+id+"/audit")
	yannick := signInWeb(t, app, "yannick")
	yannick.open(http.StatusForbidden, "/cases/"+id+"/audit")
	yannick.open(http.StatusForbidden, "/cases/"+id+"/explanation.pdf")
}
