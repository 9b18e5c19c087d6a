package guardrails

import "testing"

func TestCheckLanguage(t *testing.T) {
	nouns := "Montreuil Loire Angers Nantes Saumur Cholet Laval Tours Blois Orléans Vendôme Chinon Amboise Loches Bourges Nevers Vierzon Gien "
	tests := []struct {
		name       string
		language   string
		draft      func(testing.TB) string
		wantOK     bool
		wantDetail string
	}{
		{name: "French letter for a French request", language: "fr",
			draft: body("subvention-attribution.fr"), wantOK: true},
		{name: "English letter for an English request", language: "en",
			draft: body("accuse-reception.en"), wantOK: true},
		{name: "English letter quoting French facts", language: "en",
			draft: body("subvention-attribution.en"), wantOK: true},
		{name: "model rewrite with typographic apostrophes", language: "fr",
			draft: func(tb testing.TB) string { return subventionInput(tb).Draft }, wantOK: true},
		{name: "language tag with region", language: "fr-FR",
			draft: body("accuse-reception.fr"), wantOK: true},
		{name: "English letter for a French request", language: "fr",
			draft:      body("accuse-reception.en"),
			wantDetail: "the letter must be in French but does not read as French: 6 French and 62 English stopwords in 172 words"},
		{name: "French letter for an English request", language: "en",
			draft:      body("demande-pieces.fr"),
			wantDetail: "the letter must be in English but does not read as English"},
		{name: "5 % of the words are French stopwords", language: "fr",
			draft: text(nouns + "Poitiers et"), wantOK: true},
		{name: "under 5 % of the words are French stopwords", language: "fr",
			draft:      text(nouns + "Poitiers Niort et"),
			wantDetail: "1 French and 0 English stopwords in 21 words"},
		{name: "as many French as English stopwords", language: "fr",
			draft:      text("le the"),
			wantDetail: "1 French and 1 English stopwords in 2 words"},
		{name: "empty draft", language: "fr",
			draft: text(""), wantDetail: "0 French and 0 English stopwords in 0 words"},
		{name: "digits only", language: "en",
			draft: text("4 500,00 2026"), wantDetail: "in 0 words"},
		{name: "unsupported language", language: "de",
			draft: body("accuse-reception.fr"), wantDetail: `unsupported language "de": want "fr" or "en"`},
		{name: "no language", language: "",
			draft: body("accuse-reception.fr"), wantDetail: `unsupported language ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Language: tt.language, Draft: tt.draft(t)}
			assertResult(t, resultOf(t, in, CheckLanguage), tt.wantOK, tt.wantDetail)
		})
	}
}

// body returns a draft function reading testdata/name.txt.
func body(name string) func(testing.TB) string {
	return func(tb testing.TB) string { return letter(tb, name) }
}

// text returns a draft function returning s.
func text(s string) func(testing.TB) string {
	return func(testing.TB) string { return s }
}

func TestCountStopwords(t *testing.T) {
	tests := []struct {
		name              string
		in                string
		wantFR, wantEN, n int
	}{
		{"elided forms count as French", "l'association qu'il d'une", 5, 0, 6},
		{"typographic apostrophe once normalised", collapse("l’avis d’un jusqu’au"), 5, 0, 6},
		{"an elision needs its apostrophe", "l d qu", 0, 0, 3},
		{"English contractions are not elisions", "don't it's association's", 0, 1, 6},
		{"case does not matter", "LE The VOUS", 2, 1, 3},
		{"words shared by both languages count for neither", "a on", 0, 1, 2},
		{"accented stopwords", "à été", 2, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr, en, n := countStopwords(tt.in)
			if fr != tt.wantFR || en != tt.wantEN || n != tt.n {
				t.Errorf("countStopwords(%q) = %d, %d, %d; want %d, %d, %d", tt.in, fr, en, n, tt.wantFR, tt.wantEN, tt.n)
			}
		})
	}
}

func TestStopwordListsAreDisjoint(t *testing.T) {
	for w := range frenchStopwords {
		if englishStopwords[w] {
			t.Errorf("%q is in both stopword lists", w)
		}
	}
	if len(frenchStopwords) < 40 || len(englishStopwords) < 40 {
		t.Errorf("stopword lists have %d French and %d English words, want at least 40 each",
			len(frenchStopwords), len(englishStopwords))
	}
}
