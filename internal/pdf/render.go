package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"sync"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// family is the gofpdf family name of the embedded Go fonts.
const family = "Go"

// fontFace is one embedded TrueType font.
type fontFace struct {
	name  string
	style string // gofpdf style: "", "B" or "I"
	ttf   []byte
}

// faces are the embedded fonts: Go Regular, Bold and Italic.
var faces = []fontFace{
	{name: "goregular", style: "", ttf: goregular.TTF},
	{name: "gobold", style: "B", ttf: gobold.TTF},
	{name: "goitalic", style: "I", ttf: goitalic.TTF},
}

// fontSet is the embedded fonts parsed for gofpdf, and the runes they
// all have. It is immutable.
type fontSet struct {
	fonts []*gofpdf.UTF8Font
	cov   *coverage
}

// loadFonts parses the embedded fonts once per process: parsing them and
// hashing their metrics into gofpdf's font ids took most of a letter's
// rendering time when done for every document. Each font carries the
// fixed subset of the runes in fixedSubset.
var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	cov, err := newCoverage(faces)
	if err != nil {
		return nil, err
	}
	set := &fontSet{cov: cov}
	fixed := cov.fixedRunes()
	for _, f := range faces {
		font, err := gofpdf.NewUTF8Font(family, f.style, f.ttf)
		if err != nil {
			return nil, fmt.Errorf("pdf: font %s: %w", f.name, err)
		}
		set.fonts = append(set.fonts, font.WithFixedSubset(fixed))
	}
	return set, nil
})

// Renderer renders letters to PDF. Safe for concurrent use: it only holds
// immutable font data, which every document reads and subsets on its own.
type Renderer struct {
	fonts []*gofpdf.UTF8Font
	cov   *coverage
}

// NewRenderer returns a Renderer embedding the Go Regular, Bold and Italic
// fonts, parsed once per process. It returns an error if a font does not
// parse.
func NewRenderer() (*Renderer, error) {
	set, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return &Renderer{fonts: set.fonts, cov: set.cov}, nil
}

// Render returns the PDF bytes of l. The same Letter always gives
// byte-identical output. It returns ErrNoBody, ErrNoRecipient, ErrNoDate or
// ErrLanguage for a letter that cannot be printed, and wraps gofpdf's
// errors, all with the letter's reference as context.
func (r *Renderer) Render(l Letter) ([]byte, error) {
	l = r.clean(l) // first, so that a body of invisible characters counts as empty
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("render letter %q: %w", l.Reference, err)
	}
	if len(l.Logo) > 0 {
		if _, err := png.DecodeConfig(bytes.NewReader(l.Logo)); err != nil {
			return nil, fmt.Errorf("render letter %q: logo is not a PNG: %w", l.Reference, err)
		}
	}
	lab := labelSets[l.Language]
	doc := r.newDocument(l)
	newLetterWriter(doc, l, lab).write()
	buf := outputs.Get().(*bytes.Buffer)
	defer outputs.Put(buf)
	buf.Reset()
	if err := doc.Output(buf); err != nil {
		return nil, fmt.Errorf("render letter %q: %w", l.Reference, err)
	}
	out, err := setLanguage(buf.Bytes(), lab.tag) // a copy: buf goes back to the pool
	if err != nil {
		return nil, fmt.Errorf("render letter %q: %w", l.Reference, err)
	}
	return out, nil
}

// outputs holds buffers for gofpdf's output, which setLanguage copies: a
// new buffer grew by doubling to the size of a letter (100 KB), allocating
// and copying it several times for every letter.
var outputs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// clean returns a copy of l whose printed text only uses runes the fonts
// can draw, and whose Language is set.
func (r *Renderer) clean(l Letter) Letter {
	if l.Language == "" {
		l.Language = "fr"
	}
	n := r.cov.normalize
	l.Administration, l.Service, l.ServiceContact = n(l.Administration), n(l.Service), n(l.ServiceContact)
	l.Place, l.Reference, l.Subject, l.Body = n(l.Place), n(l.Reference), n(l.Subject), n(l.Body)
	l.Signatory, l.SignatoryTitle = n(l.Signatory), n(l.SignatoryTitle)
	l.ServiceAddress = r.cleanLines(l.ServiceAddress)
	l.Recipient = r.cleanLines(l.Recipient)
	l.Mentions = r.cleanLines(l.Mentions)
	return l
}

// cleanLines returns the normalized non-blank lines, in a new slice.
func (r *Renderer) cleanLines(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, s := range lines {
		if s = r.cov.normalize(s); !allBlank([]string{s}) {
			out = append(out, s)
		}
	}
	return out
}

// newDocument returns an empty A4 document with the fonts, metadata and
// margins of a letter. Everything that could vary between two runs is
// pinned: both dates come from the letter, and objects are written in
// sorted order (SetCatalogSort).
func (r *Renderer) newDocument(l Letter) *gofpdf.Fpdf {
	doc := gofpdf.New("P", "mm", "A4", "")
	doc.AliasNbPages(nbAlias)
	for _, f := range r.fonts {
		doc.AddParsedUTF8Font(f) // shares the font bytes, never writes them (third_party/gofpdf)
	}
	doc.SetCatalogSort(true)
	// The page content is stored, not compressed: compressing its 10 to
	// 15 KB (to a third) was a quarter of a letter's time once the fonts
	// were subset once per process. Fonts stay compressed (once).
	doc.SetCompression(false)
	doc.SetCreationDate(l.Date)
	doc.SetModificationDate(l.Date)
	doc.SetTitle(l.Title, true)
	doc.SetAuthor(l.Author, true)
	doc.SetSubject(l.Subject, true)
	doc.SetCreator("Dossier", true)
	doc.SetProducer("Dossier (gofpdf)", true)
	doc.SetMargins(marginLeft, marginTop, marginRight)
	doc.SetAutoPageBreak(true, marginBottom)
	return doc
}

// errCatalog means gofpdf's output did not have the expected trailer.
var errCatalog = errors.New("pdf: set document language: catalog or startxref not found")

// setLanguage returns doc with a /Lang entry in its catalog and a PDF 1.4
// header (/Lang appeared in PDF 1.4); it returns errCatalog if the output
// does not end the way gofpdf v1.16.2 writes it.
//
// gofpdf v1.16.2 has no API for /Lang. It writes the catalog as the last
// object, right before the cross-reference table, so inserting bytes into
// the catalog moves no other object: only the startxref offset changes.
func setLanguage(doc []byte, tag string) ([]byte, error) {
	const catalog, startxref = "/Type /Catalog\n", "\nstartxref\n"
	i := bytes.LastIndex(doc, []byte(catalog))
	j := bytes.LastIndex(doc, []byte(startxref))
	if i < 0 || j < i {
		return nil, errCatalog
	}
	tail := doc[j+len(startxref):]
	end := bytes.IndexByte(tail, '\n')
	if end < 0 {
		return nil, errCatalog
	}
	offset, err := strconv.Atoi(string(tail[:end]))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCatalog, err)
	}
	entry := "/Lang (" + tag + ")\n"
	out := make([]byte, 0, len(doc)+len(entry)+2)
	out = append(out, doc[:i+len(catalog)]...)
	out = append(out, entry...)
	out = append(out, doc[i+len(catalog):j+len(startxref)]...)
	out = strconv.AppendInt(out, int64(offset+len(entry)), 10)
	out = append(out, tail[end:]...)
	if bytes.HasPrefix(out, []byte("%PDF-1.3")) {
		out[7] = '4'
	}
	return out, nil
}
