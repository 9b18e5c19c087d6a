package devstack

import (
	"context"
	"fmt"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/cases"
	"github.com/dossier/dossier/internal/contract"
)

// demoSubmissions are the cases a first `dossier dev` opens, so that the
// inbox is not empty. They come from the demo integrator account, so a
// caseworker may approve them.
var demoSubmissions = []contract.Submission{
	{Template: "accuse-reception", Language: "fr",
		Applicant: contract.Applicant{Name: "Zoë Lefèvre-Œuvray", Email: "zoe.lefevre@example.org",
			Address: []string{"12 rue des Écoles", "44000 Nantes"}},
		Facts: map[string]string{"request_subject": "autorisation d'occupation temporaire du domaine public pour une terrasse", "received_on": "2026-11-20"}},
	{Template: "accuse-reception", Language: "fr",
		Applicant: contract.Applicant{Name: "Association « Les Jardins partagés »", Email: "contact@jardins-partages.example.org",
			Address: []string{"Maison des associations", "3 allée des Tilleuls", "49000 Montreuil-sur-Loire"}},
		Facts: map[string]string{"request_subject": "demande de subvention de fonctionnement pour 2027", "received_on": "2026-11-18"}},
	{Template: "accuse-reception", Language: "fr",
		Applicant: contract.Applicant{Name: "Íñigo Núñez Łukasiewicz", Email: "inigo.nunez@example.net",
			Address: []string{"7 chemin du Moulin", "Lieu-dit La Garenne", "49000 Montreuil-sur-Loire"}},
		Facts: map[string]string{"request_subject": "communication de documents administratifs relatifs au permis de construire n° PC 049 123 26 00042", "received_on": "2026-11-24"}},
}

// seedDemo opens the demo cases with fixed idempotency keys: running it
// again never opens them twice.
func seedDemo(ctx context.Context, svc *cases.Service) ([]string, error) {
	by := demoSubmitter()
	ids := make([]string, 0, len(demoSubmissions))
	for i, sub := range demoSubmissions {
		id, _, err := svc.Submit(ctx, cases.Submission{Body: sub, By: by, Channel: "demo", Key: fmt.Sprintf("demo-%d", i+1)})
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func demoSubmitter() contract.Actor {
	for _, acc := range config.Dev().Accounts {
		if acc.ID == "legacy" {
			return contract.Actor{ID: acc.ID, Name: acc.Name, Roles: acc.Roles}
		}
	}
	return contract.Actor{ID: "legacy", Roles: []string{contract.RoleIntegrator}}
}
