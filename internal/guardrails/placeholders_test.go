package guardrails

import (
	"reflect"
	"testing"
)

func TestFindPlaceholders(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"Go template action", "Madame {{.Facts.applicant_name}},", []string{"{{.Facts.applicant_name}}"}},
		{"unclosed action", "Madame {{ nom,", []string{"{{"}},
		{"stray closing braces", "Madame nom }},", []string{"}}"}},
		{"Jinja tag", "{% if montant %}Montant{% endif %}", []string{"{% if montant %}", "{% endif %}"}},
		{"stray Jinja delimiters", "montant %} ou {% autre", []string{"%}", "{%"}},
		{"double brackets", "Madame [[NOM]],", []string{"[[NOM]]"}},
		{"bracketed capitals", "Madame [NOM], le [DATE]", []string{"[NOM]", "[DATE]"}},
		{"bracketed label with apostrophe", "l’association [Nom de l’association]", []string{"[Nom de l'association]"}},
		{"bracketed label with underscore", "[Montant_subvention]", []string{"[Montant_subvention]"}},
		{"angle placeholders", "Madame <nom>, le <DATE>", []string{"<nom>", "<DATE>"}},
		{"Go template missing key", "reçue le <no value>.", []string{"<no value>"}},
		{"XXX runs", "n° XXXX-XXX, xxx", []string{"XXXX", "XXX", "xxx"}},
		{"date to fill", "reçue le XX/XX/2026", []string{"XX/XX"}},
		{"blank to fill", "Signature : ______", []string{"______"}},
		{"TODO and friends", "TODO : vérifier. FIXME. Montant TBD", []string{"TODO", "FIXME", "TBD"}},
		{"Lorem ipsum", "Lorem ipsum dolor sit amet", []string{"Lorem ipsum"}},
		{"N/A alone", "Montant : N/A. Date : n/a", []string{"N/A", "n/a"}},
		{"dollar variables", "Madame $nom, le ${date}", []string{"$nom", "${date}"}},
		{"printf verbs", "la somme de %d € versée à %s, soit %.2f", []string{"%d", "%s", "%.2f"}},
		{"fmt error", "Madame %!s(MISSING),", []string{"%!s(MISSING)"}},
		{"single braces", "Madame {nom}, le {applicant.date}", []string{"{nom}", "{applicant.date}"}},
		{"value rendered empty", "l’établissement «  » situé ( )", []string{"« »", "( )"}},
		{"nested counted once", "[[NOM]] puis [[NOM]]", []string{"[[NOM]]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findPlaceholders(collapse(tt.text)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findPlaceholders(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFindPlaceholdersLeavesLookAlikes(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"guillemets", "l’établissement « Le Bistrot des Tanneurs »"},
		{"ASCII guillemets", "l’établissement <<Le Bistrot des Tanneurs>>"},
		{"article in parentheses", "(art. L112-3)"},
		{"numbered resolution", "délibération n° 2026-118"},
		{"sic", "il « a pris connaissance [sic] » puis [Sic] et [SIC]"},
		{"ellipsis in brackets", "« la commune […] décide [...] »"},
		{"footnote", "le règlement [1]"},
		{"our and your reference", "N/Réf. DOS-6F1C2A4E – V/Réf. : 12 – N/Aff. 7"},
		{"percentages", "une avance de 50 % puis 50% après"},
		{"percentages glued to a word", "50%des dossiers, 20%sur place"},
		{"roman numerals and names", "au XXe siècle, Xavier Dupont, art. XX"},
		{"dollar amounts", "$5 ou 100 $"},
		{"comparisons", "si le montant < 1 000 € et > 500 €"},
		{"email in angle brackets", "<relations.usagers@montreuil-sur-loire.example>"},
		{"URL in angle brackets", "<https://www.telerecours.fr>"},
		{"lower-case brackets", "[voir annexe]"},
		{"XXX inside a word", "taxxxe, XXXL"},
		{"bracket over 40 characters", "[Une phrase entre crochets bien plus longue que quarante caractères]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := findPlaceholders(collapse(tt.text)); got != nil {
				t.Errorf("findPlaceholders(%q) = %q, want none", tt.text, got)
			}
		})
	}
}

func TestCheckPlaceholders(t *testing.T) {
	tests := []struct {
		name       string
		old, new   string
		wantOK     bool
		wantDetail string
	}{
		{name: "faithful letter", wantOK: true},
		{name: "placeholder name",
			old: "Madame Hélène Bérard", new: "Madame [Prénom Nom]",
			wantDetail: `template placeholders or filler text left in the letter: "[Prénom Nom]"`},
		{name: "template action over a line break",
			old: "Madame la Présidente,", new: "{{ if .Facts.president\n}}Madame la Présidente,",
			wantDetail: `"{{ if .Facts.president }}"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := subventionInput(t)
			if tt.old != "" {
				in = with(t, in, tt.old, tt.new)
			}
			assertResult(t, resultOf(t, in, CheckPlaceholders), tt.wantOK, tt.wantDetail)
		})
	}
}
