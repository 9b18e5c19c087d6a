package devstack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

// TestDelegatedSignature: with the dev configuration, an approved grant
// goes to the elected officials' e-signature tool (the simulator's
// parapheur) before it is rendered; its heartbeat and answer come back
// over NATS and the letter goes out with the visa kept on the case.
func TestDelegatedSignature(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", grant("W491012345", nil), &created)
	camille.waitStage(created.ID, contract.StageAwaitingApproval)
	var res contract.ReviewResult
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, &res)
	if res.Stage != contract.StageDelegated {
		t.Errorf("an approved grant is %s, want delegated to the parapheur", res.Stage)
	}
	done := camille.waitStage(created.ID, contract.StageCompleted)
	if len(done.Delegations) != 1 || done.Delegations[0].Status != "done" || done.Delegations[0].Result["signed_by"] != "Le maire" {
		t.Errorf("delegations %+v, want the parapheur's visa", done.Delegations)
	}
	if got := strings.Join(ev.until(created.ID, contract.EventCompleted), ","); !strings.Contains(got, "approved,task_sent,task_done,rendered") {
		t.Errorf("events %s, want the signature between approval and rendering", got)
	}
	keepHistory(t, app, created.ID, "delegated-signature-lean")
}

// TestDelegatedStepHeartbeats: a slow system that says it is still at
// work outlives the heartbeat timeout; one that goes silent fails the step
// with a clear reason, and the case goes back to its reviewers; approved
// again, the step runs anew.
func TestDelegatedStepHeartbeats(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, Delegations: map[string][]config.Delegation{
		"accuse-reception": {{Task: "visa", At: contract.DelegateBeforeRender, Timeout: time.Minute, Heartbeat: 2 * time.Second}},
	}})
	silent := make(chan bool, 1)
	silent <- true // the first task is never answered
	playVisa(t, app, silent)
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Anouk Sévérac"), &created)
	camille.waitStage(created.ID, contract.StageAwaitingApproval)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)

	back := camille.waitStage(created.ID, contract.StageAwaitingApproval) // the review returned at "delegated"
	if len(back.Delegations) != 1 {
		t.Fatalf("delegations %+v, want the silent one", back.Delegations)
	}
	if d := back.Delegations[0]; d.Status != "failed" || !strings.Contains(d.Error, "no sign of life for 2s") {
		t.Errorf("silent step recorded as %+v", d)
	}
	if len(back.Flags) != 1 || back.Flags[0].Kind != "task_failed" {
		t.Errorf("flags %+v, want the failed step", back.Flags)
	}
	camille.as("dev-dominique").want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	done := camille.waitStage(created.ID, contract.StageCompleted)
	if len(done.Delegations) != 2 || done.Delegations[1].Status != "done" || done.Delegations[1].EndedAt.Sub(done.Delegations[1].StartedAt) < 4*time.Second {
		t.Errorf("delegations %+v, want the second one done after outliving its 2 s heartbeat timeout", done.Delegations)
	}
	keepHistory(t, app, created.ID, "delegated-step-silent-then-done")
}

// playVisa plays a legacy system on dossier.tasks.visa: for each task it
// stays silent when told so, and otherwise works 5 s while sending a
// heartbeat every second, then answers.
func playVisa(t *testing.T, app *devstack.App, silent chan bool) {
	nc := app.Bus().Conn
	sub, err := nc.Subscribe("dossier.tasks.visa", func(m *nats.Msg) {
		select {
		case <-silent:
			return
		default:
		}
		var task contract.Task
		if err := json.Unmarshal(m.Data, &task); err != nil {
			t.Errorf("task: %v", err)
			return
		}
		go func() {
			for range 5 {
				hb, _ := json.Marshal(contract.TaskHeartbeat{Token: task.Token, Progress: "en cours"})
				_, _ = app.Bus().JS.Publish(context.Background(), "dossier.tasks.visa.heartbeat", hb)
				time.Sleep(time.Second)
			}
			raw, _ := json.Marshal(contract.TaskAnswer{Token: task.Token, Status: "done", Result: map[string]string{"visa": "VISA-1"}})
			_, _ = app.Bus().JS.Publish(context.Background(), "dossier.tasks.visa.done", raw)
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
}
