package devstack_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/devstack"
	"github.com/dossier/dossier/internal/legacysim"
)

// grant is a subvention-attribution submission whose association name and
// SIRET are left for the national register (legacy.rna.association).
func grant(rna string, extra map[string]string) contract.Submission {
	facts := map[string]string{"rna_number": rna, "amount": "4500.00", "purpose": "aménagement de parcelles accessibles",
		"year": "2026", "deliberation_number": "2026-118", "deliberation_date": "2026-10-15", "payment": "single"}
	for k, v := range extra {
		facts[k] = v
	}
	return contract.Submission{Template: "subvention-attribution", Language: "fr", Facts: facts,
		Applicant: contract.Applicant{Name: "Hélène Bérard", Email: "h@example.org", Address: []string{"3 rue de la Fraternité", "49000 Montreuil-sur-Loire"}}}
}

// TestPrefillWaitsOutALegacyOutage: with the register down the case waits
// in prefill and says why; once the register is back, it goes on with the
// register's values and their provenance.
func TestPrefillWaitsOutALegacyOutage(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	app.LegacySim().Stop() // the outage: nobody answers legacy.>
	camille := client(t, app, "dev-camille")
	var created struct{ ID string }
	camille.as("dev-legacy").want(http.StatusCreated, "POST", "/api/v1/cases", grant("W491012345", nil), &created)

	eventually(t, "case waiting for the register", func() error {
		c := camille.get(created.ID)
		if c.Stage != contract.StagePrefilling || len(c.Waiting) == 0 || !strings.Contains(c.Waiting[0].LastFailure, "rna.association is unavailable") {
			return fmt.Errorf("stage %s, waiting %+v", c.Stage, c.Waiting)
		}
		return nil
	})

	nc, err := nats.Connect(app.NATSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	sim, err := legacysim.Start(nc, slog.Default()) // the register is back
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Stop()
	c := camille.waitStage(created.ID, contract.StageAwaitingApproval)
	if c.Facts["association_name"] != "Les Jardins partagés du Val" || c.Sources["association_name"].Query != "rna.association" {
		t.Errorf("facts %v sources %v, want the register's name with its provenance", c.Facts, c.Sources)
	}
	if !strings.Contains(c.Draft.Body, "Les Jardins partagés du Val") {
		t.Errorf("draft does not use the prefilled name:\n%s", c.Draft.Body)
	}
}

// TestPrefillConflictAndNotFound: a contradiction reaches the caseworker
// as a flag, the submitted value kept; a record the register does not have
// fails the case with the reason, before any draft.
func TestPrefillConflictAndNotFound(t *testing.T) {
	app := start(t, t.TempDir(), devstack.Options{NoUI: true, NoDemo: true})
	camille := client(t, app, "dev-camille")
	legacy := camille.as("dev-legacy")

	var conflict, missing struct{ ID string }
	legacy.want(http.StatusCreated, "POST", "/api/v1/cases", grant("W491003456", map[string]string{"association_name": "Compagnie théâtrale Les Tréteaux"}), &conflict)
	legacy.want(http.StatusCreated, "POST", "/api/v1/cases", grant("W499999999", nil), &missing)

	c := camille.waitStage(conflict.ID, contract.StageAwaitingApproval)
	if len(c.Flags) != 1 || c.Flags[0].Kind != "conflict" || c.Flags[0].Legacy != "Compagnie théâtrale Les Tréteaux de l'Œil" {
		t.Errorf("flags %+v, want the register's name as a conflict", c.Flags)
	}
	if c.Facts["association_name"] != "Compagnie théâtrale Les Tréteaux" {
		t.Errorf("the submitted name was overwritten: %q", c.Facts["association_name"])
	}
	f := camille.waitStage(missing.ID, contract.StageFailed)
	if !strings.Contains(f.Failure, "has no record W499999999") || !hasField(f.FieldErrors, "facts.rna_number") || f.Draft != nil {
		t.Errorf("failure %q, fields %+v, draft %v", f.Failure, f.FieldErrors, f.Draft)
	}
	keepHistory(t, app, missing.ID, "failed-prefill-not-found-lean")

	camille.want(http.StatusOK, "POST", "/api/v1/cases/"+conflict.ID+"/review", map[string]any{"decision": "approve", "version": 1}, nil)
	camille.waitStage(conflict.ID, contract.StageCompleted)
	keepHistory(t, app, conflict.ID, "prefilled-with-conflict-approved")
}
