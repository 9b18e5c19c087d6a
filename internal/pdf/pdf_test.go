package pdf

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/pdf/pdftest"
)

var (
	update = flag.Bool("update", false, "rewrite testdata/*.golden.txt from the current output")
	sample = flag.String("sample", "", "also write the sample letter PDF to this path")
)

// newTestRenderer returns a Renderer or fails the test.
func newTestRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	r, err := NewRenderer()
	if err != nil {
		tb.Fatalf("NewRenderer: %v", err)
	}
	return r
}

// render renders l or fails the test.
func render(tb testing.TB, l Letter) []byte {
	tb.Helper()
	out, err := newTestRenderer(tb).Render(l)
	if err != nil {
		tb.Fatalf("Render: %v", err)
	}
	return out
}

// sampleLetter returns a one-page French letter using every field.
func sampleLetter() Letter {
	return Letter{
		Language:       "fr",
		Administration: "Ville de Montreuil-sur-Loire",
		Service:        "Direction des affaires civiles",
		ServiceAddress: []string{"Hôtel de ville", "1 place de la Mairie", "49999 Montreuil-sur-Loire"},
		ServiceContact: "Tél. 02 41 00 00 00 — etat-civil@montreuil-sur-loire.example.fr",
		Place:          "Montreuil-sur-Loire",
		Date:           time.Date(2026, time.November, 20, 10, 30, 0, 0, time.UTC),
		Reference:      "DOS-2026-000142",
		Recipient:      []string{"Zoë Łukasz-Nuñez Œuvray", "12 rue des Cœurs-Vaillants", "Appartement 3B", "49999 Montreuil-sur-Loire"},
		Subject:        "Délivrance d’un acte de naissance",
		Body: "Madame,\n\n" +
			"Par courrier reçu le 2 novembre 2026, vous avez sollicité la délivrance d’une copie intégrale " +
			"de votre acte de naissance. J’ai l’honneur de vous informer que votre demande a été acceptée ; " +
			"l’acte est joint au présent courrier.\n\n" +
			"Les frais de dossier s’élèvent à 0\u202f€ : la délivrance des actes d’état civil est gratuite. " +
			"Le service reste à votre disposition pour tout renseignement complémentaire, au guichet de " +
			"l’hôtel de ville ou par courriel, en rappelant la référence «\u00a0DOS-2026-000142\u00a0».\n\n" +
			"Je vous prie d’agréer, Madame, l’expression de mes salutations distinguées.",
		Signatory:      "Anne-Sophie Lefèvre",
		SignatoryTitle: "Pour le maire et par délégation, l’officière d’état civil",
		Mentions: []string{
			"Cette décision peut faire l’objet d’un recours gracieux auprès du maire ou d’un recours contentieux " +
				"devant le tribunal administratif de Nantes dans un délai de deux mois à compter de sa notification.",
			"Vos données sont traitées par la commune pour l’instruction de votre demande (RGPD, art. 6.1.e) ; " +
				"vous pouvez exercer vos droits auprès du délégué à la protection des données.",
		},
		Title:  "Délivrance d’un acte de naissance — DOS-2026-000142",
		Author: "Ville de Montreuil-sur-Loire",
	}
}

