package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Report is a document of titled sections printed like the letters (same
// fonts, margins, header and footer), such as the explanation of a
// decision a citizen may ask for.
type Report struct {
	Language  string // "fr" or "en" ("" means "fr")
	Issuer    string // printed above the title, and recalled on continuation pages
	Title     string
	Reference string    // case reference, under the title
	Date      time.Time // printed under the title and used as the PDF dates; never time.Now
	Intro     []string  // paragraphs before the first section
	Sections  []Section
	Footer    string // printed on every page, left of the page number
	Author    string // PDF metadata
}

// Section is a heading, its paragraphs, then its items, one bullet each.
type Section struct {
	Heading    string
	Paragraphs []string
	Items      []string
}

// RenderReport returns the PDF bytes of rep. The same Report always gives
// byte-identical output. It returns ErrNoBody for a report with nothing to
// print, ErrNoDate or ErrLanguage, wrapped with the report's reference.
func (r *Renderer) RenderReport(rep Report) ([]byte, error) {
	rep = r.cleanReport(rep)
	if err := rep.validate(); err != nil {
		return nil, fmt.Errorf("render report %q: %w", rep.Reference, err)
	}
	lab := labelSets[rep.Language]
	meta := Letter{Language: rep.Language, Administration: rep.Issuer, Reference: rep.Reference, ServiceContact: rep.Footer,
		Date: rep.Date, Subject: rep.Title, Title: rep.Title, Author: rep.Author}
	doc := r.newDocument(meta)
	w := newLetterWriter(doc, meta, lab)
	(&reportWriter{letterWriter: w, rep: rep}).write()
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		return nil, fmt.Errorf("render report %q: %w", rep.Reference, err)
	}
	out, err := setLanguage(buf.Bytes(), lab.tag)
	if err != nil {
		return nil, fmt.Errorf("render report %q: %w", rep.Reference, err)
	}
	return out, nil
}

func (rep Report) validate() error {
	switch {
	case len(rep.Intro) == 0 && len(rep.Sections) == 0:
		return ErrNoBody
	case rep.Date.IsZero():
		return ErrNoDate
	}
	if _, ok := labelSets[rep.Language]; !ok {
		return fmt.Errorf("%w %q", ErrLanguage, rep.Language)
	}
	return nil
}

// cleanReport returns a copy of rep whose printed text only uses runes the
// fonts can draw, without blank paragraphs, items or sections.
func (r *Renderer) cleanReport(rep Report) Report {
	if rep.Language == "" {
		rep.Language = "fr"
	}
	n := r.cov.normalize
	rep.Issuer, rep.Title, rep.Reference, rep.Footer, rep.Author = n(rep.Issuer), n(rep.Title), n(rep.Reference), n(rep.Footer), n(rep.Author)
	rep.Intro = r.cleanLines(rep.Intro)
	sections := make([]Section, 0, len(rep.Sections))
	for _, s := range rep.Sections {
		s = Section{Heading: n(s.Heading), Paragraphs: r.cleanLines(s.Paragraphs), Items: r.cleanLines(s.Items)}
		if strings.TrimSpace(s.Heading) != "" || len(s.Paragraphs) > 0 || len(s.Items) > 0 {
			sections = append(sections, s)
		}
	}
	rep.Sections = sections
	return rep
}

// reportWriter draws a report with a letter's header, footer and blocks.
type reportWriter struct {
	*letterWriter
	rep Report
}

// Geometry of a report: bullets hang in a 5 mm indent.
const (
	bulletIndent = 5.0
	reportLine   = 5.0
)

func (w *reportWriter) write() {
	w.pdf.SetHeaderFuncMode(w.header, true)
	w.pdf.SetFooterFunc(w.footer)
	w.pdf.AddPage()
	w.pdf.SetY(letterheadTop)
	w.block(marginLeft, contentWidth, "B", 10, 4.6, w.rep.Issuer)
	w.pdf.SetY(w.pdf.GetY() + 6)
	w.block(marginLeft, contentWidth, "B", 15, 7, w.rep.Title)
	sub := w.lab.dated("", w.rep.Date)
	if w.rep.Reference != "" {
		sub = w.lab.reference + w.rep.Reference + " — " + sub
	}
	w.block(marginLeft, contentWidth, "", 10, 5, sub)
	w.pdf.SetY(w.pdf.GetY() + 6)
	for _, p := range w.rep.Intro {
		w.paragraph(p)
	}
	for _, s := range w.rep.Sections {
		w.section(s)
	}
}

// section draws a heading kept with the start of its text, then the
// paragraphs and the bulleted items.
func (w *reportWriter) section(s Section) {
	w.ensureSpace(7 + 3*reportLine)
	w.pdf.SetY(w.pdf.GetY() + 3)
	w.block(marginLeft, contentWidth, "B", 12, 6, s.Heading)
	w.pdf.SetY(w.pdf.GetY() + 1)
	for _, p := range s.Paragraphs {
		w.paragraph(p)
	}
	for _, item := range s.Items {
		w.pdf.SetFont(family, "", 10.5)
		w.ensureSpace(reportLine)
		y := w.pdf.GetY()
		w.pdf.Text(marginLeft+1, y+3.8, "•")
		w.pdf.SetY(y)
		w.block(marginLeft+bulletIndent, contentWidth-bulletIndent, "", 10.5, reportLine, item)
		w.pdf.SetY(w.pdf.GetY() + 0.8)
	}
}

func (w *reportWriter) paragraph(p string) {
	w.block(marginLeft, contentWidth, "", 10.5, reportLine, p)
	w.pdf.SetY(w.pdf.GetY() + 2)
}
