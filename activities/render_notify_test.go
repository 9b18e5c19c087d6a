package activities

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf/pdftest"
	"github.com/dossier/dossier/internal/verification"
	"github.com/dossier/dossier/templates"
)

var approver = contract.Actor{
	ID:    "camille",
	Name:  "Camille Martin",
	Title: "Chargée de relations usagers",
	Roles: []string{contract.RoleCaseworker},
}

// renderInput drafts version 1 of caseInput and returns its render input.
func renderInput(t *testing.T, f *fixture) contract.RenderInput {
	t.Helper()
	var d contract.Draft
	if err := f.run(t, f.a.Draft, draftInput(t, f, 1), &d); err != nil {
		t.Fatalf("Draft: %v", err)
	}
	return contract.RenderInput{
		Case:       caseInput(),
		Draft:      d,
		Approver:   approver,
		ApprovedAt: time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC),
	}
}

// render runs Render on in or fails the test.
func render(t *testing.T, f *fixture, in contract.RenderInput) contract.Document {
	t.Helper()
	var doc contract.Document
	if err := f.run(t, f.a.Render, in, &doc); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return doc
}

// flatten collapses white space so that wrapped PDF text can be searched.
func flatten(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderStoresTheLetter(t *testing.T) {
	f := newFixture(t)
	in := renderInput(t, f)
	doc := render(t, f, in)

	if want := DocumentName(testCaseID, 1); doc.Object != want || want != "cases/"+testCaseID+"/letter-v1.pdf" {
		t.Errorf("Object = %q, want %q", doc.Object, want)
	}
	raw, ok := f.store.objects[doc.Object]
	if !ok {
		t.Fatalf("nothing stored under %s (have %d objects)", doc.Object, len(f.store.objects))
	}
	sum := sha256.Sum256(raw)
	if doc.SHA256 != hex.EncodeToString(sum[:]) || doc.Size != len(raw) || !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Errorf("Document = %+v, stored %d bytes with hash %x", doc, len(raw), sum)
	}
}

func TestRenderIsIdempotent(t *testing.T) {
	f := newFixture(t)
	in := renderInput(t, f)
	first := render(t, f, in)
	second := render(t, f, in)
	if first != second {
		t.Errorf("rendering twice gave %+v then %+v", first, second)
	}
	if len(f.store.objects) != 1 {
		t.Errorf("store holds %d objects, want 1", len(f.store.objects))
	}
	// Another version is another object.
	in.Draft.Version = 2
	if third := render(t, f, in); third.Object == first.Object {
		t.Errorf("version 2 stored over version 1 at %s", third.Object)
	}
}

func TestRenderLetterText(t *testing.T) {
	f := newFixture(t)
	in := renderInput(t, f)
	doc := render(t, f, in)
	text := flatten(pdftest.Text(t, f.store.objects[doc.Object]))
	admin := f.a.Administration
	for _, want := range []string{
		approver.Name, approver.Title,
		mention(t, f, "template_drafter", templates.MentionData{}),
		in.Draft.Mentions[0],
		contract.Reference(testCaseID),
		"Zoë Lefèvre-Œuvray", "12 rue des Écoles",
		admin.Name, admin.Place,
		"inscription sur les listes électorales",
		"23 novembre 2026", // dated by ApprovedAt, not the clock
	} {
		if !strings.Contains(text, flatten(want)) {
			t.Errorf("letter lacks %q:\n%s", want, text)
		}
	}
}

func TestRenderMentionsTemplateDrafterOnlyForTemplateDrafts(t *testing.T) {
	f := newFixture(t)
	in := renderInput(t, f)
	in.Draft.Drafter, in.Draft.Model = "llm", "mistral-small-3.2-24b"
	doc := render(t, f, in)
	text := flatten(pdftest.Text(t, f.store.objects[doc.Object]))
	if strings.Contains(text, "sans recours à un système d'intelligence artificielle") {
		t.Errorf("a model-drafted letter claims no model was used")
	}
	if ai := mention(t, f, "ai", templates.MentionData{Model: in.Draft.Model}); !strings.Contains(text, ai) {
		t.Errorf("a model-drafted letter lacks the CRPA L311-3-1 mention naming the model:\n%s", text)
	}
}

