package bench

import (
	"fmt"
	"time"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/templates"
)

// Example is one template's example letter in one language.
type Example struct {
	Name   string // "accuse-reception@3/fr"
	Letter pdf.Letter
}

// exampleCase is the case every example letter is written for.
const exampleCase = "4a6a1111-d970-5b16-bb49-919ebb1537ff"

// Examples lays out every template version's example in every language it
// speaks as the Render activity does for admin: the administration's logo,
// the mentions, and a verification code with its QR code. It fails on the
// first example that does not execute.
func Examples(catalog *templates.Catalog, admin config.Administration) ([]Example, error) {
	var out []Example
	for _, tmpl := range catalog.All() {
		for _, lang := range tmpl.Languages {
			in, err := exampleInput(tmpl, lang, admin)
			if err != nil {
				return nil, fmt.Errorf("example %s/%s: %w", tmpl.Key(), lang, err)
			}
			letter, err := activities.Layout(catalog, admin, in)
			if err != nil {
				return nil, fmt.Errorf("example %s/%s: %w", tmpl.Key(), lang, err)
			}
			const code = "K7QF-2MZD-X9TB-4WRC"
			letter.Verification = &pdf.Verification{Code: code, URL: "https://dossier.montreuil-sur-loire.example/verify/" + code}
			out = append(out, Example{Name: tmpl.Key() + "/" + lang, Letter: letter})
		}
	}
	return out, nil
}

// exampleInput is what the Render activity receives for tmpl's example in
// lang, drafted from the template and approved by a caseworker.
func exampleInput(tmpl *templates.Template, lang string, admin config.Administration) (contract.RenderInput, error) {
	ex, err := tmpl.ExampleSubmission()
	if err != nil {
		return contract.RenderInput{}, err
	}
	svc := templates.Service{Administration: admin.Name, Service: admin.Service, Contact: admin.Contact}
	data, err := tmpl.DataFor(contract.Reference(exampleCase), templates.Applicant{Name: ex.Applicant.Name, Address: ex.Applicant.Address}, ex.Facts, svc)
	if err != nil {
		return contract.RenderInput{}, err
	}
	l, err := tmpl.Execute(lang, data)
	if err != nil {
		return contract.RenderInput{}, err
	}
	return contract.RenderInput{
		Case: contract.CaseInput{CaseID: exampleCase, Submission: contract.Submission{Template: tmpl.ID, Language: lang,
			Applicant: contract.Applicant{Name: ex.Applicant.Name, Email: ex.Applicant.Email, Address: ex.Applicant.Address}}},
		Draft:      contract.Draft{Version: 1, Subject: l.Subject, Body: l.Body, Mentions: l.Mentions, Drafter: activities.DrafterTemplate},
		Approver:   contract.Actor{ID: "camille", Name: "Camille Martin", Title: "Chargée de relations usagers"},
		ApprovedAt: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC),
	}, nil
}
