package activities

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// memStore is an in-memory DocumentStore that counts writes.
type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
	puts    int
}

func (s *memStore) Put(_ context.Context, name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.objects == nil {
		s.objects = map[string][]byte{}
	}
	s.objects[name] = slices.Clone(data)
	s.puts++
	return nil
}

func (s *memStore) Get(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.objects[name]
	if !ok {
		return nil, errors.New("memstore: no object " + name)
	}
	return slices.Clone(data), nil
}

// published is one message given to memBus.
type published struct {
	subject, msgID string
	data           []byte
}

// memBus is an in-memory Publisher that records every message.
type memBus struct {
	mu   sync.Mutex
	msgs []published
}

func (b *memBus) Publish(_ context.Context, subject, msgID string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, published{subject, msgID, slices.Clone(data)})
	return nil
}

// memMail is an in-memory Mailer that records every email.
type memMail struct {
	mu   sync.Mutex
	sent []Email
}

func (m *memMail) Deliver(_ context.Context, e Email) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, e)
	return "memory://" + e.MessageID, nil
}

// fixture is an Activities with in-memory fakes, the real catalogue and the
// real PDF renderer, registered in a test activity environment.
type fixture struct {
	a      *Activities
	env    *testsuite.TestActivityEnvironment
	store  *memStore
	bus    *memBus
	mailer *memMail
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	catalog, err := templates.Load()
	if err != nil {
		t.Fatalf("templates.Load: %v", err)
	}
	renderer, err := pdf.NewRenderer()
	if err != nil {
		t.Fatalf("pdf.NewRenderer: %v", err)
	}
	f := &fixture{store: &memStore{}, bus: &memBus{}, mailer: &memMail{}}
	f.a = &Activities{
		Catalog:        catalog,
		Validator:      intake.NewValidator(catalog),
		Administration: config.Dev().Administration,
		Renderer:       renderer,
		Documents:      f.store,
		Events:         f.bus,
		Mail:           f.mailer,
	}
	var suite testsuite.WorkflowTestSuite
	f.env = suite.NewTestActivityEnvironment()
	f.env.RegisterActivity(f.a)
	return f
}

// run executes activity fn with arg and decodes its result into out
// (nil for an activity that returns only an error).
func (f *fixture) run(t *testing.T, fn, arg, out any) error {
	t.Helper()
	val, err := f.env.ExecuteActivity(fn, arg)
	if err != nil || out == nil {
		return err
	}
	if err := val.Get(out); err != nil {
		t.Fatalf("decode result: %v", err)
	}
	return nil
}

const testCaseID = "6f1c2a4e-3b1d-4c8e-9a7f-2d4b6e8f0a1c"

// caseInput returns a valid case for accuse-reception.
func caseInput() contract.CaseInput {
	return contract.CaseInput{
		CaseID: testCaseID,
		Submission: contract.Submission{
			Template: "accuse-reception",
			Language: "fr",
			Applicant: contract.Applicant{
				Name:    "Zoë Lefèvre-Œuvray",
				Email:   "zoe@example.org",
				Address: []string{"12 rue des Écoles", "44000 Nantes"},
			},
			Facts: map[string]string{
				"request_subject": "inscription sur les listes électorales",
				"received_on":     "2026-11-20",
			},
		},
		SubmittedBy: contract.Actor{ID: "legacy", Roles: []string{contract.RoleIntegrator}},
		Channel:     "http",
		SubmittedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
	}
}

// nonRetryable fails the test unless err carries a non-retryable
// *temporal.ApplicationError of type wantType, and returns it.
func nonRetryable(t *testing.T, err error, wantType string) *temporal.ApplicationError {
	t.Helper()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		t.Fatalf("error = %v (%T), want a *temporal.ApplicationError", err, err)
	}
	if appErr.Type() != wantType || !appErr.NonRetryable() {
		t.Fatalf("error type %q, non-retryable %v; want %q, true (%v)", appErr.Type(), appErr.NonRetryable(), wantType, err)
	}
	return appErr
}

