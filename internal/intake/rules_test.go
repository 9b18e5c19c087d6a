package intake

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier/dossier/internal/contract"
	"github.com/dossier/dossier/templates"
)

// terrace is a French-only template with Dossier's own rules and a field
// prefilled from a legacy system.
const terrace = `id: terrasse
version: 1
languages: [fr]
title: {fr: Terrasse}
subject: {fr: Terrasse}
approval: {roles: [caseworker], approvals: 1}
fields:
  - {name: code, validate: "required,max=20", label: {fr: Code}}
  - name: adresse
    validate: required,max=200
    label: {fr: Adresse}
    prefill: {query: voirie.emplacement, key: code, field: adresse, if_unavailable: wait, if_not_found: fail}
  - {name: debut, validate: "required,datetime=2006-01-02", label: {fr: Début}}
  - {name: fin, validate: "required,datetime=2006-01-02,after=debut", label: {fr: Fin}}
  - {name: redevance, validate: "required,eur", label: {fr: Redevance}}
  - {name: rna_number, validate: "omitempty,rna", label: {fr: Numéro RNA}}
  - {name: pieces, validate: "omitempty,maxlines=2", label: {fr: Pièces}}
`

func terraceValidator(t *testing.T) *Validator {
	t.Helper()
	catalog, err := templates.LoadFS(fstest.MapFS{
		"terrasse/manifest.yaml": {Data: []byte(terrace)},
		"terrasse/fr.tmpl":       {Data: []byte("Bonjour")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return NewValidator(catalog)
}

func terraceSubmission(edit func(f map[string]string)) contract.Submission {
	s := contract.Submission{Template: "terrasse", Language: "fr",
		Applicant: contract.Applicant{Name: "Café du Port", Email: "cafe@example.org", Address: []string{"1 quai"}},
		Facts:     map[string]string{"code": "TER-0042", "debut": "2027-04-01", "fin": "2027-09-30", "redevance": "1250.50"}}
	if edit != nil {
		edit(s.Facts)
	}
	return s
}

func TestDossierRules(t *testing.T) {
	v := terraceValidator(t)
	tests := []struct {
		name     string
		edit     func(map[string]string)
		complete bool
		wantErr  []wantField
	}{
		{name: "prefilled field may be absent on arrival"},
		{name: "prefilled field is required once prefilled", complete: true,
			wantErr: []wantField{{"facts.adresse", "required"}}},
		{name: "prefilled field given by the citizen is checked on arrival",
			edit:    func(f map[string]string) { f["adresse"] = string(make([]byte, 201)) },
			wantErr: []wantField{{"facts.adresse", "max=200"}}},
		{name: "end before start", edit: func(f map[string]string) { f["fin"] = "2027-03-31" },
			wantErr: []wantField{{"facts.fin", "after=debut"}}},
		{name: "end on the start day", edit: func(f map[string]string) { f["fin"] = "2027-04-01" },
			wantErr: []wantField{{"facts.fin", "after=debut"}}},
		{name: "amount with a comma", edit: func(f map[string]string) { f["redevance"] = "1250,50" },
			wantErr: []wantField{{"facts.redevance", "eur"}}},
		{name: "amount with three decimals", edit: func(f map[string]string) { f["redevance"] = "1.005" },
			wantErr: []wantField{{"facts.redevance", "eur"}}},
		{name: "negative amount", edit: func(f map[string]string) { f["redevance"] = "-3" },
			wantErr: []wantField{{"facts.redevance", "eur"}}},
		{name: "RNA number", edit: func(f map[string]string) { f["rna_number"] = "W491001234" }},
		{name: "bad RNA number", edit: func(f map[string]string) { f["rna_number"] = "W49100123" },
			wantErr: []wantField{{"facts.rna_number", "rna"}}},
		{name: "two lines", edit: func(f map[string]string) { f["pieces"] = "RIB\n\nstatuts\n" }},
		{name: "three lines", edit: func(f map[string]string) { f["pieces"] = "RIB\nstatuts\nbilan" },
			wantErr: []wantField{{"facts.pieces", "maxlines=2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := terraceSubmission(tt.edit)
			err := v.Validate(sub)
			if tt.complete {
				err = v.ValidateComplete(sub)
			}
			checkFields(t, err, tt.wantErr)
		})
	}
}

func TestLanguageTheTemplateLacks(t *testing.T) {
	sub := terraceSubmission(nil)
	sub.Language = "en"
	checkFields(t, terraceValidator(t).Validate(sub), []wantField{{"language", "language"}})
}

func TestNotFutureFollowsTheCalendarInParis(t *testing.T) {
	defer func(old func() time.Time) { Today = old }(Today)
	// 23:30 UTC on 31 December is already 1 January in Paris.
	Today = func() time.Time { return time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) }
	v := newTestValidator(t)
	sub := with(func(s *contract.Submission) { s.Facts["received_on"] = "2027-01-01" })
	checkFields(t, v.Validate(sub), nil)
	sub.Facts["received_on"] = "2027-01-02"
	checkFields(t, v.Validate(sub), []wantField{{"facts.received_on", "notfuture"}})
}

func TestNotAbove(t *testing.T) {
	catalog, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	v := NewValidator(catalog)
	tmpl, _ := catalog.Get("occupation-domaine-public")
	ex, err := tmpl.ExampleSubmission()
	if err != nil {
		t.Fatal(err)
	}
	sub := contract.Submission{Template: ex.Template, Language: ex.Language, Facts: ex.Facts,
		Applicant: contract.Applicant{Name: ex.Applicant.Name, Email: ex.Applicant.Email, Address: ex.Applicant.Address}}
	checkFields(t, v.ValidateComplete(sub), nil)
	sub.Facts["surface_m2"] = "31"
	sub.Facts["max_surface_m2"] = "30"
	checkFields(t, v.ValidateComplete(sub), []wantField{{"facts.surface_m2", "notabove=max_surface_m2"}})
}
