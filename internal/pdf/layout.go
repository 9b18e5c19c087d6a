package pdf

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// Page geometry in millimetres (A4 portrait, 210 × 297).
const (
	pageWidth       = 210.0
	marginLeft      = 20.0
	marginRight     = 20.0
	marginTop       = 20.0 // continuation pages; page 1 starts with the letterhead
	marginBottom    = 25.0 // leaves room for the footer
	contentWidth    = pageWidth - marginLeft - marginRight
	letterheadTop   = 15.0
	letterheadWidth = 85.0 // stops short of the recipient column
	windowLeft      = 110.0
	windowTop       = 45.0 // DL window envelope: address visible from 45 to 70 mm
	windowBottom    = 70.0
	windowWidth     = pageWidth - marginRight - windowLeft
	footerRule      = 280.0
	logoHeight      = 10.0
)

// nbAlias is replaced by the page count when the document is closed.
//
// gofpdf replaces the alias in each page's raw content, where text drawn
// with a UTF-8 font is UTF-16BE. With the usual "{nb}", a body quoting
// "{nb}" would be turned into the page count. U+2060 WORD JOINER cannot
// occur in printed text (normalize removes it) and its UTF-16 bytes 20 60
// cannot straddle two printable characters (U+60xx is not in the fonts),
// so only the footer's alias matches. The digits of the total are in the
// font subset because page N's footer prints N itself in the same font.
const nbAlias = "\u2060"

// letterWriter draws one letter onto a gofpdf document.
type letterWriter struct {
	pdf *gofpdf.Fpdf
	l   Letter
	lab labels
}

// newLetterWriter returns a writer for a cleaned letter.
func newLetterWriter(doc *gofpdf.Fpdf, l Letter, lab labels) *letterWriter {
	return &letterWriter{pdf: doc, l: l, lab: lab}
}

// write draws the whole letter, block after block.
func (w *letterWriter) write() {
	w.pdf.SetHeaderFuncMode(w.header, true)
	w.pdf.SetFooterFunc(w.footer)
	w.pdf.AddPage()
	top := max(w.letterhead(), w.recipient(), windowBottom)
	w.pdf.SetY(top + 8)
	w.dateLine()
	w.references()
	w.body()
	w.signature()
	w.mentions()
}

// letterhead draws the sender block top-left and returns its bottom.
func (w *letterWriter) letterhead() float64 {
	w.pdf.SetY(letterheadTop)
	if len(w.l.Logo) > 0 {
		opts := gofpdf.ImageOptions{ImageType: "PNG"}
		w.pdf.RegisterImageOptionsReader("logo", opts, bytes.NewReader(w.l.Logo))
		w.pdf.ImageOptions("logo", marginLeft, letterheadTop, 0, logoHeight, false, opts, 0, "")
		w.pdf.SetY(letterheadTop + logoHeight + 2)
	}
	w.block(marginLeft, letterheadWidth, "B", 12, 5.5, w.l.Administration)
	w.block(marginLeft, letterheadWidth, "", 10, 4.6, w.l.Service)
	w.pdf.SetY(w.pdf.GetY() + 1.5)
	for _, line := range w.l.ServiceAddress {
		w.block(marginLeft, letterheadWidth, "", 9, 4.2, line)
	}
	return w.pdf.GetY()
}

// recipient draws the address in the window-envelope position and returns
// its bottom.
func (w *letterWriter) recipient() float64 {
	w.pdf.SetY(windowTop)
	for _, line := range w.l.Recipient {
		w.block(windowLeft, windowWidth, "", 11, 5, line)
	}
	return w.pdf.GetY()
}

// dateLine draws "Place, le 20 novembre 2026" in the recipient column.
func (w *letterWriter) dateLine() {
	w.block(windowLeft, windowWidth, "", 11, 5, w.lab.dated(w.l.Place, w.l.Date))
	w.pdf.SetY(w.pdf.GetY() + 8)
}

// references draws the reference line and the subject line in bold.
func (w *letterWriter) references() {
	if w.l.Reference != "" {
		w.block(marginLeft, contentWidth, "", 10, 5, w.lab.reference+w.l.Reference)
	}
	if w.l.Subject != "" {
		w.block(marginLeft, contentWidth, "B", 11, 5.5, w.lab.subject+w.l.Subject)
	}
	w.pdf.SetY(w.pdf.GetY() + 8)
}

