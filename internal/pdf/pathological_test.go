package pdf

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// Citizens' data is whatever they typed: a 300-character name, forty
// address lines, a right-to-left override, emoji and markup must render
// without crash or overflow, and the markup stays text.
func TestPathologicalInput(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	l := sampleLetter()
	l.Recipient = []string{strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 8) + strings.Repeat("X", 12)}
	for i := range 40 {
		l.Recipient = append(l.Recipient, "Bâtiment "+strings.Repeat("é", i)+" escalier 🚪 ‮gauche‬ <script>alert(1)</script>")
	}
	l.Subject = "Demande ‮ecnetsixe‬ 🎉 <script>document.title='x'</script> " + strings.Repeat("très-long-mot-", 30)
	raw, err := r.Render(l)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	text := pdftest.Text(t, raw)
	if !strings.Contains(text, "<script>") || !strings.Contains(text, "Wolfeschlegelsteinhausenbergerdorff") {
		t.Error("the markup or the long name did not come out as text")
	}
	for _, w := range pdftest.Words(t, raw) {
		if w.XMin < 10 || w.XMax > 200 || w.YMax > 297 {
			t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f: outside the page's printable area", w.Page, w.Text, w.XMin, w.XMax, w.YMax)
			break
		}
	}
}
