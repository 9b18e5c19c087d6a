package guardrails

import (
	"reflect"
	"testing"
)

func TestCheckNoInventedNumbers(t *testing.T) {
	tests := []struct {
		name       string
		old, new   string // replacement in the model draft; none when old is ""
		allowMore  string // appended to Allowed
		wantOK     bool
		wantDetail []string
	}{
		{name: "faithful letter", wantOK: true},
		{name: "invented amount",
			old: "4\u202f500,00\u00a0€", new: "50\u00a0000,00\u00a0€",
			wantDetail: []string{`not found in the case facts`, `"50 000,00"`}},
		{name: "invented amount allowed by the facts",
			old: "4\u202f500,00\u00a0€", new: "50\u00a0000,00\u00a0€", allowMore: "plafond : 50 000,00 €",
			wantOK: true},
		{name: "invented deadline date",
			old: "des fonds par", new: "des fonds, au plus tard le 15 mars 2027, par",
			wantDetail: []string{`"15 mars 2027"`}},
		{name: "invented deadline date allowed by the facts",
			old: "des fonds par", new: "des fonds, au plus tard le 15 mars 2027, par",
			allowMore: "date limite du bilan : 15 March 2027", wantOK: true},
		{name: "invented date made of allowed day and year",
			old: "du 15 octobre 2026", new: "du 12 octobre 2026",
			wantDetail: []string{`"12 octobre 2026"`}},
		{name: "invented article number",
			old: "art. L1611-4", new: "art. L2131-1",
			wantDetail: []string{`"2131-1"`}},
		{name: "invented article number allowed by the facts",
			old: "art. L1611-4", new: "art. L2131-1", allowMore: "(CGCT, art. L2131-1)", wantOK: true},
		{name: "date rewritten with slashes",
			old: "du 15 octobre 2026", new: "du 15/10/2026",
			wantDetail: []string{`"15/10/2026"`}},
		{name: "amount with ASCII spaces where the facts have NBSP",
			old: "4\u202f500,00\u00a0€", new: "4 500,00 €", wantOK: true},
		{name: "amount with thin space",
			old: "4\u202f500,00\u00a0€", new: "4\u2009500,00 €", wantOK: true},
		{name: "amount in English notation",
			old: "4\u202f500,00\u00a0€", new: "€4,500.00", wantOK: true},
		{name: "ordinal of an allowed number",
			old: "du 15 octobre 2026", new: "du 15 octobre 2026 (1re tranche)", wantOK: true},
		{name: "each invented number listed once, in order",
			old: "une avance de 50 %", new: "une avance de 60 % (soit 2 700,00 €), 60 % au total",
			wantDetail: []string{`"60", "2 700,00"`}},
		{name: "invented phone number",
			old: "à l’adresse", new: "au 02 41 99 99 99 ou à l’adresse",
			wantDetail: []string{`"41", "99"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := subventionInput(t)
			if tt.old != "" {
				in = with(t, in, tt.old, tt.new)
			}
			in.Allowed += "\n" + tt.allowMore
			assertResult(t, resultOf(t, in, CheckNumbers), tt.wantOK, tt.wantDetail...)
		})
	}
}

func TestInventedNumbers(t *testing.T) {
	tests := []struct {
		name, draft, allowed string
		want                 []string
	}{
		{"no numbers", "Madame, Monsieur,", "", nil},
		{"all allowed", "le 20 novembre 2026, 4 500,00 €", "4\u00a0500,00 € reçu le 20 novembre 2026", nil},
		{"invented date listed without its numbers", "le 15 mars 2027", "", []string{"15 mars 2027"}},
		{"English and French dates compare", "on 1 March 2027", "le 1er mars 2027", nil},
		{"US date order", "by March 15, 2027", "avant le 15 mars 2027", nil},
		{"allowed date, other numbers checked", "le 15 mars 2027 à 10 h", "le 15 mars 2027", []string{"10"}},
		{"same digits, other grouping (known false negative)", "450 000 €", "4 500,00 €", nil},
		{"leading zero matters", "Paris Cedex 7", "Paris Cedex 07", []string{"7"}},
		{"repeated number listed once", "2027, 2027 et 2027", "", []string{"2027"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inventedNumbers(tt.draft, tt.allowed); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("inventedNumbers(%q, %q) = %q, want %q", tt.draft, tt.allowed, got, tt.want)
			}
		})
	}
}

func TestExtractNumbers(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // "as written=digits"
	}{
		{"empty", "", nil},
		{"French amount", "4 500,00 €", []string{"4 500,00=450000"}},
		{"French amount with NBSP", "4\u00a0500,00\u00a0€", []string{"4\u00a0500,00=450000"}},
		{"French amount with narrow NBSP", "2\u202f058,00", []string{"2\u202f058,00=205800"}},
		{"English amount", "€4,500.00", []string{"4,500.00=450000"}},
		{"millions", "1 234 567,89", []string{"1 234 567,89=123456789"}},
		{"day and year are two numbers", "20 novembre 2026", []string{"20=20", "2026=2026"}},
		{"postcode before a town", "49000 Montreuil", []string{"49000=49000"}},
		{"ordinals", "1er mars, 1re, 2e, 21st", []string{"1=1", "1=1", "2=2", "21=21"}},
		{"reference with dash", "n° 2026-118", []string{"2026-118=2026118"}},
		{"numeric date", "20/11/2026", []string{"20/11/2026=20112026"}},
		{"decimal comma", "0,35 €", []string{"0,35=035"}},
		{"article in a code", "art. L112-3.", []string{"112-3=1123"}},
		{"year then a count", "en 2026 150 dossiers", []string{"2026=2026", "150=150"}},
		{"group of four digits is not thousands", "4 5000", []string{"4=4", "5000=5000"}},
		{"group of two digits is not thousands", "12 34", []string{"12=12", "34=34"}},
		{"decimals then space are not thousands", "12,5 100", []string{"12,5=125", "100=100"}},
		{"thousands at the end of the text", "total 4 500", []string{"4 500=4500"}},
		{"no join across a line break", "2026\n150", []string{"2026=2026", "150=150"}},
		{"no join across two spaces", "4  500", []string{"4=4", "500=500"}},
		{"separator without a digit after", "art. 10. 2026-", []string{"10=10", "2026=2026"}},
		{"sign is not part of the number", "-5 +6", []string{"5=5", "6=6"}},
		{"superscript is not a digit", "24 m²", []string{"24=24"}},
		{"other scripts' digits", "٤٥", []string{"٤٥=٤٥"}},
		{"hours", "22 h 30", []string{"22=22", "30=30"}},
		{"digits inside a code", "DOS-6F1C2A4E", []string{"6=6", "1=1", "2=2", "4=4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range extractNumbers(tt.in) {
				got = append(got, tt.in[n.start:n.end]+"="+n.text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("extractNumbers(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExtractDates(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"French", "le 20 novembre 2026", []string{"2026-11-20"}},
		{"French first of the month", "du 1er mars 2027", []string{"2027-03-01"}},
		{"NBSP and capitals", "le 5\u00a0AOÛT\u202f2027", []string{"2027-08-05"}},
		{"unaccented month", "le 3 fevrier 2027", []string{"2027-02-03"}},
		{"English", "on 20th November 2026", []string{"2026-11-20"}},
		{"English month first", "by January 20, 2027", []string{"2027-01-20"}},
		{"no year", "le 20 novembre", nil},
		{"month and year only", "en septembre 2026", nil},
		{"not a date", "120 novembre 2026", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range extractDates(tt.in) {
				got = append(got, d.text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("extractDates(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
