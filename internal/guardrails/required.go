package guardrails

import (
	"strings"
	"unicode/utf8"
)

// checkRequired reports the Required strings (empty ones ignored) that do
// not appear in the draft, both compared after normalisation.
func checkRequired(p prepared) string {
	var missing []string
	for _, req := range p.in.Required {
		want := strings.TrimSpace(normalize(req))
		if want != "" && !containsBounded(p.normDraft, want) {
			missing = append(missing, req)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "missing required text, which must appear exactly as given: " + quoteList(missing)
}

// containsBounded reports whether want occurs in s without being glued to
// a letter or digit that changes what it says: "4 500,00 €" is not found
// in "14 500,00 €", nor "Martin" in "Martinez", nor "DOS-6F1C2A4E" in
// "DOS-6F1C2A4E7". Punctuation around it ("l'association", "Martin,") is
// fine.
func containsBounded(s, want string) bool {
	first, _ := utf8.DecodeRuneInString(want)
	last, _ := utf8.DecodeLastRuneInString(want)
	for from := 0; from <= len(s); {
		i := strings.Index(s[from:], want)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(want)
		gluedLeft := isWordRune(first) && isWordRune(runeBefore(s, start))
		gluedRight := isWordRune(last) && isWordRune(runeAfter(s, end))
		if !gluedLeft && !gluedRight {
			return true
		}
		from = start + 1
	}
	return false
}
