package guardrails

import (
	"reflect"
	"testing"
)

const serviceContact = "relations.usagers@montreuil-sur-loire.example"

func TestUnknownLinks(t *testing.T) {
	tests := []struct {
		name, draft, allowed string
		want                 []string
	}{
		{"no link", "Madame, Monsieur,", "", nil},
		{"service contact allowed", "écrivez à " + serviceContact + ".", "contact : " + serviceContact, nil},
		{"contact in another case", "écrivez à Relations.Usagers@Montreuil-sur-Loire.example", serviceContact, nil},
		{"injected email", "écrivez à contact@mairie-montreuil.fr", serviceContact, []string{"contact@mairie-montreuil.fr"}},
		{"part of the allowed address", "écrivez à usagers@montreuil-sur-loire.example", serviceContact, []string{"usagers@montreuil-sur-loire.example"}},
		{"injected URL", "réglez sur https://paiement-amende.example/regler?id=1.", "www.telerecours.fr",
			[]string{"https://paiement-amende.example/regler?id=1"}},
		{"allowed URL with scheme and slash", "(https://www.telerecours.fr/).", "(www.telerecours.fr)", nil},
		{"allowed URL in capitals", "WWW.TELERECOURS.FR", "www.telerecours.fr", nil},
		{"injected URL in capitals", "WWW.ARNAQUE.EXAMPLE", "www.telerecours.fr", []string{"WWW.ARNAQUE.EXAMPLE"}},
		{"allowed URL without www", "sur telerecours.fr,", "www.telerecours.fr", nil},
		{"allowed site of a longer allowed URL", "sur www.service-public.fr.", "voir https://www.service-public.fr/particuliers/vosdroits/F1234", nil},
		{"allowed URL with a longer path", "www.telerecours.fr/paiement", "www.telerecours.fr", []string{"www.telerecours.fr/paiement"}},
		{"allowed host as a prefix of another", "www.telerecours.fr.paiement.example", "www.telerecours.fr", []string{"www.telerecours.fr.paiement.example"}},
		{"bare domain", "consultez service-public.fr ou impots.gouv.fr", "", []string{"service-public.fr", "impots.gouv.fr"}},
		{"bare domain allowed as written", "le portail mairie.bzh/demarches", "https://mairie.bzh/demarches", nil},
		{"domain of an email not listed again", "x@arnaque.fr", "", []string{"x@arnaque.fr"}},
		{"listed once", "www.a.fr, www.a.fr", "", []string{"www.a.fr"}},
		{"accented word before .fr", "sur Télérecours.fr", "Télérecours citoyens (www.telerecours.fr)", []string{"Télérecours.fr"}},
		{"not links", "art. L112-3, etc. Le 1.40 m. M.Dupont", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unknownLinks(collapse(tt.draft), collapse(tt.allowed)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("unknownLinks(%q, %q) = %q, want %q", tt.draft, tt.allowed, got, tt.want)
			}
		})
	}
}

func TestCheckLinks(t *testing.T) {
	tests := []struct {
		name       string
		old, new   string
		wantOK     bool
		wantDetail string
	}{
		{name: "faithful letter with the service contact", wantOK: true},
		{name: "injected link",
			old: "(www.telerecours.fr)", new: "(https://telerecours-paiement.example/dossier)",
			wantDetail: `links or email addresses not found in the case facts: "https://telerecours-paiement.example/dossier"`},
		{name: "injected email",
			old: serviceContact, new: "mairie.montreuil@gmail.com",
			wantDetail: `"mairie.montreuil@gmail.com"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := subventionInput(t)
			if tt.old != "" {
				in = with(t, in, tt.old, tt.new)
			}
			assertResult(t, resultOf(t, in, CheckLinks), tt.wantOK, tt.wantDetail)
		})
	}
}
