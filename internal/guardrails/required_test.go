package guardrails

import "testing"

func TestCheckRequiredFacts(t *testing.T) {
	tests := []struct {
		name       string
		old, new   string   // replacement in the model draft; none when old is ""
		required   []string // replaces the input's Required when not nil
		wantOK     bool
		wantDetail []string
	}{
		{name: "faithful letter", wantOK: true},
		{name: "applicant's name dropped",
			old: "Madame Hélène Bérard", new: "Madame la Présidente",
			wantDetail: []string{`missing required text`, `"Hélène Bérard"`}},
		{name: "applicant's name misspelt",
			old: "Madame Hélène Bérard", new: "Madame Hélène Berard",
			wantDetail: []string{`"Hélène Bérard"`}},
		{name: "amount written 4500 €",
			old: "4\u202f500,00\u00a0€", new: "4500 €",
			wantDetail: []string{`"4 500,00 €"`}},
		{name: "amount glued to a digit is another amount",
			old: "4\u202f500,00\u00a0€", new: "14\u00a0500,00\u00a0€",
			wantDetail: []string{`"4 500,00 €"`}},
		{name: "date written 15/10/2026",
			old: "du 15 octobre 2026", new: "du 15/10/2026",
			wantDetail: []string{`"15 octobre 2026"`}},
		{name: "reference changed",
			old: "n° 2026-118", new: "n° 2026-119",
			wantDetail: []string{`"2026-118"`}},
		{name: "association name in lower case",
			old: "l’association Les Jardins partagés du Val", new: "l’association les jardins partagés du val",
			wantDetail: []string{`"Les Jardins partagés du Val"`}},
		{name: "every missing fact listed",
			old: "Les Jardins partagés du Val (n° RNA W491012345)", new: "bénéficiaire",
			wantDetail: []string{`"Les Jardins partagés du Val", "W491012345"`}},
		{name: "required with NBSP, draft with spaces",
			required: []string{"4\u00a0500,00\u00a0€", "Hélène\u00a0Bérard"}, wantOK: true},
		{name: "required over a line break",
			required: []string{"notamment à : – l'employer"}, wantOK: true},
		{name: "required with ’, draft with ’ written '",
			old: "d’attribuer", new: "d'attribuer",
			required: []string{"d’attribuer à l’association"}, wantOK: true},
		{name: "decomposed accents in required",
			required: []string{"He\u0301le\u0300ne Be\u0301rard"}, wantOK: true},
		{name: "empty and blank required ignored",
			required: []string{"", " \u00a0\n"}, wantOK: true},
		{name: "surrounding punctuation is fine",
			required: []string{"Val", "W491012345", "2026"}, wantOK: true},
		{name: "name glued to letters is not the name",
			required: []string{"Bérar"}, wantDetail: []string{`"Bérar"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := subventionInput(t)
			if tt.old != "" {
				in = with(t, in, tt.old, tt.new)
			}
			if tt.required != nil {
				in.Required = tt.required
			}
			assertResult(t, resultOf(t, in, CheckRequired), tt.wantOK, tt.wantDetail...)
		})
	}
}

func TestCheckRequiredDateFormatInEnglish(t *testing.T) {
	in := drafterInput("accuse-reception.en", "20 November 2026", "DOS-6F1C2A4E")(t)
	assertResult(t, resultOf(t, in, CheckRequired), true)
	in = with(t, in, "on 20 November 2026", "on 20/11/2026")
	assertResult(t, resultOf(t, in, CheckRequired), false, `"20 November 2026"`)
}

func TestContainsBounded(t *testing.T) {
	tests := []struct {
		name, s, want string
		wantFound     bool
	}{
		{"whole text", "Martin", "Martin", true},
		{"between spaces", "M. Martin a", "Martin", true},
		{"followed by punctuation", "Martin, et", "Martin", true},
		{"after an apostrophe", "l'association", "association", true},
		{"glued on the right", "Martinez", "Martin", false},
		{"glued on the left", "14 500,00 €", "4 500,00 €", false},
		{"second occurrence is bounded", "Martinez et Martin", "Martin", true},
		{"punctuation edge may touch letters", "(art.L112-3)", "(art.", true},
		{"reference glued to a digit", "DOS-6F1C2A4E7", "DOS-6F1C2A4E", false},
		{"absent", "Madame", "Monsieur", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := containsBounded(tt.s, tt.want); got != tt.wantFound {
				t.Errorf("containsBounded(%q, %q) = %v, want %v", tt.s, tt.want, got, tt.wantFound)
			}
		})
	}
}
