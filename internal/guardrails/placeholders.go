package guardrails

import (
	"regexp"
	"strings"
)

// placeholder is one kind of template leftover or filler text.
type placeholder struct {
	re      *regexp.Regexp
	bounded bool                // not glued to a letter or digit on either side
	right   bool                // not glued to a letter or digit on the right
	skip    func(m string) bool // a legitimate look-alike, not flagged
}

// placeholders are matched on the normalised draft (one space between
// words, ' for every apostrophe). Each pattern starts with a literal so
// that the regexp engine can skip to its candidates: the whole check costs
// microseconds, not milliseconds. What they deliberately leave alone:
// « guillemets » and <<guillemets>>, "[sic]", "[...]", "[1]", "(art.
// L112-3)", "n° 2026-118", "N/Réf.", "50 %", "50%des", roman "XX", "$5",
// an email or URL between angle brackets.
var placeholders = append([]placeholder{
	// Go, Mustache, Jinja: {{ .Nom }} or a stray {{ or }}
	{re: regexp.MustCompile(`\{\{(?:[^{}]{0,80}\}\})?`)},
	{re: regexp.MustCompile(`\}\}`)},
	// Jinja, Liquid tags
	{re: regexp.MustCompile(`\{%(?:[^{}]{0,80}%\})?`)},
	{re: regexp.MustCompile(`%\}`)},
	// [[NOM]]
	{re: regexp.MustCompile(`\[\[(?:[^\[\]]{0,80}\]\])?`)},
	{re: regexp.MustCompile(`\]\]`)},
	{re: regexp.MustCompile(`\$(?:\{[^{}]{0,80}\}|[A-Za-z_][A-Za-z0-9_]*)`)},        // $nom, ${nom}
	{re: regexp.MustCompile(`\{[\p{L}_][\p{L}\p{N}_ .'-]{0,39}\}`)},                 // {nom}, {applicant.name}
	{re: regexp.MustCompile(`\[\p{Lu}[\p{L} '_-]{0,39}\]`), skip: isSic},            // [NOM], [Nom de l'association]
	{re: regexp.MustCompile(`<<?[\p{L}_][\p{L}\p{N} _'-]{0,39}>>?`), skip: isGuill}, // <nom>, <DATE>, <no value>
	{re: regexp.MustCompile(`XXX+`), bounded: true},
	{re: regexp.MustCompile(`xxx+`), bounded: true},
	{re: regexp.MustCompile(`___+`), bounded: true},                    // a blank to fill
	{re: regexp.MustCompile(`%(?:\.\d+)?[sdfvq]`), right: true},        // printf verbs
	{re: regexp.MustCompile(`%!\pL?\([^()]{0,60}\)`)},                  // Go fmt errors: %!s(MISSING)
	{re: regexp.MustCompile(`« ?»`)}, {re: regexp.MustCompile(`“ ?”`)}, // a value rendered empty
	{re: regexp.MustCompile(`\( ?\)`)},
}, literals("TODO", "FIXME", "TBD", "N/A", "n/a", "Lorem ipsum", "lorem ipsum", "XX/XX", "xx/xx")...)

// literals returns a placeholder for each filler word, matched as a whole
// word.
func literals(words ...string) []placeholder {
	var out []placeholder
	for _, w := range words {
		out = append(out, placeholder{re: regexp.MustCompile(regexp.QuoteMeta(w)), bounded: true})
	}
	return out
}

// checkPlaceholders reports template placeholders and filler left in the
// draft, quoted in the order they appear.
func checkPlaceholders(p prepared) string {
	found := findPlaceholders(p.normMasked)
	if len(found) == 0 {
		return ""
	}
	return "template placeholders or filler text left in the letter: " + quoteList(found)
}

// findPlaceholders returns the distinct placeholders of the normalised
// text s, in order, a placeholder inside another one counted once.
func findPlaceholders(s string) []string {
	var spans []span
	for _, ph := range placeholders {
		for _, loc := range ph.re.FindAllStringIndex(s, -1) {
			if ph.accepts(s, loc[0], loc[1]) {
				spans = append(spans, span{loc[0], loc[1], s[loc[0]:loc[1]]})
			}
		}
	}
	return spanTexts(spans)
}

// accepts reports whether the match s[start:end] of ph is a placeholder.
func (ph placeholder) accepts(s string, start, end int) bool {
	gluedRight := isWordRune(runeAfter(s, end))
	gluedLeft := isWordRune(runeBefore(s, start))
	switch {
	case ph.bounded && (gluedLeft || gluedRight), ph.right && gluedRight:
		return false
	case ph.skip != nil && ph.skip(s[start:end]):
		return false
	}
	return true
}

// isSic reports the editorial "[Sic]", which is not a placeholder.
func isSic(m string) bool {
	return strings.EqualFold(m, "[sic]")
}

// isGuill reports <<text>>, the ASCII way of typing « guillemets ».
func isGuill(m string) bool {
	return strings.HasPrefix(m, "<<") && strings.HasSuffix(m, ">>")
}
