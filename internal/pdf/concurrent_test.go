package pdf

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"
)

// variedLetters returns letters that differ in what a document shares with
// the others: languages, glyph subsets (Greek, Cyrillic, fallbacks), fonts
// used (no mentions means no italic), images, and page counts.
func variedLetters(t *testing.T) []Letter {
	t.Helper()
	logo, err := os.ReadFile("../../config/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	english := sampleLetter()
	english.Language = "en"
	long := sampleLetter()
	long.Body = longBody(900)
	verified := sampleLetter()
	verified.Logo = logo
	verified.Verification = &Verification{Code: "K7QF-2MZD-X9TB-4WRC", URL: "https://dossier.montreuil-sur-loire.example/verify/K7QF-2MZD-X9TB-4WRC"}
	greek := sampleLetter()
	greek.Recipient = []string{"Ελένη Παπαδοπούλου", "Дмитрий Иванов", "3 allée des Tilleuls"}
	greek.Mentions = nil
	fallbacks := sampleLetter()
	fallbacks.Body = "M. Nguyễn ; ﬃ ; 📄 中 ; 1\u202f000\u00a0€ ; œ Œ « »."
	return []Letter{sampleLetter(), english, long, verified, greek, fallbacks}
}

// TestConcurrentRenderDifferentLetters renders different letters from
// several goroutines at once over one Renderer, each goroutine in its own
// order: every letter must come out byte for byte as when rendered alone,
// so that what documents share (font data) carries nothing from one
// letter into another. Run it with -race.
func TestConcurrentRenderDifferentLetters(t *testing.T) {
	r := newTestRenderer(t)
	letters := variedLetters(t)
	want := make([][]byte, len(letters))
	for i, l := range letters {
		want[i] = must(r.Render(l))
	}
	const workers = 8
	errs := make(chan error, workers*len(letters))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := range letters {
				i := (k + w) % len(letters)
				out, err := r.Render(letters[i])
				if err == nil && !bytes.Equal(out, want[i]) {
					err = fmt.Errorf("letter %d rendered concurrently differs from its sequential render (%d vs %d bytes)", i, len(out), len(want[i]))
				}
				errs <- err
			}
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
