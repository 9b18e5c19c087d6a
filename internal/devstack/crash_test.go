package devstack_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

// TestWorkerCrashAfterSendingSendsOneEmail crashes the worker right after
// the SMTP relay accepted the citizen's email, before the activity could
// report it. A new worker retries the notification once Temporal times the
// first attempt out (one minute), and the citizen still gets one email.
func TestWorkerCrashAfterSendingSendsOneEmail(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a minute for the activity's timeout")
	}
	sent := make(chan string, 1)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { close(release) })
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, AfterEmailSent: func(id string) {
		once.Do(func() {
			sent <- id
			<-release // the worker never reports the activity: it has crashed
		})
	}})
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Zoë Lefèvre-Œuvray"), &created)
	camille.waitStage(created.ID, contract.StageAwaitingApproval)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	select {
	case <-sent:
	case <-time.After(30 * time.Second):
		t.Fatal("the email was never sent")
	}
	app.StopWorker()
	if err := app.StartWorker(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	// The restarted worker replays the case before it answers; on a busy
	// machine a read may time out meanwhile, and is tried again.
	for stageOf(camille, created.ID) != contract.StageCompleted {
		if time.Now().After(deadline) {
			t.Fatal("the case did not complete after the worker's crash")
		}
		time.Sleep(time.Second)
	}
	if n := emailsFor(t, app, created.ID); n != 1 {
		t.Errorf("the citizen received %d emails, want 1", n)
	}
}

func emailsFor(t *testing.T, app *devstack.App, id string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(app.DataDir(), "mailbox", "*.eml"))
	n := 0
	for _, f := range files {
		if raw, err := os.ReadFile(f); err == nil && strings.Contains(string(raw), "Message-ID: <"+id) {
			n++
		}
	}
	return n
}

// stageOf is case id's stage, or "" when the case cannot be read now.
func stageOf(c apiClient, id string) contract.Stage {
	status, raw := c.do("GET", "/api/v1/cases/"+id, nil)
	var v caseView
	if status != http.StatusOK || json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return v.Stage
}
