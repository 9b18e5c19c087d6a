package devstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

func TestHTTPContract(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoDemo: true})
	camille := client(t, app, "dev-camille")
	legacy := camille.as("dev-legacy")

	t.Run("healthz", func(t *testing.T) {
		var health map[string]string
		client(t, app, "").want(http.StatusOK, "GET", "/healthz", nil, &health)
		for _, part := range []string{"temporal", "nats", "worker"} {
			if health[part] != "ok" {
				t.Errorf("healthz %s = %q, want ok", part, health[part])
			}
		}
	})
	t.Run("authentication", func(t *testing.T) {
		for _, token := range []string{"", "dev-nobody", "DEV-CAMILLE"} {
			if status, _ := camille.as(token).do("GET", "/api/v1/cases", nil); status != http.StatusUnauthorized {
				t.Errorf("token %q: status %d, want 401", token, status)
			}
		}
	})

	var created struct{ ID string }
	legacy.want(http.StatusCreated, "POST", "/api/v1/cases", submission("Œdipe Ñandú"), &created, "Idempotency-Key", "req-42")
	id := created.ID

	t.Run("idempotency key", func(t *testing.T) {
		var again struct{ ID string }
		legacy.want(http.StatusCreated, "POST", "/api/v1/cases", submission("Œdipe Ñandú"), &again, "Idempotency-Key", "req-42")
		if again.ID != id {
			t.Errorf("same key gave case %s, want %s", again.ID, id)
		}
		legacy.want(http.StatusConflict, "POST", "/api/v1/cases", submission("Someone Else"), nil, "Idempotency-Key", "req-42")
		eventually(t, "list", func() error { return wantCount(camille.list(""), 1) })
	})
	t.Run("invalid submissions start nothing", func(t *testing.T) {
		bad := submission("")
		bad.Applicant.Email = "not-an-email"
		bad.Facts["received_on"] = "20/11/2026"
		bad.Facts["colour"] = "blue"
		var body struct {
			Error  string                `json:"error"`
			Fields []contract.FieldError `json:"fields"`
		}
		legacy.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases", bad, &body)
		for _, f := range []string{"applicant.name", "applicant.email", "facts.received_on", "facts.colour"} {
			if !hasField(body.Fields, f) {
				t.Errorf("422 body does not name %s: %+v", f, body.Fields)
			}
		}
		unknown := submission("X")
		unknown.Template = "permis-de-chasse"
		legacy.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases", unknown, nil)
		legacy.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases", []byte(`{"template":`), nil)
		legacy.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases", []byte(`{"template":"accuse-reception","surprise":1}`), nil)
		legacy.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases", []byte("{\"template\":\"accus\xe9\"}"), nil)
		legacy.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases", []byte(`{"template":"accuse-reception","facts":{"received_on":20261120}}`), &body)
		if len(body.Fields) != 1 || body.Fields[0].Field != "facts.received_on" || body.Fields[0].Rule != "type" {
			t.Errorf("wrong type: fields %+v, want facts.received_on of the wrong type", body.Fields)
		}
		huge := submission("X")
		huge.Facts["request_subject"] = strings.Repeat("é", 200<<10)
		legacy.want(http.StatusRequestEntityTooLarge, "POST", "/api/v1/cases", huge, nil)
		camille.as("dev-alex").want(http.StatusForbidden, "POST", "/api/v1/cases", submission("X"), nil)
		if err := wantCount(camille.list(""), 1); err != nil {
			t.Error("after refused submissions:", err)
		}
	})

	c := camille.waitStage(id, contract.StageAwaitingApproval)
	t.Run("refused reviews", func(t *testing.T) {
		tests := []struct {
			name   string
			as     string
			body   string
			status int
		}{
			{"stale version", "dev-camille", `{"decision":"approve","version":2}`, http.StatusConflict},
			{"auditor", "dev-alex", `{"decision":"approve","version":1}`, http.StatusForbidden},
			{"integrator", "dev-legacy", `{"decision":"approve","version":1}`, http.StatusForbidden},
			{"unknown decision", "dev-camille", `{"decision":"perhaps","version":1}`, http.StatusUnprocessableEntity},
			{"reject without reason", "dev-camille", `{"decision":"reject","version":1}`, http.StatusUnprocessableEntity},
			{"reviewer in body ignored", "dev-camille", `{"decision":"approve","version":1,"reviewer":{"id":"dominique"}}`, http.StatusUnprocessableEntity},
			{"unknown case", "dev-camille", `{"decision":"approve","version":1}`, http.StatusNotFound},
		}
		for _, tt := range tests {
			path := "/api/v1/cases/" + id + "/review"
			if tt.name == "unknown case" {
				path = "/api/v1/cases/00000000-0000-4000-8000-000000000000/review"
			}
			if status, raw := camille.as(tt.as).do("POST", path, []byte(tt.body)); status != tt.status {
				t.Errorf("%s: status %d, want %d (%s)", tt.name, status, tt.status, raw)
			}
		}
		if got := camille.get(id); got.Stage != contract.StageAwaitingApproval || len(got.Reviews) != 0 {
			t.Errorf("after refused reviews: stage %s, %d reviews; want unchanged", got.Stage, len(got.Reviews))
		}
	})
	t.Run("request changes then approve with edits", func(t *testing.T) {
		var res contract.ReviewResult
		camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review",
			map[string]any{"decision": "request_changes", "version": c.Draft.Version, "comment": "Préciser le service instructeur."}, &res)
		v2 := camille.waitStage(id, contract.StageAwaitingApproval)
		if v2.Draft.Version != 2 || v2.Draft.Comment != "Préciser le service instructeur." {
			t.Fatalf("after request_changes: draft %+v, want version 2 answering the comment", v2.Draft)
		}
		edited := v2.Draft.Body + "\n\nLe service instructeur est le service État civil."
		camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review",
			map[string]any{"decision": "approve", "version": 2, "body": edited}, &res)
		done := camille.waitStage(id, contract.StageCompleted)
		if done.Draft.Version != 3 || done.Draft.EditedBy != "camille" || len(done.Reviews) != 2 {
			t.Errorf("approved draft %+v with %d reviews, want version 3 edited by camille", done.Draft, len(done.Reviews))
		}
		_, letter := camille.do("GET", "/api/v1/cases/"+id+"/document", nil)
		if !strings.HasPrefix(string(letter), "%PDF-") {
			t.Fatalf("document is not a PDF")
		}
		keepHistory(t, app, id, "changes-requested-then-edited")
	})
	t.Run("visibility", func(t *testing.T) {
		legacy.want(http.StatusOK, "GET", "/api/v1/cases/"+id, nil, nil)
		camille.as("dev-alex").want(http.StatusOK, "GET", "/api/v1/cases/"+id, nil, nil)
		legacy.want(http.StatusUnprocessableEntity, "GET", "/api/v1/cases?stage=limbo", nil, nil)
		legacy.want(http.StatusNotFound, "GET", "/api/v1/cases/not-a-case", nil, nil)
		legacy.want(http.StatusNotFound, "GET", "/api/v1/cases/00000000-0000-4000-8000-000000000000/document", nil, nil)
	})
}

