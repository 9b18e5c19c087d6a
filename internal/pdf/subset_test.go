package pdf

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/pdf/pdftest"
)

// fontFileSizes returns the /Length1 (uncompressed size) of every font
// file of doc, in the order written.
func fontFileSizes(doc []byte) []string {
	var out []string
	for _, m := range regexp.MustCompile(`/Length1 (\d+)`).FindAllSubmatch(doc, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// TestFixedSubset renders letters to two citizens: one whose name is in
// the fixed subset shares the font files of any other such letter, one
// whose name is not gets its own subset for the regular font, and both
// print their text.
func TestFixedSubset(t *testing.T) {
	r := newTestRenderer(t)
	withName := func(name string) Letter {
		l := sampleLetter()
		l.Recipient = []string{name, "3 impasse des Œillets", "49999 Montreuil-sur-Loire"}
		return l
	}
	a, b := must(r.Render(withName("Zoë Nuñez-Œuvray"))), must(r.Render(withName("Jean-Loïc Ÿvelin")))
	c := must(r.Render(withName("Łukasz Wiśniewski")))
	fa, fb, fc := fontFileSizes(a), fontFileSizes(b), fontFileSizes(c)
	if len(fa) != 3 || !slices.Equal(fa, fb) {
		t.Errorf("letters within the fixed subset embed font files of %v and %v bytes, want the same three", fa, fb)
	}
	if len(fc) != 3 || fc[0] == fa[0] {
		t.Errorf("a letter outside the fixed subset embeds %v, want its own regular font (fixed: %v)", fc, fa)
	}
	for doc, name := range map[string]string{string(a): "Zoë Nuñez-Œuvray", string(b): "Jean-Loïc Ÿvelin", string(c): "Łukasz Wiśniewski"} {
		if text := pdftest.Text(t, []byte(doc)); !strings.Contains(text, name) {
			t.Errorf("letter to %s does not print the name", name)
		}
	}
}

// TestTemplatesFitFixedSubset checks that the letters the templates
// write (their golden outputs) only use runes of the fixed subset, once
// normalized: otherwise every such letter would build its own subsets.
func TestTemplatesFitFixedSubset(t *testing.T) {
	r := newTestRenderer(t)
	in := make(map[rune]bool)
	for _, c := range r.cov.fixedRunes() {
		in[c] = true
	}
	files, err := filepath.Glob("../../templates/testdata/*.golden")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden letters: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.cov.normalize(string(b)) {
			if c != '\n' && !in[c] {
				t.Errorf("%s: %q (%U) is not in the fixed subset", filepath.Base(f), c, c)
			}
		}
	}
}
