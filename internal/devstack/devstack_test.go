package devstack_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
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

// start runs the real dev stack on free ports in dir, as `dossier dev`
// does, and closes it when the test ends.
func start(t *testing.T, dir string, opts devstack.Options) *devstack.App {
	t.Helper()
	opts.DataDir, opts.HTTPAddr = dir, "127.0.0.1:0"
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := devstack.New(opts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("start stack: %v", err)
	}
	t.Cleanup(app.Close)
	return app
}

func client(t *testing.T, app *devstack.App, token string) apiClient {
	return apiClient{t: t, base: app.HTTPURL, token: token}
}

// events collects every stage event published while the test runs.
type events struct {
	t  *testing.T
	ch chan contract.Event
}

func subscribe(t *testing.T, app *devstack.App) *events {
	e := &events{t: t, ch: make(chan contract.Event, 256)}
	sub, err := app.Bus().Conn.Subscribe(bus.SubjectEvents, func(m *nats.Msg) {
		var env contract.Envelope
		if err := json.Unmarshal(m.Data, &env); err != nil {
			t.Errorf("event on %s is not JSON: %v", m.Subject, err)
			return
		}
		ev := env.Data
		if m.Subject != "dossier.events."+ev.Type || env.Type != contract.EventTypePrefix+ev.Type || env.Subject != ev.CaseID ||
			env.SpecVersion != "1.0" || env.ID != m.Header.Get("Nats-Msg-Id") || env.DataSchema == "" {
			t.Errorf("event %s on %s: envelope %+v", ev.Type, m.Subject, env)
		}
		e.ch <- ev
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	return e
}

// until returns the events of case id up to and including typ.
func (e *events) until(id, typ string) []string {
	e.t.Helper()
	var seen []string
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-e.ch:
			if ev.CaseID != id {
				continue
			}
			seen = append(seen, ev.Type)
			if ev.Type == typ {
				return seen
			}
		case <-timeout:
			e.t.Fatalf("no %s event for case %s in 30s; saw %v", typ, id, seen)
		}
	}
}

func publishSubmission(t *testing.T, app *devstack.App, msgID string, data []byte) {
	t.Helper()
	msg := nats.NewMsg(bus.SubjectSubmit)
	msg.Data = data
	if msgID != "" {
		msg.Header.Set(jetstream.MsgIDHeader, msgID)
	}
	if _, err := app.Bus().JS.PublishMsg(context.Background(), msg); err != nil {
		t.Fatalf("publish submission: %v", err)
	}
}

func TestNATSSubmissionToSentLetter(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{})
	ev := subscribe(t, app)
	camille := client(t, app, "dev-camille")

	sub := submission("Zoë Lefèvre-Œuvray")
	raw, _ := json.Marshal(sub)
	publishSubmission(t, app, "mairie-2026-000123", raw)
	publishSubmission(t, app, "mairie-2026-000123", raw) // a duplicate must not open a second case
	id := intake.CaseID("nats", bridge.Submitter.ID, "mairie-2026-000123")

	c := camille.waitStage(id, contract.StageAwaitingApproval)
	if c.Draft == nil || c.Draft.Version != 1 || !strings.Contains(c.Draft.Body, "inscription sur les listes électorales") {
		t.Fatalf("draft = %+v, want version 1 mentioning the request", c.Draft)
	}
	if c.Draft.Drafter != "template" {
		t.Errorf("drafter %q, want the template drafter named as such", c.Draft.Drafter)
	}
	eventually(t, "inbox", func() error {
		awaiting := camille.as("dev-dominique").list("?stage=awaiting_approval")
		if n := count(awaiting, id); n != 1 {
			return fmt.Errorf("case %s listed %d times after a duplicate publish, want once", id, n)
		}
		if len(awaiting.Cases) != 4 {
			return fmt.Errorf("%d cases awaiting approval for a supervisor of every service, want the 3 demo cases and ours", len(awaiting.Cases))
		}
		return nil
	})
	if len(app.DemoCases) != 3 {
		t.Errorf("first start opened %d demo cases, want 3", len(app.DemoCases))
	}
	checkUI(t, app)

	var res contract.ReviewResult
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1}, &res)
	done := camille.waitStage(id, contract.StageCompleted)

	if got := ev.until(id, contract.EventCompleted); strings.Join(got, ",") != "submitted,drafted,approved,rendered,notified,completed" {
		t.Errorf("events %v, want the five stages in order", got)
	}
	status, letter := camille.do("GET", "/api/v1/cases/"+id+"/document", nil)
	if status != http.StatusOK || !strings.HasPrefix(string(letter), "%PDF-") {
		t.Fatalf("document: status %d, %d bytes, want a PDF", status, len(letter))
	}
	if sum := sha256.Sum256(letter); hex.EncodeToString(sum[:]) != done.Document.SHA256 {
		t.Errorf("downloaded letter does not match the hash in the case")
	}
	text := pdftest.Text(t, letter)
	for _, want := range []string{"Zoë Lefèvre-Œuvray", "Camille Martin", c.Reference, "Voies et délais de recours"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter text lacks %q:\n%s", want, text)
		}
	}
	checkOutbox(t, app, id)
	checkVerification(t, app, done, text)
	checkEventsReplay(t, app, id, c.SubmittedAt)
	keepHistory(t, app, id, "approved-lean")
}

