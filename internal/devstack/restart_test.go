package devstack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
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
	eventually(t, "demo cases after restart", func() error { return wantCount(camille.as("dev-dominique").list(""), 4) })
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

// TestBadNATSSubmissions: a submission that cannot become a case (not
// JSON, invalid UTF-8, invalid fields, an unknown template) goes to the
// dead-letter subject with its original bytes, the reason and the field
// errors; no case starts, and the good submission published after them is
// not blocked behind them.
func TestBadNATSSubmissions(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	camille := client(t, app, "dev-camille")
	dlq, err := app.Bus().JS.OrderedConsumer(context.Background(), bus.StreamDeadLetter, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	bad := submission("Jean")
	bad.Applicant.Email = "jean-at-nowhere"
	badFields, _ := json.Marshal(bad)
	unknown := submission("Jean")
	unknown.Template = "permis-de-voler"
	unknownTemplate, _ := json.Marshal(unknown)
	good, _ := json.Marshal(submission("Jeanne"))
	tests := []struct {
		key, payload, wantReason, wantErrors string
	}{
		{"broken-1", `{"template": "accuse-reception", "applicant": `, "JSON invalide", `"rule":"json"`},
		{"latin1-1", "{\"template\":\"accus\xe9\"}", "UTF-8", `"rule":"utf8"`},
		{"bad-fields-1", string(badFields), "applicant.email", `"field":"applicant.email","rule":"email"`},
		{"unknown-template-1", string(unknownTemplate), "permis-de-voler", `"field":"template","rule":"template"`},
	}
	for _, tt := range tests {
		publishSubmission(t, app, tt.key, []byte(tt.payload))
	}
	publishSubmission(t, app, "good-1", good)
	camille.waitStage(intake.CaseID("nats", bridge.Submitter.ID, "good-1"), contract.StageAwaitingApproval)

	for _, tt := range tests {
		msg, err := dlq.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			t.Fatalf("%s: no dead letter: %v", tt.key, err)
		}
		if string(msg.Data()) != tt.payload {
			t.Errorf("%s: dead letter payload %q, want the original bytes", tt.key, msg.Data())
		}
		if reason := msg.Headers().Get(bridge.HeaderReason); !strings.Contains(reason, tt.wantReason) {
			t.Errorf("%s: reason %q, want it to mention %q", tt.key, reason, tt.wantReason)
		}
		if errs := msg.Headers().Get(bridge.HeaderErrors); !strings.Contains(errs, tt.wantErrors) {
			t.Errorf("%s: errors header %q, want %s", tt.key, errs, tt.wantErrors)
		}
		id := intake.CaseID("nats", bridge.Submitter.ID, tt.key)
		if status, _ := camille.do("GET", "/api/v1/cases/"+id, nil); status != http.StatusNotFound {
			t.Errorf("%s: a refused submission opened case %s (status %d)", tt.key, id, status)
		}
	}
}

// TestReplayDeadLetter: an operator lists the dead letters, fixes one and
// submits it again; it becomes the case its first idempotency key names,
// and leaves the dead-letter stream.
func TestReplayDeadLetter(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	camille := client(t, app, "dev-camille")
	bad := submission("Jean")
	bad.Applicant.Email = "jean-at-nowhere"
	raw, _ := json.Marshal(bad)
	publishSubmission(t, app, "crm-2026-0451", raw)
	ctx := context.Background()
	var letters []bridge.DeadLetter
	eventually(t, "dead letter", func() error {
		var err error
		if letters, err = bridge.ListDeadLetters(ctx, app.Bus().JS); err == nil && len(letters) != 1 {
			err = fmt.Errorf("%d dead letters, want 1", len(letters))
		}
		return err
	})
	d := letters[0]
	if d.IdempotencyKey != "crm-2026-0451" || len(d.Errors) != 1 || d.Errors[0].Field != "applicant.email" || d.Payload != string(raw) {
		t.Fatalf("dead letter %+v", d)
	}
	fixed := bad
	fixed.Applicant.Email = "jean@example.org"
	payload, _ := json.Marshal(fixed)
	if err := bridge.ReplayDeadLetter(ctx, app.Bus().JS, d.Seq, payload); err != nil {
		t.Fatal(err)
	}
	c := camille.waitStage(intake.CaseID("nats", bridge.Submitter.ID, "crm-2026-0451"), contract.StageAwaitingApproval)
	if c.Applicant.Email != "jean@example.org" {
		t.Errorf("replayed case has %q", c.Applicant.Email)
	}
	if left, _ := bridge.ListDeadLetters(ctx, app.Bus().JS); len(left) != 0 {
		t.Errorf("%d dead letters left after the replay", len(left))
	}
}

// A system that cannot set headers names its case in the payload: the
// same key twice is one case.
func TestIdempotencyKeyInThePayload(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	sub := submission("Léon Marchal")
	sub.IdempotencyKey = "as400-2026-7781"
	raw, _ := json.Marshal(sub)
	publishSubmission(t, app, "", raw)
	publishSubmission(t, app, "", raw)
	id := intake.CaseID("nats", bridge.Submitter.ID, "as400-2026-7781")
	dominique := client(t, app, "dev-dominique")
	dominique.waitStage(id, contract.StageAwaitingApproval)
	eventually(t, "one case", func() error { return wantCount(dominique.list(""), 1) })
}

// TestCancelOverNATS: the system that submitted a case withdraws it; the
// case ends "cancelled" with its event, and a cancellation that cannot
// apply (a case it did not submit, a closed case) is a dead letter.
func TestCancelOverNATS(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	dominique := client(t, app, "dev-dominique")
	raw, _ := json.Marshal(submission("Ana Łoś"))
	publishSubmission(t, app, "crm-cancel-1", raw)
	id := intake.CaseID("nats", bridge.Submitter.ID, "crm-cancel-1")
	dominique.waitStage(id, contract.StageAwaitingApproval)
	var other struct{ ID string }
	dominique.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Autre"), &other)

	cancel := func(caseID string) {
		msg := nats.NewMsg(bus.SubjectCancel)
		msg.Data, _ = json.Marshal(bridge.Cancellation{CaseID: caseID, Reason: "demande retirée par l'usager"})
		if _, err := app.Bus().JS.PublishMsg(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	cancel(id)
	if got := dominique.waitStage(id, contract.StageCancelled); got.Draft == nil {
		t.Errorf("cancelled case lost its state: %+v", got)
	}
	ev.until(id, contract.EventCancelled)
	cancel(id)       // already closed
	cancel(other.ID) // not submitted over NATS
	eventually(t, "refused cancellations", func() error {
		letters, err := bridge.ListDeadLetters(context.Background(), app.Bus().JS)
		if err == nil && len(letters) != 2 {
			err = fmt.Errorf("%d dead letters, want 2: %+v", len(letters), letters)
		}
		return err
	})
	if c := dominique.get(other.ID); c.Stage != contract.StageAwaitingApproval {
		t.Errorf("a case submitted over HTTP was cancelled over NATS: %s", c.Stage)
	}
	keepHistory(t, app, id, "cancelled-over-nats")
}