// flatten collapses every run of white space (including no-break spaces
// and page breaks) into one space, so that wrapped text can be searched.
func flatten(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// squeeze removes all white space, so that a word broken over lines can be
// searched.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestRenderText(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Letter)
		want   []string
		absent []string
	}{
		{
			name: "french letter",
			edit: func(*Letter) {},
			want: []string{
				"Ville de Montreuil-sur-Loire", "Direction des affaires civiles", "49999 Montreuil-sur-Loire",
				"Zoë Łukasz-Nuñez Œuvray", "12 rue des Cœurs-Vaillants",
				"Montreuil-sur-Loire, le 20 novembre 2026",
				"Référence : DOS-2026-000142",
				"Objet : Délivrance d’un acte de naissance",
				"« DOS-2026-000142 »", "0 € :", "l’expression de mes salutations distinguées.",
				"Pour le maire et par délégation, l’officière d’état civil", "Anne-Sophie Lefèvre",
				sampleLetter().Mentions[0], sampleLetter().Mentions[1],
				"Tél. 02 41 00 00 00 — etat-civil@montreuil-sur-loire.example.fr", "1/1",
			},
		},
		{
			name: "first day of the month",
			edit: func(l *Letter) { l.Date = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC) },
			want: []string{"Montreuil-sur-Loire, le 1er décembre 2026"},
		},
		{
			name: "english",
			edit: func(l *Letter) { l.Language = "en" },
			want: []string{"Montreuil-sur-Loire, 20 November 2026", "Reference: DOS-2026-000142",
				"Subject: Délivrance d’un acte de naissance", "1/1"},
			absent: []string{"Objet", "le 20 novembre"},
		},
		{
			name:   "default language is french",
			edit:   func(l *Letter) { l.Language = "" },
			want:   []string{"le 20 novembre 2026", "Objet : "},
			absent: []string{"Subject:"},
		},
		{
			name: "no place, reference nor signatory",
			edit: func(l *Letter) {
				l.Place, l.Reference, l.Signatory, l.SignatoryTitle, l.Mentions = "", "", "", "", nil
			},
			want:   []string{"Le 20 novembre 2026", "Objet : "},
			absent: []string{"Référence", "Lefèvre", "recours"},
		},
		{
			name: "characters the fonts lack",
			edit: func(l *Letter) {
				l.Body = "Montant : 1\u202f000\u00a0€ ; M. Nguyễn ; ﬃ ; dé\u0301jà ; ré\u00adsi\u200bdence ; 📄 中.\r\nFin."
				l.Recipient = []string{"Zoë\tŁukasz‑Nuñez"}
			},
			want:   []string{"Montant : 1 000 € ;", "Nguyên ;", "ffi ;", "déjà ;", "résidence ;", "\ufffd \ufffd.", "Fin.", "Zoë Łukasz-Nuñez"},
			absent: []string{"\u00ad", "\u202f"},
		},
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
			text := flatten(pdftest.Text(t, out))
			for _, w := range tt.want {
				if !strings.Contains(text, flatten(w)) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("text has %q:\n%s", a, text)
				}
			}
		})
	}
}

// longBody returns n numbered words ("mot1" … "motN") in paragraphs of 120.
func longBody(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		switch {
		case i == 1:
		case i%120 == 1:
			b.WriteString(".\n\n")
		default:
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "mot%d", i)
	}
	return b.String() + "."
}

func TestLongBodyPaginates(t *testing.T) {
	l := sampleLetter()
	l.Body = longBody(3000)
	out := render(t, l)
	n := pdftest.Pages(t, out)
	if n < 2 {
		t.Fatalf("3000-word body on %d page(s), want at least 2", n)
	}
	pages := strings.Split(strings.TrimSuffix(pdftest.Text(t, out), "\f"), "\f")
	if len(pages) != n {
		t.Fatalf("pdftotext found %d pages, pdfinfo %d", len(pages), n)
	}
	for i, page := range pages {
		if want := fmt.Sprintf("%d/%d", i+1, n); !strings.Contains(page, want) {
			t.Errorf("page %d footer lacks %q", i+1, want)
		}
		if i > 0 && !strings.Contains(page, "Référence : DOS-2026-000142") {
			t.Errorf("continuation page %d does not recall the reference", i+1)
		}
	}
	words := make(map[string]bool)
	for _, w := range strings.Fields(strings.Join(pages, " ")) {
		words[strings.TrimSuffix(w, ".")] = true
	}
	for i := 1; i <= 3000; i++ {
		if w := fmt.Sprintf("mot%d", i); !words[w] {
			t.Fatalf("word %q lost in pagination", w)
		}
	}
	if last := flatten(pages[n-1]); !strings.Contains(last, "Anne-Sophie Lefèvre") {
		t.Errorf("signature not on the last page:\n%s", last)
	}
	checkInsidePage(t, pdftest.Words(t, out))
}

