package devstack_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
)

func byMailAndPost(name string) contract.Submission {
	s := submission(name)
	s.Channels = []string{contract.ChannelEmail, contract.ChannelPostal}
	return s
}

// TestPrintJobRoundTrip: a letter asked by email and by post goes by SMTP
// and as a print job on dossier.tasks.print; the print system's answer on
// dossier.tasks.print.done completes the waiting activity with its
// tracking number.
func TestPrintJobRoundTrip(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, Notify: config.Notify{PrintTimeout: 30 * time.Second, PrintReminder: 20 * time.Second}})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", byMailAndPost("Éloïse Ménard"), &created)
	camille.waitStage(created.ID, contract.StageAwaitingApproval)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	done := camille.waitStage(created.ID, contract.StageCompleted)
	channels := map[string]string{}
	for _, n := range done.Notifications {
		channels[n.Channel] = n.MessageID
	}
	if !strings.HasPrefix(channels["postal"], "2C ") || channels["email"] == "" || len(done.Flags) != 0 {
		t.Errorf("notifications %+v, flags %+v; want an email and a posted letter with its tracking number", done.Notifications, done.Flags)
	}
	if got := strings.Join(ev.until(created.ID, contract.EventCompleted), ","); strings.Count(got, "notified") != 2 {
		t.Errorf("events %s, want one notified per channel", got)
	}
	keepHistory(t, app, created.ID, "email-and-post-lean")
}

// TestPrintSystemThatNeverAnswers: the reminder goes out, then the print
// channel times out and is flagged for the caseworker, while the email
// goes and the case completes.
func TestPrintSystemThatNeverAnswers(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, Notify: config.Notify{PrintTimeout: 4 * time.Second, PrintReminder: time.Second}})
	app.LegacySim().SetDown("print", true)
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", byMailAndPost("Gaëtan Brûlé"), &created)
	camille.waitStage(created.ID, contract.StageAwaitingApproval)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+created.ID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	done := camille.waitStage(created.ID, contract.StageCompleted)
	if len(done.Notifications) != 1 || done.Notifications[0].Channel != "email" {
		t.Errorf("notifications %+v, want the email only", done.Notifications)
	}
	if len(done.Flags) != 1 || done.Flags[0].Kind != "notification_failed" || done.Flags[0].Field != "channels.postal" {
		t.Errorf("flags %+v, want the postal channel flagged", done.Flags)
	}
	got := strings.Join(ev.until(created.ID, contract.EventCompleted), ",")
	for _, want := range []string{"print_reminder", "notification_failed", "notified"} {
		if !strings.Contains(got, want) {
			t.Errorf("events %s lack %s", got, want)
		}
	}
	keepHistory(t, app, created.ID, "print-timed-out")
}
