package templatecheck

import (
	"fmt"
	"testing"
	"time"

	"github.com/dossier/dossier/activities"
	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/internal/pdf/pdftest"
	"github.com/dossier/dossier/templates"
)

// TestEveryLetterHasItsBlocksInOrder renders every template's example in
// every language as the citizen receives it, and reads the PDF back: each
// block of a French administrative letter is there, in reading order.
func TestEveryLetterHasItsBlocksInOrder(t *testing.T) {
	catalog, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	admin := config.Dev().Administration
	for _, tmpl := range catalog.All() {
		for _, lang := range tmpl.Languages {
			t.Run(tmpl.Key()+"/"+lang, func(t *testing.T) {
				in := renderInput(t, catalog, tmpl, lang, admin)
				letter, err := activities.Layout(catalog, admin, in)
				if err != nil {
					t.Fatal(err)
				}
				letter.Verification = &pdf.Verification{Code: "K7QF-2MZD-X9TB-4WRC", URL: "http://127.0.0.1:8080/verify/K7QF-2MZD-X9TB-4WRC"}
				raw, err := renderer.Render(letter)
				if err != nil {
					t.Fatal(err)
				}
				text := pdftest.Flat(pdftest.Text(t, raw))
				blocks := []string{admin.Name, admin.Address[0], in.Case.Submission.Applicant.Name,
					in.Case.Submission.Applicant.Address[0], contract.Reference(in.Case.CaseID), pdftest.FirstWords(in.Draft.Subject, 4),
					salutation[lang], "K7QF-2MZD-X9TB-4WRC", "Camille Martin", pdftest.FirstWords(in.Draft.Mentions[0], 4), admin.Contact,
					fmt.Sprintf("%d/%d", pdftest.Pages(t, raw), pdftest.Pages(t, raw))}
				pdftest.InOrder(t, text, blocks)
			})
		}
	}
}

var salutation = map[string]string{"fr": "Madame, Monsieur,", "en": "Dear Sir or Madam,"}

func renderInput(t *testing.T, catalog *templates.Catalog, tmpl *templates.Template, lang string, admin config.Administration) contract.RenderInput {
	t.Helper()
	ex, err := tmpl.ExampleSubmission()
	if err != nil {
		t.Fatal(err)
	}
	caseID := "4a6a1111-d970-5b16-bb49-919ebb1537ff"
	data, err := tmpl.DataFor(contract.Reference(caseID), templates.Applicant{Name: ex.Applicant.Name, Address: ex.Applicant.Address}, ex.Facts,
		templates.Service{Administration: admin.Name, Service: admin.Service, Contact: admin.Contact})
	if err != nil {
		t.Fatal(err)
	}
	l, err := tmpl.Execute(lang, data)
	if err != nil {
		t.Fatal(err)
	}
	return contract.RenderInput{
		Case: contract.CaseInput{CaseID: caseID, Submission: contract.Submission{Template: tmpl.ID, Language: lang,
			Applicant: contract.Applicant{Name: ex.Applicant.Name, Email: ex.Applicant.Email, Address: ex.Applicant.Address}}},
		Draft:      contract.Draft{Version: 1, Subject: l.Subject, Body: l.Body, Mentions: l.Mentions, Drafter: "template"},
		Approver:   contract.Actor{ID: "camille", Name: "Camille Martin", Title: "Chargée de relations usagers"},
		ApprovedAt: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC),
	}
}
