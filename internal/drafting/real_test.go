package drafting

import (
	"context"
	"testing"

	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/templates"
)

// TestRealModel drafts every template's example letter with the model that
// DOSSIER_LLM_URL and DOSSIER_LLM_MODEL name (DOSSIER_LLM_API_KEY if it
// needs one), and prints what the guardrails found. It is skipped when no
// model is configured.
func TestRealModel(t *testing.T) {
	m, ok := llm.FromEnv()
	if !ok {
		t.Skip("skipped: set DOSSIER_LLM_URL (e.g. http://127.0.0.1:11434/v1) and DOSSIER_LLM_MODEL to draft real letters with a model")
	}
	c, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	client := llm.NewClient(m)
	for _, tmpl := range c.All() {
		for _, lang := range tmpl.Languages {
			t.Run(tmpl.Key()+"/"+lang, func(t *testing.T) {
				req := exampleRequest(t, tmpl, lang)
				d, err := Draft(context.Background(), client, req)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range d.Attempts {
					if a.Error != "" {
						t.Fatalf("the model at %s could not draft: %s", m.URL, a.Error)
					}
				}
				t.Logf("drafter %s, model %s, %d attempts, %d+%d tokens, %d ms, flags %v\n%s",
					d.Drafter, d.ModelServed, len(d.Attempts), d.PromptTokens, d.CompletionTokens, d.LatencyMS, d.Flags, d.Body)
			})
		}
	}
}

func exampleRequest(t *testing.T, tmpl *templates.Template, lang string) Request {
	t.Helper()
	ex, err := tmpl.ExampleSubmission()
	if err != nil {
		t.Fatal(err)
	}
	data, err := tmpl.DataFor("DOS-6F1C2A4E", templates.Applicant{Name: ex.Applicant.Name, Address: ex.Applicant.Address}, ex.Facts,
		templates.Service{Administration: "Ville de Montreuil-sur-Loire", Service: "Service Relations usagers", Contact: "relations.usagers@montreuil-sur-loire.example"})
	if err != nil {
		t.Fatal(err)
	}
	letter, err := tmpl.Execute(lang, data)
	if err != nil {
		t.Fatal(err)
	}
	return Request{Language: lang, Template: tmpl, Skeleton: letter, Data: data}
}
