package devstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/intake"
)

// TestMissingDocuments: a caseworker asks for missing documents; the case
// waits and its demande-pieces letter goes through approval to the
// applicant; the legacy system that submitted the case says over NATS
// that the documents arrived, and the case is back in the inbox. A receipt
// that cannot apply is a dead letter, and another service's caseworker
// cannot declare one.
func TestMissingDocuments(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	raw, _ := json.Marshal(submission("Inès Kowalczyk"))
	publishSubmission(t, app, "guichet-pieces-1", raw)
	id := intake.CaseID("nats", bridge.Submitter.ID, "guichet-pieces-1")
	camille.waitStage(id, contract.StageAwaitingApproval)

	due := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	docs := []string{"Justificatif de domicile de moins de trois mois", "Copie d'une pièce d'identité"}
	camille.want(http.StatusUnprocessableEntity, "POST", "/api/v1/cases/"+id+"/review",
		map[string]any{"decision": "request_documents", "version": 1, "documents": docs, "due_date": "2020-01-01"}, nil)
	var res contract.ReviewResult
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review",
		map[string]any{"decision": "request_documents", "version": 1, "documents": docs, "due_date": due, "comment": "dossier incomplet"}, &res)
	if res.Stage != contract.StageAwaitingDocuments {
		t.Fatalf("after request_documents the case is %s", res.Stage)
	}
	waiting := camille.get(id)
	if len(waiting.DocumentsRequests) != 1 || waiting.DocumentsRequests[0].Letter == "" {
		t.Fatalf("documents requests = %+v, want one with its letter", waiting.DocumentsRequests)
	}
	letterID := waiting.DocumentsRequests[0].Letter
	sendDocumentsLetter(t, app, camille, letterID, id, docs, due)

	// Another service's caseworker cannot see the case, let alone say the
	// documents came; a receipt for a case that waits for nothing is a
	// dead letter.
	camille.as("dev-yannick").want(http.StatusForbidden, "POST", "/api/v1/cases/"+id+"/documents-received",
		map[string]any{"documents": []string{"x"}}, nil)
	receipt := func(caseID string) {
		msg := nats.NewMsg(bus.SubjectDocumentsReceived)
		msg.Data, _ = json.Marshal(bridge.DocumentsReceipt{CaseID: caseID, Documents: docs, Note: "déposées au guichet"})
		if _, err := app.Bus().JS.PublishMsg(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	receipt(letterID) // the letter itself waits for no documents
	receipt(id)
	back := camille.waitStage(id, contract.StageAwaitingApproval)
	req := back.DocumentsRequests[0]
	if req.ReceivedBy != bridge.Submitter.ID || len(req.Received) != 2 || req.Note != "déposées au guichet" {
		t.Errorf("receipt recorded as %+v", req)
	}
	if got := ev.until(id, contract.EventDocumentsReceived); strings.Join(got, ",") != "submitted,drafted,documents_requested,documents_received" {
		t.Errorf("events %v", got)
	}
	eventually(t, "dead letter", func() error {
		letters, err := bridge.ListDeadLetters(context.Background(), app.Bus().JS)
		if err == nil && (len(letters) != 1 || !strings.Contains(letters[0].Reason, "not waiting for documents")) {
			err = fmt.Errorf("dead letters %+v, want the receipt for the letter", letters)
		}
		return err
	})
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	camille.waitStage(id, contract.StageCompleted)
	keepHistory(t, app, id, "documents-received-lean")
}

// sendDocumentsLetter checks the demande-pieces case started for parent
// and approves it: the applicant gets a letter listing the documents.
func sendDocumentsLetter(t *testing.T, app *devstack.App, c apiClient, letterID, parent string, docs []string, due string) {
	t.Helper()
	letter := c.waitStage(letterID, contract.StageAwaitingApproval)
	if letter.Template != contract.DocumentsLetterTemplate || letter.Parent != parent || letter.Facts["due_date"] != due ||
		letter.Applicant.Name != "Inès Kowalczyk" || letter.Service != c.get(parent).Service {
		t.Fatalf("demande-pieces case = %+v", letter.CaseState)
	}
	for _, d := range docs {
		if !strings.Contains(letter.Draft.Body, d) {
			t.Errorf("the letter does not ask for %q:\n%s", d, letter.Draft.Body)
		}
	}
	c.want(http.StatusOK, "POST", "/api/v1/cases/"+letterID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	c.waitStage(letterID, contract.StageCompleted)
	files, _ := filepath.Glob(filepath.Join(app.DataDir(), "mailbox", "*.eml"))
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "Message-ID: <"+letterID) {
			return
		}
	}
	t.Errorf("no email for the demande-pieces letter %s", letterID)
}
