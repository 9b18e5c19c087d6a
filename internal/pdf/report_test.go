package pdf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/pdf/pdftest"
)

func sampleReport(items int) Report {
	s := Section{Heading: "Données utilisées", Paragraphs: []string{"Les données suivantes ont servi à rédiger le courrier."}}
	for i := range items {
		s.Items = append(s.Items, strings.Repeat("date de réception : 23 novembre 2026, fournie dans votre demande ", 1+i%3))
	}
	return Report{Issuer: "Ville de Montreuil-sur-Loire", Title: "Explication de la décision", Reference: "DOS-9FDE0768",
		Date: time.Date(2026, 11, 27, 1, 19, 24, 0, time.UTC), Intro: []string{"Ce document explique comment le courrier a été préparé."},
		Sections: []Section{s, {Heading: "Opérations effectuées", Items: []string{"27 novembre 2026 : demande reçue"}}},
		Footer:   "Dossier — explication établie à partir du journal du dossier", Author: "Dossier"}
}

// TestRenderReport prints a report like a letter: its words, bullets and
// footer on every page, the same bytes every time, pages that break
// between items.
func TestRenderReport(t *testing.T) {
	r := newTestRenderer(t)
	one, err := r.RenderReport(sampleReport(3))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := r.RenderReport(sampleReport(3))
	if !bytes.Equal(one, again) {
		t.Error("the same report gave different bytes")
	}
	text := pdftest.Text(t, one)
	for _, want := range []string{"Ville de Montreuil-sur-Loire", "Explication de la décision", "Référence : DOS-9FDE0768", "27 novembre 2026",
		"Données utilisées", "• date de réception", "Opérations effectuées", "explication établie"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	long, err := r.RenderReport(sampleReport(80))
	if err != nil {
		t.Fatal(err)
	}
	if n := pdftest.Pages(t, long); n < 2 {
		t.Errorf("80 items on %d page(s)", n)
	}
	if info := pdftest.Info(t, long); info["Title"] != "Explication de la décision" {
		t.Errorf("PDF title %q", info["Title"])
	}
	for _, w := range pdftest.Words(t, long) {
		if w.YMax > footerRule+10 || w.XMax > pageWidth-marginRight+1 {
			t.Errorf("word %q at (%.0f, %.0f) is outside the page's text area", w.Text, w.XMax, w.YMax)
		}
	}
}

func TestRenderReportRefuses(t *testing.T) {
	r := newTestRenderer(t)
	tests := []struct {
		name    string
		edit    func(*Report)
		wantErr error
	}{
		{"no date", func(rep *Report) { rep.Date = time.Time{} }, ErrNoDate},
		{"nothing to print", func(rep *Report) { rep.Intro, rep.Sections = nil, []Section{{Items: []string{"  "}}} }, ErrNoBody},
		{"unknown language", func(rep *Report) { rep.Language = "de" }, ErrLanguage},
	}
	for _, tt := range tests {
		rep := sampleReport(1)
		tt.edit(&rep)
		if _, err := r.RenderReport(rep); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}
