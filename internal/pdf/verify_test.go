package pdf

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/pdf/pdftest"
)

func TestVerificationBlock(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	l := sampleLetter()
	l.Verification = &Verification{Code: "K7QF-2MZD-X9TB-4WRC", URL: "https://dossier.montreuil-sur-loire.example/verify/K7QF-2MZD-X9TB-4WRC"}
	first, err := r.Render(l)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, first)
	for _, want := range []string{"avec le code : K7QF-2MZD-X9TB-4WRC", "https://dossier.montreuil-sur-loire.example/verify", "Vérifiez l'authenticité"} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	again, _ := r.Render(l)
	if !bytes.Equal(first, again) {
		t.Error("a letter with a QR code renders to different bytes")
	}
	if bytes.Equal(first, must(r.Render(sampleLetter()))) {
		t.Error("the verification block changed nothing")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestLogo(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	logo, err := os.ReadFile("../../config/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	without := must(r.Render(sampleLetter()))
	l := sampleLetter()
	l.Logo = logo
	with := must(r.Render(l))
	if n := bytes.Count(with, []byte("/Subtype /Image")); n != 1 || bytes.Contains(without, []byte("/Subtype /Image")) {
		t.Errorf("%d images with a logo (want 1), %v without", n, bytes.Contains(without, []byte("/Subtype /Image")))
	}
	l.Logo = []byte("not a png")
	if _, err := r.Render(l); err == nil {
		t.Error("a broken logo rendered without error")
	}
}

// TestVerificationQRCode rasterizes the QR code drawn as vector modules
// at 300 dpi: the centre of every module is dark exactly where the QR
// code of the URL has a dark module, quiet zone included, and ZXing's
// decoder reads the URL from the page's pixels.
func TestVerificationQRCode(t *testing.T) {
	r := newTestRenderer(t)
	l := sampleLetter()
	l.Verification = &Verification{Code: "K7QF-2MZD-X9TB-4WRC", URL: "https://dossier.montreuil-sur-loire.example/verify/K7QF-2MZD-X9TB-4WRC"}
	l = r.clean(l)
	doc := r.newDocument(l)
	doc.AddPage()
	const top, dpi = 100.0, 300
	newLetterWriter(doc, l, labelSets["fr"]).verification(top)
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	img := pdftest.Page(t, buf.Bytes(), 1, dpi)
	bits, err := qrBitmap(l.Verification.URL)
	if err != nil {
		t.Fatal(err)
	}
	m := qrSize / float64(len(bits))
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	square := image.Rect(px(marginLeft), px(top), px(marginLeft+qrSize), px(top+qrSize))
	if got := decodeQR(t, img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(square)); got != l.Verification.URL {
		t.Errorf("the printed QR code reads %q, want %q", got, l.Verification.URL)
	}
	for row, line := range bits {
		for col, dark := range line {
			x, y := px(marginLeft+(float64(col)+0.5)*m), px(top+(float64(row)+0.5)*m)
			if gray := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y; (gray < 128) != dark {
				t.Fatalf("module (%d, %d): gray %d at (%d, %d) px, want dark %v", row, col, gray, x, y, dark)
			}
		}
	}
}
