package activities

import (
	"context"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/bus"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/llm/llmtest"
)

// modelLetter is a faithful rewording of accuse-reception for caseInput().
const modelLetter = `Madame, Monsieur,

Nous avons bien reçu, le 20 novembre 2026, votre demande relative à l'objet suivant : « inscription sur les listes électorales ». Elle est instruite par nos services (Service Relations usagers).

Elle est enregistrée sous la référence DOS-6F1C2A4E, à rappeler dans toute correspondance.

Sauf demande de pièces complémentaires, l'administration dispose de 2 mois pour vous répondre, soit jusqu'au 20 janvier 2027. À défaut de réponse à cette date, votre demande sera réputée acceptée (silence vaut acceptation).

Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.`

// withModel gives the fixture a model answering with script and the real
// draft cache in the NATS key-value store.
func withModel(t *testing.T, script ...llmtest.Reply) (*legacyFixture, *llmtest.Server) {
	t.Helper()
	f := newLegacyFixture(t)
	b := f.a.Legacy.(*bus.Bus)
	if err := b.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(t, script...)
	f.a.Models = llm.Registry{Default: "local", Models: map[string]llm.Model{"local": {URL: srv.URL(), Model: "mistral-small-3.2-24b"}}}
	f.a.Drafts = b.Drafts()
	return f, srv
}

// A retry of the draft activity (after a crash between the model's answer
// and the workflow's record of it) returns the draft already written
// instead of asking the model for another one.
func TestModelDraftIsWrittenOnce(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter})
	in := draftInput(t, f.fixture, 1)
	var first, again contract.Draft
	if err := f.run(t, f.a.Draft, in, &first); err != nil {
		t.Fatal(err)
	}
	if err := f.run(t, f.a.Draft, in, &again); err != nil {
		t.Fatal(err)
	}
	if first.Drafter != "llm" || first.Body != modelLetter || first.Model != "mistral-small-3.2-24b" || len(first.PromptHash) != 64 {
		t.Fatalf("first draft: drafter %s model %s hash %q flags %v", first.Drafter, first.Model, first.PromptHash, first.Flags)
	}
	if again.Body != first.Body || again.PromptHash != first.PromptHash || len(srv.Asked()) != 1 {
		t.Errorf("the retry asked the model %d times and drafted %q", len(srv.Asked()), again.Body)
	}
	if first.Version != 1 || first.Template != "accuse-reception" || len(first.Mentions) < 2 {
		t.Errorf("version %d template %s mentions %d", first.Version, first.Template, len(first.Mentions))
	}
}

// A request for changes reaches the model with the comment and the draft
// it is about; the new version is checked like the first.
func TestRequestChangesRedraftsWithTheComment(t *testing.T) {
	f, srv := withModel(t, llmtest.Reply{Text: modelLetter})
	in := draftInput(t, f.fixture, 2)
	in.Comment, in.PreviousBody = "Indiquez le service qui instruit la demande.", "Version 1 du courrier."
	var d contract.Draft
	if err := f.run(t, f.a.Draft, in, &d); err != nil {
		t.Fatal(err)
	}
	prompt := srv.Asked()[0].Messages[1].Content
	if !strings.Contains(prompt, in.Comment) || !strings.Contains(prompt, in.PreviousBody) || d.Comment != in.Comment || d.Version != 2 {
		t.Errorf("comment not carried: draft %+v\nprompt:\n%s", d, prompt)
	}
}