func hasField(fields []contract.FieldError, name string) bool {
	for _, f := range fields {
		if f.Field == name {
			return true
		}
	}
	return false
}

func TestFourEyes(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoDemo: true, NoUI: true})
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.want(http.StatusCreated, "POST", "/api/v1/cases", submission("Ana Łoś"), &created)
	camille.waitStage(created.ID, contract.StageAwaitingApproval)
	var refused struct{ Error string }
	camille.want(http.StatusForbidden, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, &refused)
	if !strings.Contains(refused.Error, "four-eyes") {
		t.Errorf("refusal %q does not name the four-eyes rule", refused.Error)
	}
	checkRefusalKept(t, app, created.ID, "camille", "four-eyes")
	camille.as("dev-dominique").want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "reject", "version": 1, "comment": "Demande hors compétence de la commune."}, nil)
	if got := camille.waitStage(created.ID, contract.StageRejected); got.Document != nil {
		t.Errorf("a rejected case has a document")
	}
	// A list filtered by stage is a visibility query on CaseStage.
	keepHistory(t, app, created.ID, "rejected")
	eventually(t, "rejected list", func() error {
		if l := camille.list("?stage=rejected"); len(l.Cases) != 1 || l.Cases[0].ID != created.ID {
			return fmt.Errorf("rejected list = %+v, want our case", l)
		}
		if raw, _ := json.Marshal(camille.list("?stage=awaiting_approval")); strings.Contains(string(raw), created.ID) {
			return fmt.Errorf("rejected case still listed as awaiting approval")
		}
		return nil
	})
}

func wantCount(l listView, n int) error {
	if len(l.Cases) != n {
		return fmt.Errorf("%d cases listed, want %d", len(l.Cases), n)
	}
	return nil
}

// A caseworker sees and acts on the cases of their services only; the
// auditor reads those of every service and changes none.
func TestServicesBoundWhatCaseworkersSee(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true})
	dominique := client(t, app, "dev-dominique")
	eventually(t, "demo cases", func() error { return wantCount(dominique.list("?stage=awaiting_approval"), 3) })
	var terrace string
	for _, c := range dominique.list("").Cases {
		if got := dominique.get(c.ID); got.Template == "occupation-domaine-public" {
			terrace = c.ID
			if got.Service != "voirie" {
				t.Errorf("terrace case in service %q, want voirie", got.Service)
			}
		}
	}
	camille, yannick := dominique.as("dev-camille"), dominique.as("dev-yannick")
	if err := wantCount(camille.list(""), 2); err != nil {
		t.Errorf("camille (relations-usagers, vie-associative): %v", err)
	}
	if err := wantCount(yannick.list(""), 1); err != nil {
		t.Errorf("yannick (voirie): %v", err)
	}
	camille.want(http.StatusForbidden, "GET", "/api/v1/cases/"+terrace, nil, nil)
	camille.want(http.StatusForbidden, "POST", "/api/v1/cases/"+terrace+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	yannick.want(http.StatusOK, "GET", "/api/v1/cases/"+terrace, nil, nil)
	checkAuditorReadsOnly(t, app)
}

// checkRefusalKept checks that a refused attempt on case id by actor was
// kept on dossier.audit.refused with who, when and why.
func checkRefusalKept(t *testing.T, app *devstack.App, id, actor, reason string) {
	t.Helper()
	refused, err := app.Bus().RefusedOf(context.Background(), id)
	if err != nil || len(refused) != 1 {
		t.Fatalf("refused attempts kept: %+v (%v), want one", refused, err)
	}
	r := refused[0]
	if r.CaseID != id || r.Actor.ID != actor || !strings.Contains(r.Reason, reason) || r.At.IsZero() || r.Action != "review:approve" {
		t.Errorf("refusal kept as %+v, want %s refused on %s for %q", r, actor, id, reason)
	}
}
