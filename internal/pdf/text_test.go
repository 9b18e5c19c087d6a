package pdf

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"french text unchanged", "Zoë Łukasz-Nuñez Œuvray « œ » € ñ ł", "Zoë Łukasz-Nuñez Œuvray « œ » € ñ ł"},
		{"narrow no-break space", "1\u202f000\u202f€", "1\u00a0000\u00a0€"},
		{"no-break space kept", "«\u00a0oui\u00a0»", "«\u00a0oui\u00a0»"},
		{"thin space", "a\u2009b", "a b"},
		{"non-breaking hyphen", "Saint\u2011Denis", "Saint-Denis"},
		{"soft hyphen and zero-width", "ré\u00adsi\u200bdence\ufeff", "résidence"},
		{"line endings", "a\r\nb\rc", "a\nb\nc"},
		{"tab and controls", "a\tb\x00c\x07", "a bc"},
		{"combining accent composed", "e\u0301te\u0301", "été"},
		{"stray combining mark", "q\u0301", "q"},
		{"decomposed fallback", "Nguyễn ǅ ①", "Nguyên Dž 1"},
		{"ligature kept", "ﬁ", "ﬁ"},
		{"unprintable", "📄中", "\ufffd\ufffd"},
	}
	r := newTestRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.cov.normalize(tt.in); got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"one", "a\nb", []string{"a\nb"}},
		{"two", "a\n\nb", []string{"a", "b"}},
		{"blank line with spaces", "a\n \u00a0\n\n\nb\n", []string{"a", "b"}},
		{"leading blank lines", "\n\na", []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := paragraphs(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("paragraphs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFrenchDate(t *testing.T) {
	tests := []struct {
		date time.Time
		want string
	}{
		{time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC), "1er janvier 2026"},
		{time.Date(2026, time.February, 2, 0, 0, 0, 0, time.UTC), "2 février 2026"},
		{time.Date(2026, time.August, 15, 0, 0, 0, 0, time.UTC), "15 août 2026"},
		{time.Date(2026, time.December, 31, 23, 59, 0, 0, time.UTC), "31 décembre 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := frenchDate(tt.date); got != tt.want {
				t.Errorf("frenchDate(%v) = %q, want %q", tt.date, got, tt.want)
			}
		})
	}
}

func TestSetLanguage(t *testing.T) {
	const doc = "%PDF-1.3\n1 0 obj\n<<\n/Type /Catalog\n/Pages 1 0 R\n>>\nendobj\nxref\n0 2\n" +
		"trailer\n<<\n/Size 2\n>>\nstartxref\n42\n%%EOF\n"
	tests := []struct {
		name, in, want string
		wantErr        error
	}{
		{"catalog", doc, strings.NewReplacer("%PDF-1.3", "%PDF-1.4", "/Type /Catalog\n", "/Type /Catalog\n/Lang (fr-FR)\n",
			"startxref\n42", "startxref\n56").Replace(doc), nil},
		{"no catalog", strings.Replace(doc, "Catalog", "Pages", 1), "", errCatalog},
		{"no startxref", strings.Replace(doc, "startxref", "xref", 1), "", errCatalog},
		{"bad offset", strings.Replace(doc, "42", "x", 1), "", errCatalog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := setLanguage([]byte(tt.in), "fr-FR")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("setLanguage error = %v, want %v", err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Errorf("setLanguage =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestPrintsAsIs checks normalize's shortcut against the rewrite it
// skips, for every BMP rune alone and after a letter.
func TestPrintsAsIs(t *testing.T) {
	c := newTestRenderer(t).cov
	for r := rune(0); r < 0x10000; r++ {
		for _, s := range []string{string(r), "e" + string(r)} {
			if c.printsAsIs(s) && c.rewrite(s) != s {
				t.Errorf("%U: printed as %q, but the shortcut keeps it", r, c.rewrite(s))
			}
		}
	}
}
