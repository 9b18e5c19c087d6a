package pdf

import (
	"bytes"
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
