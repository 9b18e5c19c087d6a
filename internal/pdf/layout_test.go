package pdf

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// checkInsidePage fails if a word leaves the printable area of the page.
func checkInsidePage(t *testing.T, words []pdftest.Word) {
	t.Helper()
	const slack = 0.5
	for _, w := range words {
		if w.XMin < marginLeft-slack || w.XMax > pageWidth-marginRight+slack || w.YMin < 5 || w.YMax > 292 {
			t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f mm leaves the page's text area",
				w.Page, w.Text, w.XMin, w.XMax, w.YMin, w.YMax)
		}
	}
}

func TestLongWordsWrap(t *testing.T) {
	word := strings.Repeat("Anticonstitutionnellementé", 8)[:200]
	line := strings.Repeat("Résidence des Grands Chênes bâtiment ", 8)
	tests := []struct {
		name string
		edit func(*Letter)
		want string
	}{
		{"200-character word in the body", func(l *Letter) { l.Body = "Début " + word + " fin." }, word},
		{"long address line", func(l *Letter) { l.Recipient = append(l.Recipient, line) }, line},
		{"unbroken address line", func(l *Letter) { l.Recipient = append(l.Recipient, word) }, word},
		{"long letterhead", func(l *Letter) { l.Service = line }, line},
		{"long sender line", func(l *Letter) { l.ServiceAddress = []string{word} }, word},
		{"long subject", func(l *Letter) { l.Subject = word }, word},
		{"long signatory title", func(l *Letter) { l.SignatoryTitle = line }, line},
		{"long contact", func(l *Letter) { l.ServiceContact = word }, word},
		{"long mention", func(l *Letter) { l.Mentions = []string{word} }, word},
	}
	r := newTestRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sampleLetter()
			tt.edit(&l)
			out, err := r.Render(l)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if text := squeeze(pdftest.Text(t, out)); !strings.Contains(text, squeeze(tt.want[:40])) {
				t.Errorf("text lacks %.40q…:\n%s", tt.want, text)
			}
			// -layout interleaves the columns; words come in drawing order.
			words := pdftest.Words(t, out)
			if text := squeeze(wordsText(words)); !strings.Contains(text, squeeze(tt.want)) {
				t.Errorf("words lack %.40q…:\n%s", tt.want, text)
			}
			checkInsidePage(t, words)
		})
	}
}

// wordsText joins the words' text in the order pdftotext lists them.
func wordsText(words []pdftest.Word) string {
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w.Text + " ")
	}
	return b.String()
}

func TestLayout(t *testing.T) {
	words := pdftest.Words(t, render(t, sampleLetter()))
	find := func(text string) pdftest.Word {
		for _, w := range words {
			if w.Text == text {
				return w
			}
		}
		t.Fatalf("word %q not found", text)
		return pdftest.Word{}
	}
	tests := []struct {
		name       string
		word       string
		xMin, xMax float64 // range for the word's left edge, mm
		yMin, yMax float64 // range for the word's top edge, mm
	}{
		{"letterhead top-left", "Ville", 20, 22, 12, 20},
		{"recipient in the envelope window", "Zoë", 110, 112, 45, 70},
		{"address line in the window", "Appartement", 110, 112, 45, 70},
		{"date in the right column", "novembre", 110, 190, 72, 100},
		{"subject on the left", "Objet", 20, 22, 72, 120},
		{"signatory on the right", "Anne-Sophie", 110, 112, 120, 260},
		{"footer page number", "1/1", 170, 190, 280, 292},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := find(tt.word)
			if w.XMin < tt.xMin || w.XMin > tt.xMax || w.YMin < tt.yMin || w.YMin > tt.yMax {
				t.Errorf("%q at (%.1f, %.1f) mm, want x in [%g, %g], y in [%g, %g]",
					tt.word, w.XMin, w.YMin, tt.xMin, tt.xMax, tt.yMin, tt.yMax)
			}
		})
	}
	checkInsidePage(t, words)
}
