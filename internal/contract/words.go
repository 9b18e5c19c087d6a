package contract

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// SearchWords returns the words of a name as the inbox searches them:
// lower case, without accents or ligatures, split on anything that is not a
// letter or digit. "Zoë Lefèvre-Œuvray" gives [zoe lefevre oeuvray].
func SearchWords(name string) []string {
	return strings.FieldsFunc(fold(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss", "ł", "l", "Ł", "l", "ø", "o", "Ø", "o")

// fold lowers s and removes its accents.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, ligatures.Replace(s))
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}
