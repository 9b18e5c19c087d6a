package guardrails

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// languageNames names the languages the check knows, for a Detail.
var languageNames = map[string]string{"fr": "French", "en": "English"}

// frenchStopwords and englishStopwords are very common words of each
// language, disjoint: words both languages use ("a", "on", "or"…) would
// count for neither. frenchElisions are the elided forms ("l'", "qu'")
// counted as French when an apostrophe follows them.
var (
	frenchStopwords = wordSet(`le la les des du de et vous votre vos nous notre nos est sont
		une un pour que qui dans au aux sur par ce cette ces il elle ne pas avec sera été à
		ou se son sa ses leur leurs en être peut afin lorsque dont`)
	englishStopwords = wordSet(`the and of to your you we is for that with this be by on are
		will our us in it from as at an have has not or if which any been please may would
		should their its they was all can`)
	frenchElisions = wordSet(`l d qu n s j c m t jusqu lorsqu puisqu quoiqu`)
)

// wordSet returns the set of the space-separated words of list.
func wordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}

// checkLanguage reports a draft that does not read as Language: the
// stopwords of the requested language must outnumber the other's and
// make at least 5 % of its words. An unknown Language fails.
func checkLanguage(p prepared) string {
	lang := languageCode(p.in.Language)
	want, ok := languageNames[lang]
	if !ok {
		return fmt.Sprintf("unsupported language %s: want \"fr\" or \"en\"", quote(p.in.Language))
	}
	fr, en, words := countStopwords(p.normDraft)
	mine, other := fr, en
	if lang == "en" {
		mine, other = en, fr
	}
	if mine > other && mine*100 >= 5*words {
		return ""
	}
	return fmt.Sprintf("the letter must be in %s but does not read as %s: %d French and %d English stopwords in %d words",
		want, want, fr, en, words)
}

// languageCode reduces a language tag to its lower-case base: "fr-FR" → "fr".
func languageCode(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// countStopwords counts the words of s (runs of letters; "l'avis" is two)
// and, among them, the French and the English stopwords.
func countStopwords(s string) (fr, en, words int) {
	s = strings.ToLower(s)
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += w
			continue
		}
		j := letterRunEnd(s, i)
		word := s[i:j]
		words++
		switch {
		case frenchElisions[word] && runeAfter(s, j) == '\'':
			fr++
		case frenchStopwords[word]:
			fr++
		case englishStopwords[word]:
			en++
		}
		i = j
	}
	return fr, en, words
}

// letterRunEnd returns the end of the run of letters starting at s[i].
func letterRunEnd(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += w
	}
	return i
}
