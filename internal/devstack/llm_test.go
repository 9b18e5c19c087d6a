package devstack_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/intake"
	"github.com/dossier/dossier/internal/llm"
	"github.com/dossier/dossier/internal/llm/llmtest"
	"github.com/dossier/dossier/templates"
)

// modelLetter rewords accuse-reception for submission(): the facts exactly
// as the template prints them, the wording the model's.
const modelLetter = `Madame, Monsieur,

Nous avons bien reçu, le %[2]s, votre demande relative à l'objet suivant : « inscription sur les listes électorales ». Elle est instruite par nos services (Service Relations usagers).

Elle est enregistrée sous la référence %[1]s, à rappeler dans toute correspondance.

Sauf demande de pièces complémentaires, l'administration dispose de 2 mois pour vous répondre, soit jusqu'au %[3]s. À défaut de réponse à cette date, votre demande sera réputée acceptée (silence vaut acceptation).

Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.`

// TestModelDraftToApprovedLetter runs a case drafted by a model: the draft
// records its provenance, the caseworker edits and approves it, and how
// much of the model's text was kept becomes a search attribute.
func TestModelDraftToApprovedLetter(t *testing.T) {
	// The letter quotes the case's reference, which the idempotency key fixes.
	id := intake.CaseID("http", "legacy", "llm-1")
	received := templates.FormatDateFR(receivedOn)
	due := templates.FormatDateFR(templates.AddMonths(time.Date(receivedOn.Year(), receivedOn.Month(), receivedOn.Day(), 0, 0, 0, 0, time.UTC), 2))
	srv := llmtest.New(t, llmtest.Reply{Text: fmt.Sprintf(modelLetter, contract.Reference(id), received, due)})
	models := llm.Registry{Default: "local", Models: map[string]llm.Model{"local": {URL: srv.URL(), Model: "mistral-small-3.2-24b"}}}
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true, Models: models})
	client(t, app, "dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", submission("Zoë Lefèvre-Œuvray"), nil, "Idempotency-Key", "llm-1")
	camille := client(t, app, "dev-camille")
	c := camille.waitStage(id, contract.StageAwaitingApproval)
	if c.Draft.Drafter != "llm" || c.Draft.Model != "mistral-small-3.2-24b" || len(c.Draft.PromptHash) != 64 || len(c.Draft.Guardrails) != 6 {
		t.Fatalf("draft: drafter %s model %s hash %q guardrails %d flags %v", c.Draft.Drafter, c.Draft.Model, c.Draft.PromptHash, len(c.Draft.Guardrails), c.Draft.Flags)
	}
	edited := strings.Replace(c.Draft.Body, "à rappeler dans toute correspondance", "que nous vous invitons à rappeler dans toute correspondance", 1)
	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+id+"/review", map[string]any{"decision": "approve", "version": 1, "body": edited}, nil)
	done := camille.waitStage(id, contract.StageCompleted)
	kept := done.Reviews[0].KeptRatio
	if kept == nil || *kept >= 1 || *kept < 0.9 || done.Reviews[0].Drafter != "llm" {
		t.Errorf("kept ratio %v drafter %q, want a little under 1 for an edited model draft", kept, done.Reviews[0].Drafter)
	}
	eventually(t, "indicator search attributes", func() error {
		resp, err := app.Client().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: "CaseDrafter = 'llm' AND CaseKeptRatio < 1 AND CaseKeptRatio > 0.9"})
		if err != nil || len(resp.GetExecutions()) != 1 {
			return fmt.Errorf("visibility query found %d cases (%v)", len(resp.GetExecutions()), err)
		}
		return nil
	})
	keepHistory(t, app, id, "llm-drafted-edited-approved")
}
