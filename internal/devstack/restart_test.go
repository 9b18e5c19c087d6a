package devstack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/bridge"
	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// TestRestartResumesCase stops the stack while a case awaits approval and
// starts a new one on the same data dir: the case is still there, takes
// the approval, and completes.
func TestRestartResumesCase(t *testing.T) {
	dir := t.TempDir()
	first := start(t, dir, devstack.Options{NoUI: true})
	if !first.FirstStart || len(first.DemoCases) != 3 {
		t.Fatalf("first start: FirstStart=%v with %d demo cases, want true and 3", first.FirstStart, len(first.DemoCases))
	}
	var created struct{ ID string }
	client(t, first, "dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Łucja Dąbrowska-Müller"), &created)
	id := created.ID
	client(t, first, "dev-camille").waitStage(id, contract.StageAwaitingApproval)
	first.Close()

	second := start(t, dir, devstack.Options{NoUI: true})
	if second.FirstStart || len(second.DemoCases) != 0 {
		t.Errorf("restart: FirstStart=%v with %d demo cases, want false and none", second.FirstStart, len(second.DemoCases))
	}
	camille := client(t, second, "dev-camille")
	c := camille.waitStage(id, contract.StageAwaitingApproval)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": c.Draft.Version}, nil)
	camille.waitStage(id, contract.StageCompleted)
	_, letter := camille.do("GET", "/api/v1/cases/"+id+"/document", nil)
	if text := pdftest.Text(t, letter); !strings.Contains(text, "Łucja Dąbrowska-Müller") {
		t.Errorf("letter after restart lacks the applicant's name:\n%s", text)
	}
	eventually(t, "demo cases after restart", func() error { return wantCount(camille.list(""), 4) })
}

func TestDataDirIsLocked(t *testing.T) {
	dir := t.TempDir()
	start(t, dir, devstack.Options{NoUI: true, NoDemo: true})
	second := devstack.New(devstack.Options{DataDir: dir, HTTPAddr: "127.0.0.1:0", NoUI: true})
	err := second.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second stack on the same data dir: %v, want an in-use error", err)
	}
}

// TestBadNATSSubmissions: a submission with invalid fields becomes a case
// that fails with the field errors; one that is not even JSON goes to the
// dead-letter subject with its reason, and does not block the next one.
func TestBadNATSSubmissions(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	dlq, err := app.Bus().JS.OrderedConsumer(context.Background(), bus.StreamDeadLetter, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}

	publishSubmission(t, app, "broken-1", []byte(`{"template": "accuse-reception", "applicant": `))
	bad := submission("Jean")
	bad.Applicant.Email = "jean-at-nowhere"
	raw, _ := json.Marshal(bad)
	publishSubmission(t, app, "bad-fields-1", raw)

	id := intake.CaseID("nats", bridge.Submitter.ID, "bad-fields-1")
	if got := ev.until(id, contract.EventFailed); strings.Join(got, ",") != "submitted,failed" {
		t.Errorf("events %v, want submitted then failed", got)
	}
	failed := camille.waitStage(id, contract.StageFailed)
	if !hasField(failed.FieldErrors, "applicant.email") || failed.Draft != nil {
		t.Errorf("failed case: field errors %+v, draft %v; want applicant.email and no draft", failed.FieldErrors, failed.Draft)
	}

	keepHistory(t, app, id, "failed-prefill")

	msg, err := dlq.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatalf("no dead letter: %v", err)
	}
	if reason := msg.Headers().Get("Dossier-Reason"); !strings.Contains(reason, "invalid JSON") {
		t.Errorf("dead letter reason %q, want invalid JSON", reason)
	}
	if string(msg.Data()) != `{"template": "accuse-reception", "applicant": ` {
		t.Errorf("dead letter payload %q, want the original bytes", msg.Data())
	}
}