// body draws the paragraphs, left-aligned. gofpdf v1.16.2 justifies UTF-8
// text by dividing the free space by the number of spaces on the line, so a
// long word broken over a line of its own would write an infinite spacing
// and corrupt the page: "J" is not safe here.
func (w *letterWriter) body() {
	for i, p := range paragraphs(w.l.Body) {
		if i > 0 {
			w.pdf.SetY(w.pdf.GetY() + 2.5)
		}
		w.block(marginLeft, contentWidth, "", 11, 5.5, p)
	}
}

// signature draws the signatory's title, room for the signature, and the
// name, in the right column, moving to a new page rather than splitting.
func (w *letterWriter) signature() {
	if w.l.Signatory == "" && w.l.SignatoryTitle == "" {
		return
	}
	const gap, sign, lh = 10.0, 14.0, 5.0
	w.pdf.SetFont(family, "", 11)
	title := w.lines(w.l.SignatoryTitle, windowWidth)
	w.pdf.SetFont(family, "B", 11)
	name := w.lines(w.l.Signatory, windowWidth)
	height := max(gap+float64(title+name)*lh+sign, gap+w.verificationHeight())
	w.ensureSpace(height)
	top := w.pdf.GetY() + gap
	w.verification(top)
	w.pdf.SetY(top)
	w.block(windowLeft, windowWidth, "", 11, lh, w.l.SignatoryTitle)
	w.pdf.SetY(w.pdf.GetY() + sign)
	w.block(windowLeft, windowWidth, "B", 11, lh, w.l.Signatory)
	w.pdf.SetY(max(w.pdf.GetY(), top+w.verificationHeight()))
}

// mentions draws the legal mentions in a smaller italic font.
func (w *letterWriter) mentions() {
	if len(w.l.Mentions) == 0 {
		return
	}
	const size, lh = 8.0, 3.6
	w.pdf.SetFont(family, "I", size)
	w.ensureSpace(10 + float64(w.lines(w.l.Mentions[0], contentWidth))*lh)
	w.pdf.SetY(w.pdf.GetY() + 10)
	w.pdf.SetTextColor(60, 60, 60)
	for _, m := range w.l.Mentions {
		w.block(marginLeft, contentWidth, "I", size, lh, m)
		w.pdf.SetY(w.pdf.GetY() + 1.2)
	}
	w.pdf.SetTextColor(0, 0, 0)
}

// header recalls the administration and the reference at the top of
// continuation pages.
func (w *letterWriter) header() {
	if w.pdf.PageNo() == 1 {
		return
	}
	parts := []string{w.l.Administration}
	if w.l.Reference != "" {
		parts = append(parts, w.lab.reference+w.l.Reference)
	}
	line := strings.Trim(strings.Join(parts, " — "), " —")
	w.pdf.SetTextColor(90, 90, 90)
	w.pdf.SetY(10)
	w.block(marginLeft, contentWidth, "", 8, 3.5, line)
	w.pdf.SetTextColor(0, 0, 0)
}

// footer draws a rule, the service contact and "page/total" on every page.
// The page number is anchored on its slash, so the total (unknown until the
// end) is printed left-aligned after it.
func (w *letterWriter) footer() {
	p := w.pdf
	p.SetDrawColor(160, 160, 160)
	p.SetLineWidth(0.2)
	p.Line(marginLeft, footerRule, pageWidth-marginRight, footerRule)
	p.SetTextColor(90, 90, 90)
	p.SetY(footerRule + 1.5)
	w.block(marginLeft, contentWidth-25, "", 8, 3.5, w.l.ServiceContact)
	p.SetFont(family, "", 8)
	page := strconv.Itoa(p.PageNo()) + "/"
	slash := pageWidth - marginRight - p.GetStringWidth("00")
	p.Text(slash-p.GetStringWidth(page), footerRule+4.3, page+nbAlias)
	p.SetTextColor(0, 0, 0)
}

// block prints s wrapped to width wd from x, below the current position,
// and leaves the position under it.
func (w *letterWriter) block(x, wd float64, style string, size, lh float64, s string) {
	if s == "" {
		return
	}
	w.pdf.SetFont(family, style, size)
	w.pdf.SetX(x)
	w.pdf.MultiCell(wd, lh, s, "", "L", false)
}

// lines estimates how many lines s takes at width wd in the current font.
func (w *letterWriter) lines(s string, wd float64) int {
	return max(1, len(w.pdf.SplitText(s, wd)))
}

// ensureSpace starts a new page unless h millimetres fit above the bottom
// margin.
func (w *letterWriter) ensureSpace(h float64) {
	_, pageHeight := w.pdf.GetPageSize()
	if w.pdf.GetY()+h > pageHeight-marginBottom {
		w.pdf.AddPage()
	}
}