func count(l listView, id string) int {
	n := 0
	for _, c := range l.Cases {
		if c.ID == id {
			n++
		}
	}
	return n
}

// checkOutbox checks that exactly one email with the letter went to the citizen.
func checkOutbox(t *testing.T, app *devstack.App, id string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(app.DataDir(), "mailbox", "*.eml"))
	var raw []byte
	n := 0
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "Message-ID: <"+id) {
			raw, n = b, n+1
		}
	}
	if n != 1 {
		t.Fatalf("the SMTP sink received %d emails for %s, want 1", n, id)
	}
	for _, want := range []string{"To: ", "citoyen@example.org", "Content-Type: application/pdf", "Message-ID: <" + id} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("email lacks %q", want)
		}
	}
}

// checkUI checks that Temporal's Web UI answers at the announced URL.
func checkUI(t *testing.T, app *devstack.App) {
	t.Helper()
	resp, err := http.Get(app.UIURL)
	if err != nil {
		t.Fatalf("temporal ui: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("temporal ui %s: status %d", app.UIURL, resp.StatusCode)
	}
}

// checkVerification checks that the letter carries its verification code
// and that the public page, without sign-in, confirms the letter's issuer,
// subject and fingerprint, and knows no other code.
func checkVerification(t *testing.T, app *devstack.App, c caseView, text string) {
	t.Helper()
	code := c.Document.VerificationCode
	flat := strings.Join(strings.Fields(text), " ")
	if code == "" || !strings.Contains(flat, code) || !strings.Contains(flat, app.HTTPURL+"/verify") {
		t.Fatalf("letter without its verification code %q and URL", code)
	}
	anonymous := client(t, app, "")
	status, page := anonymous.do("GET", "/verify/"+strings.ToLower(code), nil)
	for _, want := range []string{"courrier authentique", c.Document.SHA256, "Ville de Montreuil-sur-Loire", "inscription sur les listes"} {
		if status != http.StatusOK || !strings.Contains(string(page), want) {
			t.Errorf("verification page: %d, lacks %q", status, want)
		}
	}
	if strings.Contains(string(page), c.Applicant.Name) || strings.Contains(string(page), c.Applicant.Email) {
		t.Error("the verification page shows the applicant's name or email")
	}
	if status, _ := anonymous.do("GET", "/verify/ABCD-EFGH-JKMN-PQRS", nil); status != http.StatusNotFound {
		t.Errorf("an unknown code: %d, want 404", status)
	}
}

// checkEventsReplay plays the role of a consumer that was down: it reads
// the case's events back from the stream, from a time, in order.
func checkEventsReplay(t *testing.T, app *devstack.App, id string, since time.Time) {
	t.Helper()
	ctx := context.Background()
	cons, err := app.Bus().JS.OrderedConsumer(ctx, bus.StreamEvents, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &since})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			break
		}
		var env contract.Envelope
		if json.Unmarshal(msg.Data(), &env) == nil && env.Subject == id {
			got = append(got, env.Data.Type)
		}
	}
	if strings.Join(got, ",") != "submitted,drafted,approved,rendered,notified,completed" {
		t.Errorf("events replayed from %v: %v", since, got)
	}
}
