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
	// The association still uses its former name; the national register
	// (legacy.rna.association) knows the new one: the caseworker sees a conflict.
	{Template: "subvention-attribution", Language: "fr",
		Applicant: contract.Applicant{Name: "Noémie Lefort-Duchêne", Email: "contact@treteaux-oeil.example.org",
			Address: []string{"Compagnie Les Tréteaux de l'Œil", "8 place de l'Église", "49000 Montreuil-sur-Loire"}},
		Facts: map[string]string{"rna_number": "W491003456", "association_name": "Compagnie théâtrale Les Tréteaux",
			"amount": "3200.00", "purpose": "la création d'un spectacle itinérant joué dans les quartiers de la commune", "year": "2027",
			"deliberation_number": "2026-118", "deliberation_date": "2026-10-15", "payment": "single"}},
	// The location's address, surface and fee come from the road registry
	// (legacy.voirie.emplacement).
	{Template: "occupation-domaine-public", Language: "fr",
		Applicant: contract.Applicant{Name: "Íñigo Núñez Łukasiewicz", Email: "bistrot@example.net",
			Address: []string{"SARL Le Bistrot des Tanneurs", "14 place du Ralliement", "49000 Montreuil-sur-Loire"}},
		Facts: map[string]string{"business_name": "Le Bistrot des Tanneurs", "received_on": "2026-11-05", "location_code": "TER-0042",
			"surface_m2": "24", "occupation_type": "terrasse ouverte (tables, chaises et parasols)", "start_date": "2027-03-01",
			"end_date": "2027-10-31", "opening_hours": "tous les jours, de 8 h à 22 h 30", "total_fee": "2058.00"}},
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