// mention is a shared mention as the catalogue renders it in French.
func mention(t *testing.T, f *fixture, kind string, data templates.MentionData) string {
	t.Helper()
	m, err := f.a.Catalog.Mentions().Render(kind, "fr", data)
	if err != nil || m == "" {
		t.Fatalf("mention %s: %q, %v", kind, m, err)
	}
	return m
}

func TestRenderRefusesUnprintableLetter(t *testing.T) {
	f := newFixture(t)
	in := renderInput(t, f)
	in.Draft.Body = "  \n "
	var doc contract.Document
	err := f.run(t, f.a.Render, in, &doc)
	nonRetryable(t, err, "RenderFailed")
	if len(f.store.objects) != 0 {
		t.Errorf("a failed render stored %d objects", len(f.store.objects))
	}
}

// notifyInput renders caseInput's letter and returns the notify input.
func notifyInput(t *testing.T, f *fixture) contract.NotifyInput {
	t.Helper()
	in := renderInput(t, f)
	doc := render(t, f, in)
	return contract.NotifyInput{Case: in.Case, Draft: in.Draft, Document: doc}
}

func TestNotify(t *testing.T) {
	f := newFixture(t)
	in := notifyInput(t, f)
	var n contract.Notification
	if err := f.run(t, f.a.Notify, in, &n); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	wantID := testCaseID + ".letter-v1@dossier"
	if n.Channel != "email" || n.MessageID != wantID || n.Location != "memory://"+wantID {
		t.Errorf("Notification = %+v, want email %s", n, wantID)
	}
	if len(f.mailer.sent) != 1 {
		t.Fatalf("sent %d emails, want 1", len(f.mailer.sent))
	}
	e := f.mailer.sent[0]
	if !bytes.Equal(e.Attachment, f.store.objects[in.Document.Object]) {
		t.Errorf("attachment is not the stored PDF")
	}
	ref := contract.Reference(testCaseID)
	if e.MessageID != wantID || e.To != "zoe@example.org" || e.ToName != "Zoë Lefèvre-Œuvray" ||
		e.AttachmentName != ref+".pdf" || e.FromName != f.a.Administration.Name {
		t.Errorf("Email headers = %+v", e)
	}
	if e.Subject != "["+ref+"] "+in.Draft.Subject {
		t.Errorf("Subject = %q", e.Subject)
	}
	if !strings.Contains(e.Text, ref) || !strings.Contains(e.Text, f.a.Administration.Contact) {
		t.Errorf("Text lacks the reference or the contact:\n%s", e.Text)
	}
}

func TestNotifyMessageIDFollowsTheDraftVersion(t *testing.T) {
	f := newFixture(t)
	in := notifyInput(t, f)
	in.Draft.Version = 3
	var n contract.Notification
	if err := f.run(t, f.a.Notify, in, &n); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if want := testCaseID + ".letter-v3@dossier"; n.MessageID != want {
		t.Errorf("MessageID = %q, want %q", n.MessageID, want)
	}
}

func TestNotifyRefusesAlteredDocument(t *testing.T) {
	tests := []struct {
		name  string
		alter func(f *fixture, in *contract.NotifyInput)
	}{
		{name: "stored bytes changed", alter: func(f *fixture, in *contract.NotifyInput) {
			f.store.objects[in.Document.Object] = append(f.store.objects[in.Document.Object], '\n')
		}},
		{name: "hash in the history differs", alter: func(f *fixture, in *contract.NotifyInput) {
			in.Document.SHA256 = strings.Repeat("0", 64)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			in := notifyInput(t, f)
			tt.alter(f, &in)
			var n contract.Notification
			err := f.run(t, f.a.Notify, in, &n)
			nonRetryable(t, err, "DocumentAltered")
			if len(f.mailer.sent) != 0 {
				t.Errorf("sent %d emails for an altered document", len(f.mailer.sent))
			}
		})
	}
}