func TestPrefillInvalid(t *testing.T) {
	f := newFixture(t)
	in := caseInput()
	in.Submission.Applicant.Email = "not-an-email"
	in.Submission.Facts["received_on"] = "20/11/2026"

	var res contract.PrefillResult
	err := f.run(t, f.a.Prefill, in, &res)
	appErr := nonRetryable(t, err, contract.ErrTypeInvalidSubmission)
	if !appErr.HasDetails() {
		t.Fatalf("no details on %v", appErr)
	}
	var fields []contract.FieldError
	if err := appErr.Details(&fields); err != nil {
		t.Fatalf("decode details: %v", err)
	}
	want := []string{"applicant.email", "facts.received_on"}
	var got []string
	for _, fe := range fields {
		got = append(got, fe.Field)
		if fe.Message == "" {
			t.Errorf("field %s has no message", fe.Field)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("detail fields = %v, want %v", got, want)
	}
}

func TestPrefillValid(t *testing.T) {
	f := newFixture(t)
	in := caseInput()
	var res contract.PrefillResult
	if err := f.run(t, f.a.Prefill, in, &res); err != nil {
		t.Fatalf("Prefill: %v", err)
	}
	tmpl, _ := f.a.Catalog.Get("accuse-reception")
	if res.TemplateVersion != tmpl.Version || res.TemplateVersion < 1 {
		t.Errorf("TemplateVersion = %d, want %d", res.TemplateVersion, tmpl.Version)
	}
	if !maps.Equal(res.Facts, in.Submission.Facts) {
		t.Errorf("Facts = %v, want %v", res.Facts, in.Submission.Facts)
	}
}

// TestPrefillCopiesFacts calls the method directly: through the test
// environment every value is serialised anyway, which would hide sharing.
func TestPrefillCopiesFacts(t *testing.T) {
	f := newFixture(t)
	in := caseInput()
	res, err := f.a.Prefill(context.Background(), in)
	if err != nil {
		t.Fatalf("Prefill: %v", err)
	}
	res.Facts["request_subject"] = "changed"
	if in.Submission.Facts["request_subject"] == "changed" {
		t.Errorf("Prefill returned the submission's own facts map, not a copy")
	}
}

// draftInput returns the input of draft version for caseInput.
func draftInput(t *testing.T, f *fixture, version int) contract.DraftInput {
	t.Helper()
	in := caseInput()
	tmpl, err := f.a.Catalog.Get(in.Submission.Template)
	if err != nil {
		t.Fatal(err)
	}
	return contract.DraftInput{
		Case:    in,
		Prefill: contract.PrefillResult{TemplateVersion: tmpl.Version, Facts: maps.Clone(in.Submission.Facts)},
		Version: version,
	}
}

func TestDraft(t *testing.T) {
	f := newFixture(t)
	in := draftInput(t, f, 2)
	in.Comment = "Merci de préciser le service."
	var d contract.Draft
	if err := f.run(t, f.a.Draft, in, &d); err != nil {
		t.Fatalf("Draft: %v", err)
	}
	tmpl, _ := f.a.Catalog.Get("accuse-reception")
	if d.Version != 2 || d.Drafter != DrafterTemplate || d.Template != "accuse-reception" ||
		d.TemplateVersion != tmpl.Version || d.Comment != in.Comment {
		t.Errorf("Draft = version %d, drafter %q, template %s v%d, comment %q",
			d.Version, d.Drafter, d.Template, d.TemplateVersion, d.Comment)
	}
	if d.Model != "" || d.PromptHash != "" {
		t.Errorf("template drafter claims a model: %q %q", d.Model, d.PromptHash)
	}
	ref := contract.Reference(testCaseID)
	if ref != "DOS-6F1C2A4E" {
		t.Fatalf("Reference = %q", ref)
	}
	for _, want := range []string{ref, "inscription sur les listes électorales", "20 novembre 2026",
		"20 janvier 2027", f.a.Administration.Service} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, d.Body)
		}
	}
	if !strings.Contains(d.Subject, "inscription sur les listes électorales") {
		t.Errorf("Subject = %q", d.Subject)
	}
	contact := "Pour toute question : " + f.a.Administration.Contact + "."
	if !slices.Equal(d.Mentions, append(slices.Clone(tmpl.Mentions["fr"]), contact)) || len(tmpl.Mentions["fr"]) == 0 {
		t.Errorf("Mentions = %q, want the template's and the service's contact", d.Mentions)
	}
}

func TestDraftRefuses(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(in *contract.DraftInput)
		wantType string
	}{
		{name: "pinned template version the catalogue no longer has",
			edit:     func(in *contract.DraftInput) { in.Prefill.TemplateVersion++ },
			wantType: "TemplateVersionGone"},
		{name: "unknown template",
			edit:     func(in *contract.DraftInput) { in.Case.Submission.Template = "nope" },
			wantType: "TemplateVersionGone"},
		{name: "malformed receipt date",
			edit:     func(in *contract.DraftInput) { in.Prefill.Facts["received_on"] = "hier" },
			wantType: contract.ErrTypeInvalidSubmission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			in := draftInput(t, f, 1)
			tt.edit(&in)
			var d contract.Draft
			err := f.run(t, f.a.Draft, in, &d)
			nonRetryable(t, err, tt.wantType)
		})
	}
}
