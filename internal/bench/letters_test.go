package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/dossier/dossier/config"
	"github.com/dossier/dossier/internal/pdf"
	"github.com/dossier/dossier/internal/pdf/pdftest"
	"github.com/dossier/dossier/templates"
)

// logWriter sends progress lines to the test log.
type logWriter struct{ tb testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func examples(t *testing.T) []Example {
	t.Helper()
	catalog, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Examples(catalog, config.Dev().Administration)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// chromiumOrSkip returns Chromium's path, or skips the test saying why.
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	path, err := findChromium("")
	if err != nil {
		t.Skipf("Chromium not measured: %v", err)
	}
	return path
}

func TestLetters(t *testing.T) {
	rep, err := Letters(context.Background(), LettersOptions{N: 9, Rounds: 3, ChromiumN: 2, Progress: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(examples(t)); len(rep.Examples) != n || n < 9 {
		t.Errorf("%d examples measured, want every template's in every language (%d)", len(rep.Examples), n)
	}
	r := rep.Renderer
	if r.Letters != 27 || len(r.RoundsPerCore) != 3 || r.PerCore <= 0 || r.P50Ms <= 0 || r.P95Ms < r.P50Ms || r.Bytes < 10_000 {
		t.Errorf("renderer figures %+v", r)
	}
	if _, err := findChromium(""); err != nil {
		t.Skipf("Chromium not measured: %v (report: %s)", err, rep.ChromiumSkipped)
	}
	c := rep.Chromium
	if c == nil || c.Letters != 2 || c.MsPerLetter <= 0 || c.Bytes < 1000 || rep.Ratio <= 0 || !strings.Contains(c.Version, "Chrom") {
		t.Errorf("chromium figures %+v, ratio %v, skipped %q", c, rep.Ratio, rep.ChromiumSkipped)
	}
}

// TestChromiumPrintsTheSameLetter checks that the HTML version Chromium
// prints is the same letter as the renderer's: every block's text is
// there, in the same order.
func TestChromiumPrintsTheSameLetter(t *testing.T) {
	path := chromiumOrSkip(t)
	exs := examples(t)
	srv, err := serveLetters(exs)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	bctx, stop, err := startChromium(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for i, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			out, err := printLetter(bctx, srv, i)
			if err != nil {
				t.Fatal(err)
			}
			if info := pdftest.Info(t, out); !strings.HasSuffix(info["Page size"], "(A4)") {
				t.Errorf("page size %q, want A4", info["Page size"])
			}
			checkBlocks(t, pdftest.Flat(pdftest.Text(t, out)), ex.Letter)
		})
	}
}

// checkBlocks fails unless text has the beginning of each of l's blocks,
// in order.
func checkBlocks(t *testing.T, text string, l pdf.Letter) {
	t.Helper()
	blocks := []string{l.Administration, l.ServiceAddress[0], l.Recipient[0], l.Recipient[1], l.Reference}
	for _, p := range strings.Split(l.Body, "\n\n") {
		blocks = append(blocks, pdftest.FirstWords(p, 3))
	}
	blocks = append(blocks, l.Verification.Code, l.Signatory, pdftest.FirstWords(l.Mentions[0], 3), l.ServiceContact)
	pdftest.InOrder(t, text, blocks)
}

func TestMedianAndPercentiles(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"odd", []float64{3, 1, 2}, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("%s: median = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// BenchmarkRenderExamples renders every template's example letter, laid
// out as the Render activity does (logo, QR code), with the production
// renderer: the letters `dossier bench letters` measures.
func BenchmarkRenderExamples(b *testing.B) {
	catalog, err := templates.Load()
	if err != nil {
		b.Fatal(err)
	}
	exs, err := Examples(catalog, config.Dev().Administration)
	if err != nil {
		b.Fatal(err)
	}
	r, err := pdf.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := r.Render(exs[n%len(exs)].Letter); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "letters/s")
}
