package pdf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// coverage is a bit set of the BMP runes that have a glyph in every
// embedded font. gofpdf indexes its width table by rune and refuses runes
// past U+FFFF, so only the BMP is tracked.
type coverage [0x10000 / 64]uint64

// newCoverage returns the runes present in all of fonts; it returns the
// sfnt parse error of the first font that does not parse.
func newCoverage(fonts []fontFace) (*coverage, error) {
	var c coverage
	for i := range c {
		c[i] = ^uint64(0)
	}
	var buf sfnt.Buffer
	for _, face := range fonts {
		f, err := sfnt.Parse(face.ttf)
		if err != nil {
			return nil, fmt.Errorf("pdf: parse font %s: %w", face.name, err)
		}
		for r := rune(0); r < 0x10000; r++ {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				c[r/64] &^= 1 << (r % 64)
			}
		}
	}
	return &c, nil
}

// has reports whether every font has a glyph for r.
func (c *coverage) has(r rune) bool {
	return r >= 0 && r < 0x10000 && c[r/64]&(1<<(r%64)) != 0
}

// printable reports whether every rune of s has a glyph.
func (c *coverage) printable(s string) bool {
	for _, r := range s {
		if !c.has(r) {
			return false
		}
	}
	return s != ""
}

// substitutes maps runes that need a fixed replacement before the glyph
// check: spaces and hyphens the Go fonts lack, invisible format characters,
// and the soft hyphen, which the fonts do have but which would print as a
// visible hyphen in the middle of a word because MultiCell never breaks there.
var substitutes = map[rune]string{
	'\t':     " ",
	'\u00ad': "",       // soft hyphen
	'\u02bc': "\u2019", // modifier letter apostrophe → ’
	'\u2007': "\u00a0", // figure space
	'\u2010': "-",      // hyphen
	'\u2011': "-",      // non-breaking hyphen (MultiCell never breaks at "-")
	'\u2012': "\u2013", // figure dash → en dash
	'\u2028': "\n",     // line separator
	'\u2029': "\n",     // paragraph separator
	'\u202f': "\u00a0", // narrow no-break space (French « », ; : ! ?) → no-break space
	'\u205f': " ",      // medium mathematical space
	'\u200b': "", '\u200c': "", '\u200d': "", '\u2060': "", '\ufeff': "",
}

// replacement is printed for a character no font glyph can stand for.
const replacement = "\ufffd"

// normalize returns s rewritten so that every rune has a glyph in the
// embedded fonts: line endings become "\n", known spaces and hyphens are
// substituted, other characters fall back to their compatibility
// decomposition (ﬃ → ffi, ễ → ê), and anything left becomes U+FFFD so that
// no text disappears silently.
func (c *coverage) normalize(s string) string {
	if c.printsAsIs(s) {
		return s
	}
	return c.rewrite(s)
}

// rewrite is normalize without its shortcut for text printed as it is.
func (c *coverage) rewrite(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteString(c.printableRune(r))
	}
	return b.String()
}

// printsAsIs reports whether normalize would return s unchanged: s is in
// NFC and printableRune returns every rune of s as it is. Most text is,
// and checking costs a fraction of rewriting it.
func (c *coverage) printsAsIs(s string) bool {
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if !c.has(r) || unicode.IsControl(r) {
			return false
		}
		if r < 0x80 {
			continue // the ASCII substitutes are controls
		}
		if _, ok := substitutes[r]; ok {
			return false
		}
	}
	return norm.NFC.IsNormalString(s)
}

// printableRune returns the text printed for r.
func (c *coverage) printableRune(r rune) string {
	if sub, ok := substitutes[r]; ok {
		return sub
	}
	switch {
	case r == '\n':
		return "\n"
	case unicode.IsControl(r):
		return ""
	case unicode.Is(unicode.Zs, r) && !c.has(r):
		return " "
	case c.has(r):
		return string(r)
	case unicode.Is(unicode.Mn, r):
		return "" // a stray combining mark: its base letter is printed
	}
	return c.decompose(r)
}

// decompose returns r's compatibility decomposition, dropping trailing
// combining marks until the result is printable, or U+FFFD.
func (c *coverage) decompose(r rune) string {
	d := []rune(norm.NFKD.String(string(r)))
	for n := len(d); n > 0; n-- {
		if s := norm.NFC.String(string(d[:n])); c.printable(s) {
			return s
		}
		if !unicode.Is(unicode.Mn, d[n-1]) {
			break
		}
	}
	return replacement
}

// blankLines splits a body into paragraphs.
var blankLines = regexp.MustCompile(`\n[ \t\p{Zs}]*\n\s*`)

// paragraphs returns the non-empty paragraphs of a normalized body.
func paragraphs(body string) []string {
	var out []string
	for _, p := range blankLines.Split(body, -1) {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// labels holds the fixed wording of one language.
type labels struct {
	tag       string // PDF /Lang value
	subject   string
	reference string
	dated     func(place string, t time.Time) string
	// verifyIntro and verifyCode introduce the verification block.
	verifyIntro, verifyCode string
}

// labelSets lists the supported languages.
var labelSets = map[string]labels{
	"fr": {tag: "fr-FR", subject: "Objet : ", reference: "Référence : ", dated: datedFrench,
		verifyIntro: "Vérifiez l'authenticité de ce courrier en flashant ce code, ou sur", verifyCode: "avec le code :"},
	"en": {tag: "en-GB", subject: "Subject: ", reference: "Reference: ", dated: datedEnglish,
		verifyIntro: "Check that this letter is genuine by scanning this code, or at", verifyCode: "with the code:"},
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// frenchDate returns t as "20 novembre 2026", with "1er" for the first day.
func frenchDate(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, frenchMonths[t.Month()-1], t.Year())
}

// datedFrench returns "Montreuil-sur-Loire, le 20 novembre 2026".
func datedFrench(place string, t time.Time) string {
	if place == "" {
		return "Le " + frenchDate(t)
	}
	return place + ", le " + frenchDate(t)
}

// datedEnglish returns "Montreuil-sur-Loire, 20 November 2026".
func datedEnglish(place string, t time.Time) string {
	if place == "" {
		return t.Format("2 January 2006")
	}
	return place + ", " + t.Format("2 January 2006")
}