func TestNotifyMissingDocumentIsRetried(t *testing.T) {
	f := newFixture(t)
	in := notifyInput(t, f)
	in.Document.Object = DocumentName(testCaseID, 9)
	var n contract.Notification
	err := f.run(t, f.a.Notify, in, &n)
	if err == nil || !strings.Contains(err.Error(), "letter-v9.pdf") {
		t.Fatalf("Notify = %v, want an error naming the missing object", err)
	}
	if len(f.mailer.sent) != 0 {
		t.Errorf("sent %d emails without a document", len(f.mailer.sent))
	}
}

func TestPublishEvent(t *testing.T) {
	tests := []struct {
		name      string
		event     contract.Event
		subject   string
		wantMsgID string
	}{
		{name: "drafted",
			event:   contract.Event{Type: contract.EventDrafted, CaseID: testCaseID, Stage: contract.StageAwaitingApproval, Version: 2},
			subject: "dossier.events.drafted", wantMsgID: testCaseID + ".drafted.2"},
		{name: "submitted has version 0",
			event:   contract.Event{Type: contract.EventSubmitted, CaseID: testCaseID, Stage: contract.StagePrefilling},
			subject: "dossier.events.submitted", wantMsgID: testCaseID + ".submitted.0"},
		{name: "failed with field errors",
			event: contract.Event{Type: contract.EventFailed, CaseID: testCaseID, Stage: contract.StageFailed,
				Errors: []contract.FieldError{{Field: "applicant.email", Message: "must be an email address"}}},
			subject: "dossier.events.failed", wantMsgID: testCaseID + ".failed.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.event.Template = "accuse-reception"
			tt.event.Time = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			if err := f.run(t, f.a.PublishEvent, tt.event, nil); err != nil {
				t.Fatalf("PublishEvent: %v", err)
			}
			if len(f.bus.msgs) != 1 {
				t.Fatalf("published %d messages, want 1", len(f.bus.msgs))
			}
			m := f.bus.msgs[0]
			if m.subject != tt.subject || m.msgID != tt.wantMsgID {
				t.Errorf("published on %q with msgID %q, want %q, %q", m.subject, m.msgID, tt.subject, tt.wantMsgID)
			}
			var env contract.Envelope
			if err := json.Unmarshal(m.data, &env); err != nil {
				t.Fatalf("payload is not JSON: %v", err)
			}
			if env.ID != tt.wantMsgID || env.Subject != tt.event.CaseID || env.Type != contract.EventTypePrefix+tt.event.Type || env.SpecVersion != "1.0" {
				t.Errorf("envelope %+v, want id %s, subject the case, type %s", env, tt.wantMsgID, tt.event.Type)
			}
			gotJSON, _ := json.Marshal(env.Data)
			wantJSON, _ := json.Marshal(tt.event)
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("payload = %s, want %s", gotJSON, wantJSON)
			}
		})
	}
}

type memVerify struct{ records []verification.Record }

func (m *memVerify) Put(_ context.Context, r verification.Record) error {
	m.records = append(m.records, r)
	return nil
}

// With a verification secret, the letter prints its code and the public
// page's URL, and the record that page shows holds no personal data.
func TestRenderPrintsTheVerificationCode(t *testing.T) {
	f := newFixture(t)
	store := &memVerify{}
	f.a.Verify = &Verify{Secret: []byte("secret"), BaseURL: "https://dossier.example/", Store: store}
	in := renderInput(t, f)
	doc := render(t, f, in)
	want := verification.Code([]byte("secret"), in.Case.CaseID, in.Draft.Version)
	text := flatten(pdftest.Text(t, f.store.objects[doc.Object]))
	if doc.VerificationCode != want || !strings.Contains(text, want) || !strings.Contains(text, "https://dossier.example/verify") {
		t.Fatalf("code %q (want %q) not printed with its URL", doc.VerificationCode, want)
	}
	if len(store.records) != 1 {
		t.Fatalf("%d verification records, want 1", len(store.records))
	}
	r := store.records[0]
	if r.SHA256 != doc.SHA256 || r.Subject != in.Draft.Subject || r.Administration == "" || r.Date != in.ApprovedAt.Format("2006-01-02") {
		t.Errorf("record %+v", r)
	}
}