func TestDeterministic(t *testing.T) {
	long := sampleLetter()
	long.Body = longBody(1500) + "\n\nœ Œ « » ñ ł € \u00a0 \u202f ễ 📄"
	tests := []struct {
		name string
		l    Letter
	}{
		{"one page", sampleLetter()},
		{"several pages and fallbacks", long},
	}
	r := newTestRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, err := r.Render(tt.l)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			for i := 1; i < 20; i++ {
				out, err := newTestRenderer(t).Render(tt.l)
				if err != nil {
					t.Fatalf("Render %d: %v", i, err)
				}
				if !bytes.Equal(out, first) {
					t.Fatalf("render %d differs from render 0 (%d vs %d bytes)", i, len(out), len(first))
				}
			}
		})
	}
}

func TestConcurrentRender(t *testing.T) {
	r := newTestRenderer(t)
	want := render(t, sampleLetter())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			out, err := r.Render(sampleLetter())
			if err == nil && !bytes.Equal(out, want) {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Letter)
		wantErr error
	}{
		{"empty body", func(l *Letter) { l.Body = "" }, ErrNoBody},
		{"blank body", func(l *Letter) { l.Body = " \n\n\t" }, ErrNoBody},
		{"invisible body", func(l *Letter) { l.Body = "\u200b\u00ad\ufeff" }, ErrNoBody},
		{"no recipient", func(l *Letter) { l.Recipient = nil }, ErrNoRecipient},
		{"blank recipient", func(l *Letter) { l.Recipient = []string{"", "  "} }, ErrNoRecipient},
		{"no date", func(l *Letter) { l.Date = time.Time{} }, ErrNoDate},
		{"unknown language", func(l *Letter) { l.Language = "de" }, ErrLanguage},
		{"valid", func(*Letter) {}, nil},
	}
	r := newTestRenderer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := sampleLetter()
			tt.edit(&l)
			out, err := r.Render(l)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Render error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && (out != nil || !strings.Contains(err.Error(), "DOS-2026-000142")) {
				t.Errorf("error %q should name the reference and return no PDF", err)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	tests := []struct {
		lang, tag string
	}{
		{"fr", "/Lang (fr-FR)"},
		{"en", "/Lang (en-GB)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			l := sampleLetter()
			l.Language = tt.lang
			out := render(t, l)
			if !bytes.Contains(out, []byte(tt.tag)) {
				t.Errorf("catalog lacks %s", tt.tag)
			}
			info := pdftest.Info(t, out)
			want := map[string]string{
				"Title":        l.Title,
				"Subject":      l.Subject,
				"Author":       l.Author,
				"Creator":      "Dossier",
				"CreationDate": "2026-11-20T10:30:00Z",
				"ModDate":      "2026-11-20T10:30:00Z",
				"Page size":    "595.28 x 841.89 pts (A4)",
				"PDF version":  "1.4",
			}
			for k, v := range want {
				if info[k] != v {
					t.Errorf("pdfinfo %s = %q, want %q", k, info[k], v)
				}
			}
		})
	}
}

func TestGolden(t *testing.T) {
	out := render(t, sampleLetter())
	if *sample != "" {
		if err := os.WriteFile(*sample, out, 0o644); err != nil {
			t.Fatalf("write sample: %v", err)
		}
	}
	got := pdftest.Text(t, out)
	path := filepath.Join("testdata", "letter.golden.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (regenerate with go test ./internal/pdf -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("pdftotext output differs from %s (regenerate with -update if intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// BenchmarkRender renders the one-page sample letter on one goroutine and
// reports letters per second besides ns/op, the figure the benchmark plan
// sets a target for (docs/benchmarks.md).
func BenchmarkRender(b *testing.B) {
	r := newTestRenderer(b)
	l := sampleLetter()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
